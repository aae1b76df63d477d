package lantern.collect;

import lantern.subject.HookPass;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.api.ActivationRecord;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.bert.BertModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** End to end: real MiniLM, two layers over ~3,000 Brown tokens, stored and reloaded, checked against a fresh pass. */
class MiniLmCollectionTest {
    static BertModel model;

    @BeforeAll
    static void load() {
        model = BertModel.loadMiniLm();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void collectsStoresAndReloads(@TempDir Path data) {
        TokenStream stream = new Chunker(model.tokenizer(), 64).chunk(ChunkerTest.files("ca01", "ca02", "cj01"), 3000);
        CollectOptions opt = CollectOptions.defaults().withLayers(1, 4);
        CollectionResult result = new ActivationCollector(new HookedActivationSource(model), opt).collect(stream, "brown", null);
        Path dir = ActivationStore.write(data, "brown", result, model.tokenizer()::token);
        assertThat(dir).isEqualTo(data.resolve("activations/minilm-l6/brown"));

        StoredFeatureRecords stored = StoredFeatureRecords.open(data, "minilm-l6", "brown");
        assertThat(stored.collection().manifest().width()).isEqualTo(1536);
        for (int neuron : new int[] {0, 17, 1535}) {
            FeatureRecords rec = stored.load(FeatureId.mlp("minilm-l6", 4, neuron)).orElseThrow();
            assertThat(rec.top()).hasSize(20);
            assertThat(rec.random()).hasSize(20);
            assertThat(rec.stats().max()).isEqualTo(rec.top().get(0).max());
            assertThat(rec.stats().fractionNonZero()).isBetween(0f, 1f);
            assertThat(rec.stats().quantiles()[0]).isLessThanOrEqualTo(rec.stats().quantiles()[3]);
            assertThat(rec.stats().mean()).isLessThan(rec.stats().max());
            // GELU is bounded below by about -0.17.
            assertThat(rec.top().get(19).max()).isGreaterThan(-0.2f);
            ActivationRecord top = rec.top().get(0);
            assertThat(top.tags()).isNotNull();
            assertThat(top.size()).isEqualTo(33);
            // A fresh forward pass of that window's sequence alone gives the same activations.
            LayerResult lr = result.layer(4);
            int seq = lr.top.seq[neuron * 20];
            int start = lr.top.start[neuron * 20];
            long[] ids = stream.modelIds(seq);
            try (NDManager m = model.manager().newSubManager()) {
                Hooks hooks = new Hooks().cache(HookNames.mlpPost(4));
                HookPass hooksPass = hooks.start();
                model.forward(m, new long[][] {ids}, new int[] {ids.length}, hooksPass);
                NDArray a = hooksPass.get(HookNames.mlpPost(4));
                float[] flat = a.toFloatArray();
                for (int i = 0; i < top.size(); i++) {
                    float expected = flat[(1 + start + i) * 1536 + neuron];
                    assertThat(top.activations()[i]).isCloseTo(expected, within(2e-4f));
                }
            }
        }
        assertThat(stored.load(FeatureId.mlp("minilm-l6", 0, 5))).isEmpty();
    }
}
