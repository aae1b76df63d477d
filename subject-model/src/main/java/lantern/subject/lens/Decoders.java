package lantern.subject.lens;

import lantern.errors.InvalidInputException;

import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;

/** Turns "this model has no LM head" into the clear error the REST layer maps to a 4xx. */
final class Decoders {
    private Decoders() {
    }

    static DecoderModel require(SubjectModel model, String what) {
        return model.requireLanguageModel(what);
    }
}
