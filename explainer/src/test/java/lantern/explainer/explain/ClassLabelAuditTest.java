package lantern.explainer.explain;

import lantern.collect.*;
import lantern.collect.testing.BrownParts;

import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.explainer.explain.ClassLabelCheck;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplitter;
import lantern.explainer.explain.StatisticalExplainer;
import lantern.subject.bert.BertModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property behind "labels say what they mean", on a test-sized statistical audit: real MiniLM over ~4,000
 * Brown tokens, a statistical label for every 24th neuron of layers 0 and 1, and every word a class label quotes as
 * an example must occur in the corpus as a word of that class. {@code lantern bench labels} counts the same over a
 * whole audit.
 */
class ClassLabelAuditTest {
    private static final String[] FILES = {"ca01", "ca02", "cj01", "cn01"};
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
    void everyExampleAClassLabelQuotesIsAWordOfThatClassInTheCorpus(@TempDir Path data) {
        TokenStream stream = new Chunker(model.tokenizer(), 64).chunk(BrownParts.files(FILES), 4000);
        CollectionResult result = new ActivationCollector(new HookedActivationSource(model), CollectOptions.defaults().withLayers(0, 1))
                .collect(stream, "brown", null);
        ActivationStore.write(data, "brown", result, model.tokenizer()::token);
        StoredFeatureRecords stored = StoredFeatureRecords.open(data, "minilm-l6", "brown");
        var corpus = ClassLabelCheck.WordClasses.of(BrownParts.files(FILES));

        int classLabels = 0;
        List<String> contradicting = new ArrayList<>();
        for (int layer = 0; layer <= 1; layer++) {
            for (int neuron = 0; neuron < 1536; neuron += 24) {
                FeatureRecords rec = stored.load(FeatureId.mlp("minilm-l6", layer, neuron)).orElseThrow();
                Explanation e = new StatisticalExplainer().explain(RecordSplitter.defaults().split(rec));
                ClassLabelCheck.Verdict v = ClassLabelCheck.check(e.text(), e.rule(), corpus);
                if (v == null) continue;
                classLabels++;
                if (v.contradicts()) contradicting.add(layer + "/" + neuron + " " + e.text() + " -> " + v.contradicting());
            }
        }
        // the property is checked on many class labels, not on none
        assertThat(classLabels).isGreaterThan(20);
        assertThat(contradicting).isEmpty();
    }
}
