package lantern.collect;

/**
 * Where a window lies in its sequence's text tokens: {@code width} tokens around {@code center}, shifted to stay
 * inside the sequence (so windows near a sequence's edge still show {@code width} tokens of context where the
 * sequence has them).
 */
public record Window(int sequence, int start, int length) {
    public static Window around(int sequence, int center, int sequenceLength, int halfWindow) {
        int width = 2 * halfWindow + 1;
        int length = Math.min(width, sequenceLength);
        int start = Math.max(0, Math.min(center - halfWindow, sequenceLength - length));
        return new Window(sequence, start, length);
    }
}
