package lantern.collect;

import ai.djl.ndarray.NDManager;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Streams a token stream through the model once, in batches, and keeps for every neuron of the chosen layers its
 * statistics, top-K windows, the activations in shared random windows, a uniform token sample for quantiles and
 * the per-sequence max of a few sampled sequences; a second, small pass over those sequences fetches the windows by
 * activation quantile.
 *
 * <p>The work is cut along a {@link CollectionPlan}: its batches are digested ({@link BatchDigest}: per batch and
 * layer the activations [B,T,N] are copied to the JVM once and digested in one pass per sequence; layers in parallel
 * while no forward pass runs) into a {@link CollectorState}, which {@link #finish} turns into the result. One process
 * collects all batches ({@link #collect(TokenStream, String, Consumer, Checkpoints)}); many can each collect a range
 * of them ({@link #collect(CollectionPlan, int, int, Consumer)}) and their states, merged exactly, finish into the
 * very same result.
 *
 * <p>Special tokens ([CLS], [SEP]) are excluded from statistics and windows: they are not text. (OpenAI's
 * neuron-explainer counts every token the model sees; on BERT the special tokens carry outsized activations that
 * would crowd out the text.) Each sequence gives a neuron at most one top window, at its max token, so no two top
 * windows show the same event.
 *
 * <p>A long run survives being killed: with {@link Checkpoints}, the main pass's whole state is written between
 * batches every so often, and a new run of the same collection continues from the latest checkpoint.
 */
public final class ActivationCollector {
    private final ActivationSource source;
    private final CollectOptions opt;

    public ActivationCollector(ActivationSource source, CollectOptions options) {
        this.source = source;
        this.opt = options;
    }

    /** The plan of collecting {@code stream} from this source with these options. */
    public CollectionPlan plan(TokenStream stream) {
        return new CollectionPlan(stream, opt, opt.resolveLayers(source.layers()), source.width());
    }

    public CollectionResult collect(TokenStream stream, String corpusName, Consumer<Progress> progress) {
        return collect(stream, corpusName, progress, Checkpoints.none());
    }

    /**
     * As {@link #collect(TokenStream, String, Consumer)}, continuing from the checkpoint in {@code checkpoints} when it
     * is of this very run (same source, corpus, token stream and options) and writing new ones as its policy says.
     * The result is the same, bit for bit, as that of a run never interrupted: every accumulator is saved whole at a
     * batch boundary, and what a batch adds depends on the batch alone (see {@link CollectorState}).
     */
    public CollectionResult collect(TokenStream stream, String corpusName, Consumer<Progress> progress,
                                    Checkpoints checkpoints) {
        long t0 = System.nanoTime();
        CollectionPlan plan = plan(stream);
        int batches = plan.batchCount();
        CheckpointKey key = checkpoints.enabled() ? CheckpointKey.of(source, corpusName, stream, opt, plan.layers, batches) : null;
        Optional<Checkpoints.Resumed> resumed = key == null ? Optional.empty()
                : checkpoints.resume(key, plan.tokensBefore, () -> CollectorState.empty(plan).layers);
        CollectorState state = resumed.map(r -> new CollectorState(r.layers())).orElseGet(() -> CollectorState.empty(plan));
        int first = resumed.map(r -> r.position().nextBatch()).orElse(0);
        state.digestedUpTo(plan, first);
        long resumedTokens = plan.tokensBefore[first];
        if (resumed.isPresent()) {
            // The clock goes on from the time already spent, so rate, ETA and the stored seconds count all runs.
            t0 = System.nanoTime() - resumed.get().position().elapsedNanos();
            report(progress, "collect", resumedTokens, stream.tokens(), t0, resumedTokens);
        }
        long start = t0;
        long[] lastSave = {System.nanoTime(), 0};  // time of the last checkpoint, batches since
        digest(plan, state, first, batches, progress, new Clock(start, resumedTokens, stream.tokens()), (bi, done) -> {
            lastSave[1]++;
            // Between batches every accumulator is whole. None after the last batch: the short second pass follows.
            if (bi + 1 < batches && checkpoints.due((int) lastSave[1], System.nanoTime() - lastSave[0])) {
                checkpoints.save(key, new CheckpointFile.Position(bi + 1, done, System.nanoTime() - start), state.layers);
                lastSave[0] = System.nanoTime();
                lastSave[1] = 0;
            }
        });
        return finish(plan, state, corpusName, progress, start);
    }

    /**
     * Collects batches {@code from} (inclusive) to {@code to} (exclusive) of {@code plan} into a new state: one
     * partition's share of a collection that several processes run. Progress counts this range's tokens.
     */
    public CollectorState collect(CollectionPlan plan, int from, int to, Consumer<Progress> progress) {
        if (from < 0 || to > plan.batchCount() || from > to) {
            throw new IllegalArgumentException("batches " + from + ".." + to + " outside the plan's 0.." + plan.batchCount());
        }
        CollectorState state = CollectorState.empty(plan);
        digest(plan, state, from, to, progress, new Clock(System.nanoTime(), 0, plan.tokens(from, to)), (bi, done) -> { });
        return state;
    }

    /**
     * The collection from a state holding every batch of the plan: the short second pass for the quantile windows
     * (a forward pass over the few sampled sequences), then every layer's statistics.
     *
     * @param startNanos when the collection started ({@link System#nanoTime}), for the seconds it took
     */
    public CollectionResult finish(CollectionPlan plan, CollectorState state, String corpusName,
                                   Consumer<Progress> progress, long startNanos) {
        if (!state.complete(plan)) {
            throw new IllegalStateException("the state holds " + state.batches.cardinality() + " of the plan's "
                    + plan.batchCount() + " batches");
        }
        TokenStream stream = plan.stream;
        QuantilePass.run(source, plan, state.layers,
                () -> report(progress, "quantile windows", stream.tokens(), stream.tokens(), startNanos, 0));
        List<LayerResult> results = Arrays.stream(state.layers).parallel().map(a -> a.finish(stream.tokens())).toList();
        return new CollectionResult(source.modelId(), corpusName, stream, opt, plan.layers, plan.width,
                plan.randomWindows, results, (System.nanoTime() - startNanos) / 1e9, source.kind());
    }

    /** For progress: when the work started, tokens done before it, tokens in all. */
    private record Clock(long t0, long tokensBefore, long total) {
    }

    private interface AfterBatch {
        void done(int batch, long tokensDone);
    }

    private void digest(CollectionPlan plan, CollectorState state, int from, int to, Consumer<Progress> progress,
                        Clock clock, AfterBatch after) {
        long done = clock.tokensBefore();
        for (int bi = from; bi < to; bi++) {
            int index = bi;
            Batch batch = Batch.of(plan.stream, plan.batches.get(bi));
            long[] rows = plan.sampledRows(batch, bi);
            try (NDManager m = source.manager().newSubManager()) {
                // One copy of each layer's [B,T,N] activations, taken while the pass runs (so the pass can reuse
                // the layer's memory), digested in one pass; layers run in parallel (the forward pass has finished,
                // so the cores are free).
                float[][] copies = new float[state.layers.length][];
                source.neurons(m, batch.ids, batch.lengths, plan.layers,
                        (li, a) -> copies[li] = state.layers[li].copyOut(a));
                IntStream.range(0, state.layers.length).parallel().forEach(li -> BatchDigest.digest(state.layers[li],
                        copies[li], batch, index, plan, rows));
            }
            state.digested(plan, bi);
            done += batch.textTokens;
            report(progress, "collect", done, clock.total(), clock.t0(), clock.tokensBefore());
            after.done(bi, done);
        }
    }

    private static void report(Consumer<Progress> progress, String phase, long done, long total, long t0, long resumedTokens) {
        if (progress != null) progress.accept(Progress.since(phase, done, total, t0, resumedTokens));
    }

    /** Linear interpolation between the order statistics of a sorted sample. */
    static float quantile(float[] sorted, double level) {
        double pos = level * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return (float) (sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]));
    }
}
