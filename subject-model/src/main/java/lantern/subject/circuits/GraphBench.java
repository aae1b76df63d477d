package lantern.subject.circuits;

import ai.djl.ndarray.NDManager;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.transcoder.TranscoderSet;

import java.util.ArrayList;
import java.util.List;

/** Times one attribution graph (replacement model, attribution, pruning) against one forward pass, per prompt length. */
public final class GraphBench {
    private GraphBench() {
    }

    public record Row(int tokens, int activeFeatures, int nodes, double graphSeconds, double attributeSeconds,
                      double pruneSeconds, double forwardMillis) {
    }

    /**
     * A random TopK transcoder for every layer of a model (for timing in a real shape): encoder N(0, 1/d), decoder
     * N(0, 1/features), small biases.
     */
    public static TranscoderSet randomTranscoders(DecoderModel model, int features, int k, long seed, NDManager manager) {
        int d = model.config().dModel();
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        List<lantern.subject.transcoder.Transcoder> ts = new ArrayList<>();
        try {
            for (int l = 0; l < model.config().layers(); l++) {
                var w = new lantern.subject.sae.SaeWeights(randn(r, d * features, 1 / Math.sqrt(d)), randn(r, features, 0.01),
                        randn(r, features * d, 1 / Math.sqrt(features)), randn(r, d, 0.01), null);
                ts.add(lantern.subject.transcoder.Transcoder.of(model.info().id(), l, d, features,
                        lantern.subject.sae.SaeArchitecture.TOPK, k, w, manager));
            }
        } catch (RuntimeException e) {
            ts.forEach(lantern.subject.transcoder.Transcoder::close);
            throw e;
        }
        return new TranscoderSet(model.info().id(), "random", ts);
    }

    private static float[] randn(java.util.SplittableRandom r, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * std);
        return a;
    }

    /** @param ids a token sequence (BOS first) at least as long as the longest length */
    public static List<Row> run(DecoderModel model, TranscoderSet set, long[] ids, int[] lengths, int forwardRepeats) {
        return run(model, set, ids, lengths, forwardRepeats, null);
    }

    /**
     * As {@link #run(DecoderModel, TranscoderSet, long[], int[], int)}; with {@code dump} not null, also writes each
     * unpruned graph's adjacency there ({@code graph-N.f32}: rows one after another, little-endian float32) so that two
     * builds' graphs can be compared value for value.
     */
    public static List<Row> run(DecoderModel model, TranscoderSet set, long[] ids, int[] lengths, int forwardRepeats,
                                java.nio.file.Path dump) {
        List<Row> rows = new ArrayList<>();
        for (int n : lengths) {
            if (n > ids.length) throw new IllegalArgumentException("need " + n + " tokens, have " + ids.length);
            long[] part = java.util.Arrays.copyOf(ids, n);
            try (NDManager warm = model.manager().newSubManager()) {
                model.run(warm, new long[][]{part}, new int[]{n}, Hooks.none());
            }
            long f0 = System.nanoTime();
            for (int i = 0; i < forwardRepeats; i++) {
                try (NDManager m = model.manager().newSubManager()) {
                    model.run(m, new long[][]{part}, new int[]{n}, Hooks.none());
                }
            }
            double forwardMs = (System.nanoTime() - f0) / 1e6 / forwardRepeats;
            long t0 = System.nanoTime();
            AttributionGraph g;
            long t1;
            try (NDManager m = model.manager().newSubManager()) {
                LocalReplacement r = LocalReplacement.build(model, set, part, m);
                g = new Attribution(r, m).run("bench", 0, null);
                t1 = System.nanoTime();
            }
            if (dump != null) dump(g, dump.resolve("graph-" + n + ".f32"));
            long tp = System.nanoTime();
            CircuitTracer.prune(g, 0.8, 0.98);
            long t2 = System.nanoTime();
            rows.add(new Row(n, g.nFeatures(), g.size(), (t2 - t0 - (tp - t1)) / 1e9, (t1 - t0) / 1e9, (t2 - tp) / 1e9, forwardMs));
        }
        return rows;
    }

    private static void dump(AttributionGraph g, java.nio.file.Path file) {
        float[][] adj = g.adjacency(); // error and token rows have no incoming edges: null, written as zeros
        int width = adj.length;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(adj.length * width * Float.BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float[] row : adj) for (int j = 0; j < width; j++) b.putFloat(row == null ? 0f : row[j]);
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.write(file, b.array());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
