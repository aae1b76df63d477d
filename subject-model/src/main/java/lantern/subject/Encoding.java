package lantern.subject;

/**
 * A tokenized text. Character spans are in UTF-16 units of the input string (what Java's substring takes);
 * special tokens have span (-1, -1).
 */
public record Encoding(long[] ids, String[] tokens, int[] charStart, int[] charEnd, boolean[] special) {
    public int length() {
        return ids.length;
    }
}
