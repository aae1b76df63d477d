package lantern.core;

import lantern.subject.EncoderModel;
import lantern.subject.HookedModel;
import lantern.subject.bert.EmbeddedEncoder;
import lantern.subject.bert.MiniLm;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;

import java.nio.file.Path;
import java.util.NoSuchElementException;

/**
 * The one policy for turning a model id into a loaded model, for the commands that load their own (the CLI, the
 * benches): an embedded encoder by id ({@code minilm-l6}, {@code bge-small-zh}), else a decoder registered with
 * {@code lantern models add}, a Hugging Face folder or a llama2.c {@code .bin}. The service keeps its models loaded
 * once in {@link LoadedModels}, which resolves ids the same way.
 */
public final class Models {
    private Models() {
    }

    /** An embedded encoder (MiniLM, bge-small-zh): what the sentence-embedding commands take. */
    public static EncoderModel encoder(String id) {
        if (EncoderModel.MINILM_ID.equals(id)) return MiniLm.load();
        var embedded = EmbeddedEncoder.byId(id);
        if (embedded.isPresent()) return embedded.get().load();
        throw new IllegalArgumentException("unknown encoder '" + id + "' (this command supports: " + EmbeddedEncoder.ids() + ")");
    }

    /** An embedded encoder or a decoder (registered name, folder, llama2.c .bin). */
    public static HookedModel hooked(String id, Path dataDir) {
        if (EncoderModel.MINILM_ID.equals(id)) return MiniLm.load();
        var embedded = EmbeddedEncoder.byId(id);
        if (embedded.isPresent()) return embedded.get().load();
        try {
            return DecoderModels.load(id, dataDir);
        } catch (NoSuchElementException e) {
            throw new IllegalArgumentException("unknown model '" + id + "': use " + EmbeddedEncoder.ids()
                    + ", a name registered with 'lantern models add', or a model folder / llama2.c .bin");
        }
    }

    /**
     * A decoder by registered name or path; {@code tokenizer} (llama2.c tokenizer.bin or a tokenizer.json elsewhere)
     * when the path needs one. An encoder id gets the one clear refusal: it has no LM head for {@code what}.
     */
    public static DecoderModel decoder(String id, Path tokenizer, Path dataDir, String what) {
        if (EncoderModel.MINILM_ID.equals(id) || EmbeddedEncoder.byId(id).isPresent()) {
            throw new IllegalArgumentException("model " + id + " is an encoder: no LM head, no " + what);
        }
        if (tokenizer != null) {
            return DecoderModels.load(Path.of(id).getFileName().toString(), Path.of(id), tokenizer);
        }
        return DecoderModels.load(id, dataDir);
    }

    /** A text's sentence embedding by an embedded encoder loaded for this one call (a command's search query). */
    public static float[] embedOnce(String encoderId, String text) {
        try (EncoderModel m = encoder(encoderId)) {
            return m.embed(text);
        }
    }
}
