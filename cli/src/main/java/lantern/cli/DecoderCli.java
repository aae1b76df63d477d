package lantern.cli;

import java.util.NoSuchElementException;
import java.util.concurrent.Callable;

/** What the commands share around their bodies: bad input becomes a one-line error, not a stack trace. */
public final class DecoderCli {
    private DecoderCli() {
    }

    /** Runs a command body; bad input prints "error: ..." and exits 2 instead of a stack trace. */
    public static int run(Callable<Integer> body) {
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
    public static String oneLine(String s) {
        return s.replace("\r", "").replace("\n", "\\n");
    }
}
