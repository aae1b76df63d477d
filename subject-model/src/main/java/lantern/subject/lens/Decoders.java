package lantern.subject.lens;

import lantern.errors.BadRequestException;

import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;

/** Turns "this model has no LM head" into the clear error the REST layer maps to a 4xx. */
final class Decoders {
    private Decoders() {
    }

    static DecoderModel require(SubjectModel model, String what) {
        if (model.info().encoder() || !(model instanceof DecoderModel d)) {
            throw new BadRequestException("model " + model.info().id() + " is an encoder: no LM head, no "
                    + what);
        }
        return d;
    }
}
