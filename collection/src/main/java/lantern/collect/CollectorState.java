package lantern.collect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;

/**
 * A collection's main-pass state over a set of batches of its {@link CollectionPlan}: every layer's
 * {@link LayerState} and which batches it holds. States of disjoint batch sets {@link #merge} exactly (integer sums,
 * top K by (max desc, sequence asc), per-sequence and per-batch parts copied by their owner), so merging is
 * associative and commutative and a state collected in parts, on any number of machines, equals the state of one
 * run over all the batches, bit for bit. {@link #toBytes}/{@link #fromBytes} carry it between processes (checksummed).
 */
public final class CollectorState {
    /** "LNTP": a partial collection. */
    static final int MAGIC = 0x4C4E5450;
    /** Raise when the layout or the meaning of the state changes. */
    static final int VERSION = 1;

    final LayerState[] layers;
    final BitSet batches = new BitSet();
    private long tokens;

    CollectorState(LayerState[] layers) {
        this.layers = layers;
    }

    /** An empty state: no batch digested. */
    public static CollectorState empty(CollectionPlan plan) {
        LayerState[] a = new LayerState[plan.layers.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = new LayerState(plan.layers[i], plan.width, plan.randomWindows.size(), plan.quantileSeqs.length, plan.options);
        }
        return new CollectorState(a);
    }

    /** Text tokens of the batches digested. */
    public long tokens() {
        return tokens;
    }

    /** The batches digested. */
    public BitSet batches() {
        return (BitSet) batches.clone();
    }

    /** Whether every batch of the plan has been digested (the state can be finished). */
    public boolean complete(CollectionPlan plan) {
        return batches.cardinality() == plan.batchCount() && batches.nextSetBit(plan.batchCount()) < 0;
    }

    /** Records that batch {@code index} has been digested into the layers. */
    void digested(CollectionPlan plan, int index) {
        if (batches.get(index)) throw new IllegalStateException("batch " + index + " digested twice");
        batches.set(index);
        tokens += plan.tokens(index, index + 1);
    }

    /** Marks batches {@code 0..next} as digested (a state restored from a checkpoint at batch {@code next}). */
    void digestedUpTo(CollectionPlan plan, int next) {
        batches.set(0, next);
        tokens = plan.tokensBefore[next];
    }

    /**
     * Adds {@code other} (a state of the same plan over batches none of which this one holds) into this one; returns
     * this. The result does not depend on the order states are merged in, nor on how the batches were split.
     */
    public CollectorState merge(CollectorState other, CollectionPlan plan) {
        if (batches.intersects(other.batches)) {
            BitSet both = (BitSet) batches.clone();
            both.and(other.batches);
            throw new IllegalArgumentException("states to merge both hold batch " + both.nextSetBit(0));
        }
        if (other.layers.length != layers.length) throw new IllegalArgumentException("states of different layers");
        for (int i = 0; i < layers.length; i++) layers[i].merge(other.layers[i], plan, other.batches);
        batches.or(other.batches);
        tokens += other.tokens;
        return this;
    }

    /**
     * The state as bytes: magic, version, the plan's fingerprint, the batches held, the tokens, every layer's
     * {@link LayerState#save}, and a CRC32C of all of it.
     */
    public byte[] toBytes(CollectionPlan plan) {
        try {
            return StateOut.toBytes(out -> {
                out.putInt(MAGIC).putInt(VERSION).putString(plan.fingerprint());
                out.putLongs(batches.toLongArray()).putLong(tokens);
                out.putInt(layers.length);
                for (LayerState l : layers) l.save(out);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // written to memory: cannot happen
        }
    }

    /**
     * Reads what {@link #toBytes} wrote for the same plan. Throws an {@link UncheckedIOException} saying why for bytes
     * that are damaged, of another format, or of another plan (corpus, options, layers or width).
     */
    public static CollectorState fromBytes(byte[] bytes, CollectionPlan plan) {
        try (StateIn in = new StateIn(bytes)) {
            if (in.getInt() != MAGIC) throw new CorruptCheckpointException("not a Lantern collector state");
            int version = in.getInt();
            if (version != VERSION) {
                throw new CorruptCheckpointException("collector state version " + version + " (this Lantern writes " + VERSION + ")");
            }
            String fingerprint = in.getString();
            if (!fingerprint.equals(plan.fingerprint())) {
                throw new CorruptCheckpointException("a collector state of another collection (plan " + fingerprint
                        + ", expected " + plan.fingerprint() + ")");
            }
            long[] words = new long[in.getArrayLength(8, "batch set")];
            for (int i = 0; i < words.length; i++) words[i] = in.getLong();
            CollectorState s = empty(plan);
            s.batches.or(BitSet.valueOf(words));
            if (s.batches.length() > plan.batchCount()) throw new CorruptCheckpointException("batch " + (s.batches.length() - 1) + " outside the plan");
            s.tokens = in.getLong();
            long expected = 0;
            for (int b = s.batches.nextSetBit(0); b >= 0; b = s.batches.nextSetBit(b + 1)) expected += plan.tokens(b, b + 1);
            if (s.tokens != expected) throw new CorruptCheckpointException(s.tokens + " tokens where its batches hold " + expected);
            if (in.getInt() != s.layers.length) throw new CorruptCheckpointException("another number of layers");
            for (LayerState l : s.layers) {
                l.restore(in);
                for (int b : l.sampleBatches) if (!s.batches.get(b)) throw new CorruptCheckpointException("samples of batch " + b + " not held");
            }
            in.expectEnd();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("the collector state cannot be read: " + e.getMessage(), e);
        }
    }
}
