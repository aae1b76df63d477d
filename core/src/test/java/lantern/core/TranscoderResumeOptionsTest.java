package lantern.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.subject.sae.SaeArchitecture;
import lantern.train.SaeTrainingOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transcoder layer trained before an option existed is kept by a run with that option not in effect (brown-llama's
 * layer 0 was trained again only because its notes lacked the Matryoshka widths and the BatchTopK threshold rate).
 */
class TranscoderResumeOptionsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The options block of a layer trained before those two options existed (as written then). */
    static final String OLD = """
            {"architecture":"TOPK","features":512,"k":16,"l1":5.0,"learningRate":0.004,"batchSize":256,"epochs":2.0,
             "deadAfterTokens":100000,"resampleEvery":100,"seed":42}""";

    static JsonNode now(SaeArchitecture a, int k, List<Integer> widths) throws Exception {
        var o = new SaeTrainingOptions(a, 512, k, 5f, 0.004f, 256, 2.0, 100_000, 100, 42, widths, 0.01);
        return JSON.readTree(JSON.writeValueAsString(o));
    }

    @Test
    void optionsAddedSinceMatchWhenNotInEffect() throws Exception {
        JsonNode old = JSON.readTree(OLD);
        assertThat(TranscoderTraining.sameOptions(now(SaeArchitecture.TOPK, 16, List.of()), old)).isTrue();
        assertThat(TranscoderTraining.sameOptions(now(SaeArchitecture.TOPK, 32, List.of()), old)).isFalse();
        assertThat(TranscoderTraining.sameOptions(now(SaeArchitecture.MATRYOSHKA, 16, List.of(64, 512)),
                JSON.readTree(OLD.replace("TOPK", "MATRYOSHKA")))).isFalse();
        assertThat(TranscoderTraining.sameOptions(now(SaeArchitecture.BATCHTOPK, 16, List.of()),
                JSON.readTree(OLD.replace("TOPK", "BATCHTOPK")))).isFalse();
        JsonNode full = now(SaeArchitecture.TOPK, 16, List.of());
        assertThat(TranscoderTraining.sameOptions(full, full)).isTrue();
        assertThat(TranscoderTraining.sameOptions(full, null)).isFalse();
    }
}
