package lantern.service.cli;

import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;

import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;

/** What the decoder commands share: loading by name or path, and turning bad input into a one-line error. */
final class DecoderCli {
    static final String MINILM = "minilm-l6";

    private DecoderCli() {
    }

    /** A registered name or a path (HF directory, llama2.c .bin); the encoder gets a clear refusal. */
    static DecoderModel load(String model, Path tokenizer, Path data, String what) {
        if (MINILM.equals(model)) {
            throw new IllegalArgumentException("model " + model + " is an encoder: no LM head, no " + what);
        }
        if (tokenizer != null) {
            return DecoderModels.load(Path.of(model).getFileName().toString(), Path.of(model), tokenizer);
        }
        return DecoderModels.load(model, data);
    }

    /** Runs a command body; bad input prints "error: ..." and exits 2 instead of a stack trace. */
    static int run(Callable<Integer> body) {
        try {
            return body.call();
        } catch (IllegalArgumentException | NoSuchElementException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keeps a continuation on one line: newlines become the two characters \n. */
    static String oneLine(String s) {
        return s.replace("\r", "").replace("\n", "\\n");
    }
}
