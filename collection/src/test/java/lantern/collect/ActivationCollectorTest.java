package lantern.collect;

import lantern.api.Manifest;
import lantern.api.ActivationRecord;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The collector against a brute-force reference over a deterministic source, then the store round trip. */
class ActivationCollectorTest {
    static final int WIDTH = 40;
    static final int[] LAYERS = {0, 2};
    static FunctionSource source;
    static TokenStream stream;
    static CollectionResult result;
    static CollectOptions options;

    @BeforeAll
    static void collect() {
        source = new FunctionSource(3, WIDTH);
        stream = new Chunker(MiniLmTokenizer.get(), 64).chunk(ChunkerTest.files("ca01", "ca02"), 3000);
        // Batch size 7 so batches end mid-way and the last one is short; sample every token for exact quantiles.
        options = new CollectOptions(LAYERS, 5, 4, 7, 42L, 6, CollectOptions.DEFAULT_LEVELS, 1_000_000, 3, 2, 30);
        List<Progress> progress = new ArrayList<>();
        result = new ActivationCollector(source, options).collect(stream, "brown-part", progress::add);
        assertThat(progress).isNotEmpty();
        assertThat(progress.stream().filter(p -> p.phase().equals("collect")).reduce((a, b) -> b).orElseThrow().tokensDone())
                .isEqualTo(stream.tokens());
    }

    @AfterAll
    static void close() {
        source.manager.close();
    }

    static float act(int layer, int seq, int textPos, int n) {
        return FunctionSource.f(layer, stream.ids()[stream.seqStart()[seq] + textPos], textPos + stream.prefix().length, n);
    }

    record Event(int seq, int center, float max) {}

    @Test
    void topWindowsEqualBruteForce() {
        for (int layer : LAYERS) {
            LayerResult lr = result.layer(layer);
            for (int n = 0; n < WIDTH; n++) {
                List<Event> events = new ArrayList<>();
                for (int s = 0; s < stream.sequences(); s++) {
                    int arg = 0;
                    for (int i = 1; i < stream.length(s); i++) if (act(layer, s, i, n) > act(layer, s, arg, n)) arg = i;
                    events.add(new Event(s, arg, act(layer, s, arg, n)));
                }
                events.sort(Comparator.comparing((Event e) -> -e.max).thenComparing(Event::seq));
                for (int j = 0; j < options.topK(); j++) {
                    Event e = events.get(j);
                    int slot = n * options.topK() + j;
                    assertThat(lr.top.seq[slot]).as("layer %d neuron %d rank %d", layer, n, j).isEqualTo(e.seq);
                    assertThat(lr.top.value[slot]).isEqualTo(e.max);
                    Window win = Window.around(e.seq, e.center, stream.length(e.seq), options.halfWindow());
                    assertThat(lr.top.start[slot]).isEqualTo(win.start());
                    assertThat(lr.top.length[slot]).isEqualTo(win.length());
                    for (int i = 0; i < win.length(); i++) {
                        assertThat(lr.top.activations[slot * options.windowWidth() + i]).isEqualTo(act(layer, e.seq, win.start() + i, n));
                    }
                }
            }
        }
    }

    @Test
    void statisticsEqualBruteForce() {
        for (int layer : LAYERS) {
            LayerResult lr = result.layer(layer);
            for (int n = 0; n < WIDTH; n++) {
                float max = Float.NEGATIVE_INFINITY;
                double sum = 0;
                int pos = 0;
                List<Float> all = new ArrayList<>();
                for (int s = 0; s < stream.sequences(); s++) {
                    for (int i = 0; i < stream.length(s); i++) {
                        float a = act(layer, s, i, n);
                        max = Math.max(max, a);
                        sum += a;
                        if (a > 0) pos++;
                        all.add(a);
                    }
                }
                assertThat(lr.max[n]).isEqualTo(max);
                assertThat(lr.mean[n]).isCloseTo((float) (sum / stream.tokens()), within(1e-4f));
                assertThat(lr.fractionPositive[n]).isCloseTo((float) pos / stream.tokens(), within(1e-6f));
                float[] sorted = new float[all.size()];
                for (int i = 0; i < sorted.length; i++) sorted[i] = all.get(i);
                java.util.Arrays.sort(sorted);
                for (int q = 0; q < CollectOptions.DEFAULT_LEVELS.length; q++) {
                    assertThat(lr.quantiles[n * 4 + q]).isEqualTo(ActivationCollector.quantile(sorted, CollectOptions.DEFAULT_LEVELS[q]));
                }
            }
        }
    }

