package lantern.core;

import lantern.subject.HookedModel;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where a use case gets the model a request names, and how long it keeps it: the service holds each model loaded once
 * ({@link LoadedModels}, behind the app's registry), a command loads it for one call and closes it after
 * ({@link #loading}). Use cases take a source, so REST and CLI run the same method on the same model.
 */
public interface ModelSource {
    /** Runs {@code use} on the model named {@code id} (an embedded encoder id, a registered decoder, a path). */
    <T> T withModel(String id, Function<SubjectModel, T> use);

    /** Runs {@code use} on the decoder named {@code id}; an encoder is refused with "no LM head, no {@code what}". */
    default <T> T withDecoder(String id, String what, Function<DecoderModel, T> use) {
        return withModel(id, m -> use.apply(m.requireLanguageModel(what)));
    }

    /**
     * The commands' source: each call loads the model by {@link Models}'s policy and closes it after. {@code tokenizer}
     * (llama2.c tokenizer.bin, or a tokenizer.json) when a decoder path needs one, else null.
     */
    static ModelSource loading(Path dataDir, Path tokenizer) {
        return new ModelSource() {
            @Override
            public <T> T withModel(String id, Function<SubjectModel, T> use) {
                try (HookedModel m = tokenizer != null ? Models.decoder(id, tokenizer, dataDir, "this command") : Models.hooked(id, dataDir)) {
                    return use.apply(m);
                }
            }

            @Override
            public <T> T withDecoder(String id, String what, Function<DecoderModel, T> use) {
                try (DecoderModel m = Models.decoder(id, tokenizer, dataDir, what)) {
                    return use.apply(m);
                }
            }
        };
    }

    /** A source over models the caller keeps loaded (the service's {@link LoadedModels}); nothing is closed. */
    static ModelSource held(LoadedModels models) {
        return new ModelSource() {
            @Override
            public <T> T withModel(String id, Function<SubjectModel, T> use) {
                return use.apply(models.get(id));
            }
        };
    }
}
