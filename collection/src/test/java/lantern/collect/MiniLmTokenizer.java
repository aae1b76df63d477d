package lantern.collect;

import lantern.subject.tokenize.HfTextTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The real MiniLM WordPiece tokenizer from the model artifact on the test class path. */
final class MiniLmTokenizer {
    private static HfTextTokenizer instance;

    private MiniLmTokenizer() {
    }

    static synchronized HfTextTokenizer get() {
        if (instance == null) {
            try (InputStream in = MiniLmTokenizer.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
                instance = HfTextTokenizer.fromStream(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }
}
