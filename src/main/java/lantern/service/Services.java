package lantern.service;

import lantern.core.ExplainFeature;
import lantern.core.ExplanationService;
import lantern.service.spark.SparkAudits;
import lantern.service.spark.SparkEngine;
import lantern.core.LanternConfig;
import lantern.core.LlmSettingsFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

/** CDI producers for the plain services that are not beans themselves: one instance per process. */
@ApplicationScoped
public class Services {
    @Inject
    LanternConfig config;
    @Inject
    ModelRegistry models;

    /**
     * One per process so the LLM concurrency limit is global; the embedding score embeds with the feature's encoder
     * (bge-small-zh for Chinese, MiniLM for English: the same rule as {@code lantern explain}).
     */
    @Produces
    @ApplicationScoped
    ExplanationService explanationService() {
        return ExplanationService.perFeature(config.dataDir(), LlmSettingsFactory.from(config.llm()), models.loaded().scoringEmbedders())
                .llmJudges(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                        .getOptionalValue("lantern.llm.fuzzing-intruder", Boolean.class).orElse(false));
    }

    /**
     * The explain use case for REST, the web pages and audits: explain-and-score on this process, or on a Spark
     * executor while the engine is Spark (asked per call: {@code --engine spark} may switch it after start), kept in
     * the feature's history and indexed for search.
     */
    @Produces
    @ApplicationScoped
    public ExplainFeature explainFeature(ExplanationService explanations, CausalService causal, SparkEngine spark,
                                  SearchService search) {
        ExplainFeature.Engine local = ExplainFeature.local(explanations, causal::causal);
        ExplainFeature.Engine engine = (records, options) -> spark.enabled()
                ? SparkAudits.explain(spark, records, options) : local.explainUnstored(records, options);
        return new ExplainFeature(explanations, engine, search::indexAndCommit);
    }
}
