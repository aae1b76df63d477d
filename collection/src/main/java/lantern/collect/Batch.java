package lantern.collect;

/** One batch of sequences, right-padded to its longest. */
final class Batch {
    final int size;
    final int t;
    final long[][] ids;
    final int[] lengths;
    final long textTokens;
    final int[] seqs;

    private Batch(TokenStream stream, int[] seqs) {
        this.seqs = seqs.clone();
        size = seqs.length;
        int extra = stream.prefix().length + stream.suffix().length;
        int maxT = 0;
        for (int s : seqs) maxT = Math.max(maxT, stream.length(s) + extra);
        t = maxT;
        ids = new long[size][t];
        lengths = new int[size];
        long text = 0;
        for (int b = 0; b < size; b++) {
            long[] row = stream.modelIds(seqs[b]);
            System.arraycopy(row, 0, ids[b], 0, row.length);
            lengths[b] = row.length;
            text += stream.length(seqs[b]);
        }
        textTokens = text;
    }

    static Batch of(TokenStream stream, int[] seqs) {
        return new Batch(stream, seqs);
    }
}
