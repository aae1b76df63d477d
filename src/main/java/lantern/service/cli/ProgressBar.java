package lantern.service.cli;

import lantern.explainer.collect.Progress;

import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * A one-line progress bar on stderr (tokens, tokens/s, ETA; where a run resumed from a checkpoint, the tokens it
 * found done), redrawn at most a few times a second. Notes (a checkpoint resumed or ignored) get lines of their own.
 */
final class ProgressBar implements Consumer<Progress> {
    private final PrintStream out;
    private long lastDraw;
    private Progress last;

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public void accept(Progress p) {
        last = p;
        long now = System.nanoTime();
        if (now - lastDraw < 250_000_000L && p.tokensDone() < p.tokensTotal()) return;
        lastDraw = now;
        draw(p);
    }

    private void draw(Progress p) {
        int width = 30;
        int filled = (int) Math.round(p.fraction() * width);
        long eta = p.eta().toSeconds();
        out.printf("\r%-16s [%s%s] %5.1f%% %,d/%,d tokens %,8.0f tok/s ETA %d:%02d:%02d ", p.phase(),
                "#".repeat(filled), ".".repeat(width - filled), 100 * p.fraction(), p.tokensDone(), p.tokensTotal(),
                p.tokensPerSecond(), eta / 3600, (eta / 60) % 60, eta % 60);
        if (p.resumedTokens() > 0) out.printf("(resumed at %,d) ", p.resumedTokens());
        out.flush();
    }

    /** Prints a line of its own above the bar (which is redrawn with the next progress). */
    void note(String line) {
        if (last != null) out.println();  // below the bar drawn so far, which stays as it was
        out.println(line);
        out.flush();
        lastDraw = 0;
    }

    void finish() {
        if (last != null) draw(last);
        out.println();
    }
}
