package lantern.eval.sae;

import ai.djl.ndarray.NDManager;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.collect.CollectOptions;
import lantern.collect.CollectionRun;
import lantern.collect.StoredFeatureRecords;
import lantern.corpus.BrownCorpus;
import lantern.subject.bert.BertModel;
import lantern.subject.sae.Sae;
import lantern.subject.sae.SaeArchitecture;
import lantern.subject.sae.SaeConfig;
import lantern.subject.sae.SaeFeatureSource;
import lantern.subject.sae.SaeWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** SAE features go through the same collection and store as neurons, under ids with the SAE's kind. */
class SaeFeaturesAsFeaturesTest {
    @TempDir
    Path data;

    @Test
    void collectedAndLoadedByKind() {
        int dIn = 384, dSae = 48, k = 6;
        Random r = new Random(3);
        float[] wEnc = new float[dIn * dSae];
        float[] wDec = new float[dSae * dIn];
        for (int i = 0; i < wEnc.length; i++) wEnc[i] = (float) r.nextGaussian() * 0.05f;
        for (int i = 0; i < wDec.length; i++) wDec[i] = (float) r.nextGaussian() * 0.05f;
        SaeConfig cfg = new SaeConfig("minilm-l6", "blocks.3.hook_resid_post", dIn, dSae, SaeArchitecture.TOPK, k, true, "none");
        try (BertModel model = BertModel.loadMiniLm();
             Sae sae = Sae.of(cfg, new SaeWeights(wEnc, new float[dSae], wDec, new float[dIn], null), model.manager())) {
            var source = new SaeActivationSource(model, new SaeFeatureSource(sae));
            assertThat(source.kind()).isEqualTo("sae-resid_post-k6");
            new CollectionRun(new BrownCorpus(Path.of("lantern-data/corpora/brown")), "sae", CollectOptions.defaults().withLayers(3),
                    1500, 64).run(model, source, data, p -> { });
            var store = StoredFeatureRecords.open(data, "minilm-l6", "sae");
            assertThat(store.collection().manifest().kind()).isEqualTo("sae-resid_post-k6");
            assertThat(store.collection().manifest().width()).isEqualTo(dSae);
            FeatureId id = new FeatureId("minilm-l6", 3, "sae-resid_post-k6", 5);
            FeatureRecords rec = store.load(id).orElseThrow();
            assertThat(rec.id()).isEqualTo(id);
            assertThat(rec.top()).isNotEmpty();
            // a TopK SAE fires on at most k of d_sae features per token: the mean fraction active is bounded by k/d_sae
            double meanFraction = 0;
            for (int f = 0; f < dSae; f++) {
                meanFraction += store.load(new FeatureId("minilm-l6", 3, "sae-resid_post-k6", f)).orElseThrow().stats().fractionNonZero();
            }
            assertThat(meanFraction / dSae).isLessThanOrEqualTo((double) k / dSae + 1e-6);
            // the neuron id of the same layer and index is not served by an SAE collection
            assertThat(store.load(FeatureId.mlp("minilm-l6", 3, 5))).isEmpty();
        }
    }
}
