package lantern.explainer.openai;

import lantern.api.ActivationRecord;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.api.FeatureStats;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NeuronRecordJsonTest {
    // shaped like a file of OpenAI's public collated-activations dataset (FastDataclass JSON), abridged
    private static final String OPENAI = """
            {"dataclass_name": "NeuronRecord",
             "neuron_id": {"dataclass_name": "NeuronId", "layer_index": 5, "neuron_index": 131},
             "random_sample": [{"dataclass_name": "ActivationRecord", "tokens": [" the", " cat"], "activations": [0.0, -0.1]}],
             "random_sample_by_quantile": [[{"dataclass_name": "ActivationRecord", "tokens": ["a"], "activations": [0.5]}]],
             "quantile_boundaries": [0.0, 0.5, 1.2],
             "mean": 0.01, "variance": 0.2, "skewness": 1.0, "kurtosis": 3.0,
             "most_positive_activation_records": [
               {"dataclass_name": "ActivationRecord", "tokens": [" dogs", " run"], "activations": [3.25, 0.0]},
               {"dataclass_name": "ActivationRecord", "tokens": [" cats"], "activations": [2.5]}]}
            """;

    @Test
    void readsTheirNeuronRecordAndWritesItBack() {
        FeatureRecords fr = NeuronRecordJson.read(OPENAI, "gpt2-xl", null);
        assertThat(fr.id()).isEqualTo(FeatureId.mlp("gpt2-xl", 5, 131));
        assertThat(fr.top()).hasSize(2);
        assertThat(fr.top().get(0).tokens()).containsExactly(" dogs", " run");
        assertThat(fr.top().get(0).activations()).containsExactly(3.25f, 0f);
        assertThat(fr.random()).hasSize(1);
        assertThat(fr.quantileBins()).hasSize(1);
        assertThat(fr.stats().max()).isEqualTo(3.25f);
        assertThat(fr.stats().quantiles()).containsExactly(0f, 0.5f, 1.2f);

        FeatureRecords again = NeuronRecordJson.read(NeuronRecordJson.write(fr), "gpt2-xl", null);
        assertThat(again.top()).isEqualTo(fr.top());
        assertThat(again.random()).isEqualTo(fr.random());
        assertThat(again.quantileBins()).isEqualTo(fr.quantileBins());
        assertThat(NeuronRecordJson.write(fr)).contains("\"dataclass_name\":\"ActivationRecord\"");
    }

    @Test
    void readsABareActivationRecordListStrongestFirst() {
        String json = "{\"activation_records\": [{\"tokens\": [\"a\"], \"activations\": [1]}, {\"tokens\": [\"b\"], \"activations\": [4]}]}";
        FeatureRecords fr = NeuronRecordJson.read(json, "m", FeatureId.mlp("m", 0, 7));
        assertThat(fr.top()).extracting(ActivationRecord::max).containsExactly(4f, 1f);
        assertThat(fr.id()).isEqualTo(FeatureId.mlp("m", 0, 7));
    }

    @Test
    void badFilesGiveClearErrors() {
        assertThatThrownBy(() -> NeuronRecordJson.read("{\"activation_records\": [{\"tokens\": [\"a\", \"b\"], \"activations\": [1]}]}", "m", FeatureId.mlp("m", 0, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 tokens but 1 activations");
        assertThatThrownBy(() -> NeuronRecordJson.read("{\"activation_records\": []}", "m", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neuron_id");
        assertThatThrownBy(() -> NeuronRecordJson.read("[1]", "m", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NeuronRecordJson.read("{\"activation_records\": [{\"tokens\": [1], \"activations\": [1]}]}", "m", FeatureId.mlp("m", 0, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a string");
    }

    @Test
    void explanationsRoundTrip() {
        FeatureId id = FeatureId.mlp("m", 2, 9);
        String json = ExplanationJson.write(id, List.of(new ExplanationJson.Scored("plural nouns", 0.71), new ExplanationJson.Scored("x", Double.NaN)));
        assertThat(json).contains("\"ev_correlation_score\":0.71").contains("\"layer_index\":2");
        List<ExplanationJson.Scored> back = ExplanationJson.read(json);
        assertThat(back.get(0)).isEqualTo(new ExplanationJson.Scored("plural nouns", 0.71));
        assertThat(back.get(1).evCorrelationScore()).isNaN();
    }
}