    @Test
    void randomAndQuantileWindowsHoldTheRightActivations() {
        assertThat(result.randomWindows()).hasSize(6);
        for (int layer : LAYERS) {
            LayerResult lr = result.layer(layer);
            int w = options.windowWidth();
            for (int n = 0; n < WIDTH; n++) {
                for (int r = 0; r < 6; r++) {
                    Window win = result.randomWindows().get(r);
                    for (int i = 0; i < win.length(); i++) {
                        assertThat(lr.randomActivations[(n * 6 + r) * w + i]).isEqualTo(act(layer, win.sequence(), win.start() + i, n));
                    }
                }
                LayerResult.Slots q = lr.quantileWindows;
                float previousBinMax = Float.NEGATIVE_INFINITY;
                for (int bin = 0; bin < 3; bin++) {
                    float binMin = Float.POSITIVE_INFINITY, binMax = Float.NEGATIVE_INFINITY;
                    for (int k = 0; k < 2; k++) {
                        int slot = (n * 3 + bin) * 2 + k;
                        assertThat(q.seq[slot]).as("every bin filled").isNotNegative();
                        float seqMax = Float.NEGATIVE_INFINITY;
                        for (int i = 0; i < stream.length(q.seq[slot]); i++) seqMax = Math.max(seqMax, act(layer, q.seq[slot], i, n));
                        assertThat(q.value[slot]).isEqualTo(seqMax).isPositive();
                        for (int i = 0; i < q.length[slot]; i++) {
                            assertThat(q.activations[slot * w + i]).isEqualTo(act(layer, q.seq[slot], q.start[slot] + i, n));
                        }
                        binMin = Math.min(binMin, seqMax);
                        binMax = Math.max(binMax, seqMax);
                    }
                    assertThat(binMin).isGreaterThanOrEqualTo(previousBinMax);
                    previousBinMax = binMax;
                }
            }
        }
    }

    @Test
    void storeRoundTrip(@TempDir Path data) throws Exception {
        Path dir = ActivationStore.write(data, "part", result, id -> MiniLmTokenizer.get().token(id));
        assertThat(dir).isEqualTo(data.resolve("activations/fn/part"));
        try (var files = Files.list(dir.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("part");  // no temp left
        }
        StoredFeatureRecords source = StoredFeatureRecords.open(data, "fn", "part");
        Manifest m = source.collection().manifest();
        assertThat(m.tokens()).isEqualTo(stream.tokens());
        assertThat(m.layers()).containsExactly(0, 2);
        assertThat(m.corpus()).isEqualTo("brown-part");
        assertThat(ActivationStore.list(data)).extracting(Manifest::name).containsExactly("part");

        int n = 17;
        FeatureRecords rec = source.load(FeatureId.parse("fn/2/mlp/17")).orElseThrow();
        LayerResult lr = result.layer(2);
        assertThat(rec.stats().max()).isEqualTo(lr.max[n]);
        assertThat(rec.stats().mean()).isEqualTo(lr.mean[n]);
        assertThat(rec.stats().quantiles()).containsExactly(java.util.Arrays.copyOfRange(lr.quantiles, n * 4, n * 4 + 4));
        assertThat(rec.stats().tokens()).isEqualTo(stream.tokens());
        assertThat(rec.top()).hasSize(options.topK());
        for (int j = 0; j < options.topK(); j++) {
            ActivationRecord r = rec.top().get(j);
            int slot = n * options.topK() + j;
            int first = stream.seqStart()[lr.top.seq[slot]] + lr.top.start[slot];
            assertThat(r.size()).isEqualTo(lr.top.length[slot]);
            for (int i = 0; i < r.size(); i++) {
                assertThat(r.tokens().get(i)).isEqualTo(MiniLmTokenizer.get().token(stream.ids()[first + i]));
                assertThat(r.activations()[i]).isEqualTo(act(2, lr.top.seq[slot], lr.top.start[slot] + i, n));
                assertThat(r.tags().get(i)).isEqualTo(stream.tag(first + i));
                assertThat(r.wordStart()[i]).isEqualTo(stream.wordStart()[first + i]);
            }
            assertThat(r.max()).isEqualTo(lr.top.value[slot]);
        }
        assertThat(rec.random()).hasSize(6);
        assertThat(rec.quantileBins()).hasSize(3).allSatisfy(bin -> assertThat(bin).hasSize(2));
        // Strongest first.
        for (int j = 1; j < rec.top().size(); j++) assertThat(rec.top().get(j).max()).isLessThanOrEqualTo(rec.top().get(j - 1).max());

        assertThat(source.load(FeatureId.parse("fn/1/mlp/0"))).isEmpty();       // layer not collected
        assertThat(source.load(FeatureId.parse("other/0/mlp/0"))).isEmpty();    // other model
        assertThat(source.load(FeatureId.parse("fn/0/mlp/" + WIDTH))).isEmpty(); // past the width

        // Writing again replaces the old collection atomically.
        ActivationStore.write(data, "part", result, id -> MiniLmTokenizer.get().token(id));
        try (var files = Files.list(dir.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("part");
        }
    }

    @Test
    void failedWriteLeavesNothingBehind(@TempDir Path data) throws Exception {
        assertThatThrownBy(() -> ActivationStore.write(data, "broken", result, id -> { throw new IllegalStateException("boom"); }))
                .hasMessageContaining("boom");
        try (var files = Files.list(data.resolve("activations/fn"))) {
            assertThat(files.toList()).isEmpty();
        }
        assertThat(ActivationStore.list(data)).isEmpty();
    }

    @Test
    void badOptionsAreClearErrors() {
        assertThatThrownBy(() -> CollectOptions.defaults().withTopK(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CollectOptions.defaults().withLayers(7).resolveLayers(6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer 7");
    }
}
