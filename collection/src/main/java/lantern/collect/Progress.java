package lantern.collect;

import java.time.Duration;

/**
 * How far a collection has come.
 *
 * @param tokensPerSecond over all the time spent collecting, earlier runs included when it resumed
 * @param resumedTokens   tokens that were done already when this run resumed from a checkpoint (0: started fresh)
 */
public record Progress(String phase, long tokensDone, long tokensTotal, double tokensPerSecond, Duration eta,
                       long resumedTokens) {
    /** {@code done} of {@code total} tokens since {@code startNanos}, with the rate so far and the ETA it gives. */
    public static Progress since(String phase, long done, long total, long startNanos, long resumedTokens) {
        double secs = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        double rate = done / secs;
        long etaSecs = rate > 0 ? (long) ((total - done) / rate) : 0;
        return new Progress(phase, done, total, rate, Duration.ofSeconds(etaSecs), resumedTokens);
    }

    public double fraction() {
        return tokensTotal == 0 ? 1 : (double) tokensDone / tokensTotal;
    }
}
