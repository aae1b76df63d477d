package lantern.collect;

import java.time.Duration;

/**
 * When a collection writes a checkpoint of its state: after {@code interval} of collecting, or after
 * {@code everyBatches} batches, whichever comes first (a zero turns that trigger off; both zero: no checkpoints).
 *
 * @param interval     wall time between checkpoints
 * @param everyBatches batches between checkpoints (tests use 1 to make every batch boundary a restart point)
 * @param restart      ignore an existing checkpoint and start from the first batch
 */
public record CheckpointPolicy(Duration interval, int everyBatches, boolean restart) {
    /** A minute: a checkpoint of all of MiniLM's neurons (~100 MB) then costs well under 1% of the run. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

    public CheckpointPolicy {
        if (interval == null || interval.isNegative()) throw new IllegalArgumentException("checkpoint interval must be >= 0: " + interval);
        if (everyBatches < 0) throw new IllegalArgumentException("batches between checkpoints must be >= 0: " + everyBatches);
    }

    public static CheckpointPolicy defaults() {
        return every(DEFAULT_INTERVAL);
    }

    public static CheckpointPolicy every(Duration interval) {
        return new CheckpointPolicy(interval, 0, false);
    }

    public static CheckpointPolicy everyBatches(int batches) {
        return new CheckpointPolicy(Duration.ZERO, batches, false);
    }

    public static CheckpointPolicy off() {
        return new CheckpointPolicy(Duration.ZERO, 0, false);
    }

    /** Seconds from the command line or the configuration: 0 turns checkpoints off. */
    public static CheckpointPolicy everySeconds(long seconds) {
        if (seconds < 0) throw new IllegalArgumentException("checkpoint seconds must be >= 0 (0: no checkpoints): " + seconds);
        return every(Duration.ofSeconds(seconds));
    }

    public CheckpointPolicy withRestart(boolean r) {
        return new CheckpointPolicy(interval, everyBatches, r);
    }

    public boolean enabled() {
        return !interval.isZero() || everyBatches > 0;
    }

    /** Whether a checkpoint is due {@code batches} batches and {@code nanos} after the last one. */
    boolean due(int batches, long nanos) {
        return (everyBatches > 0 && batches >= everyBatches) || (!interval.isZero() && nanos >= interval.toNanos());
    }
}
