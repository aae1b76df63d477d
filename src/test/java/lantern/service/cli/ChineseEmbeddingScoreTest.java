package lantern.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15.BgeSmallZhV15EmbeddingModel;
import lantern.eval.score.EmbeddingScorer;
import lantern.eval.score.ScoringEmbedders;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.collect.CollectOptions;
import lantern.collect.CollectionRun;
import lantern.collect.StoredFeatureRecords;
import lantern.corpus.ChinesePoetryCorpus;
import lantern.explainer.explain.CorpusLanguage;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplit;
import lantern.explainer.explain.RecordSplitter;
import lantern.llm.LlmUsage;
import lantern.core.ExplanationResult;
import lantern.core.ExplanationService;
import lantern.core.LoadedModels;
import lantern.subject.HookedModel;
import lantern.subject.SentenceEmbedder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The embedding score of a Chinese feature embeds its Chinese label and windows with bge-small-zh, on the service's
 * path and the CLI's alike (one rule: {@link ScoringEmbedders}); the score matches the same AUC computed with the
 * artifact's own ONNX Runtime bge-small-zh as the embedder.
 */
class ChineseEmbeddingScoreTest {
    static final Path SAMPLE = Path.of("src/test/resources/chinese-poetry-sample");
    static final String MODEL = "bge-small-zh";

    @TempDir
    Path data;

    @Test
    void aBgeFeatureIsScoredByBgeOnTheServicePathAndTheCliPath() throws Exception {
        FeatureId id = FeatureId.mlp(MODEL, 0, 7);
        ExplanationResult served;
        FeatureRecords records;
        try (LoadedModels models = new LoadedModels(data)) {
            CollectOptions opt = CollectOptions.defaults().withLayers(0).withTopK(6);
            new CollectionRun(new ChinesePoetryCorpus(SAMPLE), "chinese-poetry", opt, 0, 64)
                    .run((HookedModel) models.get(MODEL), data, p -> { });
            records = StoredFeatureRecords.open(data, MODEL, "chinese-poetry").load(id).orElseThrow();
            // the service's explanation service, as Services and the Spark executors make it
            served = ExplanationService.perFeature(data.resolve("service"), Optional.empty(), models.scoringEmbedders())
                    .explain(records, "statistical", null);
        }
        assertThat(served.text()).matches("(?s)^\\P{IsLatin}*\\p{IsHan}.*");  // a Chinese label
        assertThat(served.scores().embedder()).isEqualTo(MODEL);

        // the reference: the same AUC with ONNX Runtime's bge-small-zh embedding the label and the windows
        RecordSplit split = RecordSplitter.defaults().split(records);
        Explanation label = new Explanation(served.text(), "statistical", null, Double.NaN, LlmUsage.NONE);
        double reference = new EmbeddingScorer(new OnnxBge(), "onnx").score(label, split).auc();
        assertThat(served.scores().embedding()).isCloseTo(reference, within(1e-6));

        // the CLI on the same collection: the same encoder, label and score
        String json = CliRun.run(new ExplainCommand(), id.toString(), "--no-causal", "--json", "--data", data.toString());
        JsonNode cli = new ObjectMapper().readTree(json.substring(json.indexOf('{')));
        assertThat(cli.path("text").asText()).isEqualTo(served.text());
        assertThat(cli.at("/scores/embedder").asText()).isEqualTo(MODEL);
        assertThat(cli.at("/scores/embedding/value").asDouble()).isCloseTo(served.scores().embedding(), within(1e-6));
    }

    /** The rule: an embedded encoder scores its own features; other models' by the windows' language. */
    @Test
    void theEncoderFollowsTheModelThenTheWindowsLanguage() {
        assertThat(ScoringEmbedders.encoderId("bge-small-zh", CorpusLanguage.ZH)).isEqualTo("bge-small-zh");
        assertThat(ScoringEmbedders.encoderId("bge-small-zh", CorpusLanguage.EN)).isEqualTo("bge-small-zh");
        assertThat(ScoringEmbedders.encoderId("minilm-l6", CorpusLanguage.EN)).isEqualTo("minilm-l6");
        assertThat(ScoringEmbedders.encoderId("brown-llama", CorpusLanguage.ZH)).isEqualTo("bge-small-zh");
        assertThat(ScoringEmbedders.encoderId("brown-llama", CorpusLanguage.EN)).isEqualTo("minilm-l6");
    }

    /** bge-small-zh through ONNX Runtime (the artifact's own model), the oracle our forward pass matches. */
    static final class OnnxBge implements SentenceEmbedder {
        private final BgeSmallZhV15EmbeddingModel model = new BgeSmallZhV15EmbeddingModel();

        @Override
        public int dimension() {
            return 512;
        }

        @Override
        public List<float[]> embedAll(List<String> texts) {
            return texts.stream().map(t -> model.embed(TextSegment.from(t)).content().vector()).toList();
        }
    }
}
