package lantern.explainer.collect;

import java.time.Duration;

/**
 * How far a collection has come.
 *
 * @param tokensPerSecond over all the time spent collecting, earlier runs included when it resumed
 * @param resumedTokens   tokens that were done already when this run resumed from a checkpoint (0: started fresh)
 */
public record Progress(String phase, long tokensDone, long tokensTotal, double tokensPerSecond, Duration eta,
                       long resumedTokens) {
    public double fraction() {
        return tokensTotal == 0 ? 1 : (double) tokensDone / tokensTotal;
    }
}
