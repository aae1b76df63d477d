package lantern.cli;

import lantern.collect.Progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The one progress bar of the CLI: a line on stderr with phase, bar, done/total units, rate and ETA (plus what a
 * caller adds: a resumed checkpoint, a loss), redrawn at most a few times a second. Collections feed it
 * {@link Progress}; anything else counts through {@link #update}. Notes get lines of their own.
 */
public final class ProgressBar implements Consumer<Progress> {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private long lastDraw;
    private String lastLine;
    private String phase;
    private long phaseStart;
    private long phaseStartDone;

    public ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public void accept(Progress p) {
        String extra = p.resumedTokens() > 0 ? String.format(Locale.ROOT, "(resumed at %,d)", p.resumedTokens()) : "";
        show(p.tokensDone() >= p.tokensTotal(), line(p.phase(), p.tokensDone(), p.tokensTotal(), "tokens",
                p.tokensPerSecond(), p.eta().toSeconds(), extra));
    }

    /** {@code done} of {@code total} {@code unit}s in {@code phase}; rate and ETA from when the phase began. */
    public void update(String phase, long done, long total, String unit, String extra) {
        long now = System.nanoTime();
        if (!phase.equals(this.phase)) {
            this.phase = phase;
            phaseStart = now;
            phaseStartDone = done; // a resumed job: the rate counts only what this run did
        }
        double secs = (now - phaseStart) / 1e9;
        double rate = secs > 0 ? (done - phaseStartDone) / secs : 0;
        long eta = rate > 0 ? (long) ((total - done) / rate) : 0;
        show(done >= total, line(phase, done, total, unit, rate, eta, extra));
    }

    public static String line(String phase, long done, long total, String unit, double rate, long etaSeconds, String extra) {
        double f = total == 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(f * WIDTH);
        String s = String.format(Locale.ROOT, "%-16s [%s%s] %5.1f%% %,d/%,d %s %,8.1f %s/s ETA %d:%02d:%02d", phase,
                "#".repeat(filled), ".".repeat(WIDTH - filled), 100 * f, done, total, unit, rate, unit,
                etaSeconds / 3600, (etaSeconds / 60) % 60, etaSeconds % 60);
        return extra == null || extra.isEmpty() ? s : s + " " + extra;
    }

    private void show(boolean complete, String line) {
        lastLine = line;
        long now = System.nanoTime();
        if (now - lastDraw < 250_000_000L && !complete) return;
        lastDraw = now;
        draw();
    }

    private void draw() {
        out.print("\r" + lastLine + " ");
        out.flush();
    }

    /** Prints a line of its own above the bar (which is redrawn with the next progress). */
    public void note(String line) {
        if (lastLine != null) out.println();  // below the bar drawn so far, which stays as it was
        out.println(line);
        out.flush();
        lastDraw = 0;
    }

    /** Draws the last state and ends the line, ready for the next phase. */
    public void finish() {
        if (lastLine != null) draw();
        out.println();
        lastLine = null;
    }
}
