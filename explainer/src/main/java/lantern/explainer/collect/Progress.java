package lantern.explainer.collect;

import java.time.Duration;

/** How far a collection has come. */
public record Progress(String phase, long tokensDone, long tokensTotal, double tokensPerSecond, Duration eta) {
    public double fraction() {
        return tokensTotal == 0 ? 1 : (double) tokensDone / tokensTotal;
    }
}
