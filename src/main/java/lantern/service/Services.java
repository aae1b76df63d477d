package lantern.service;

import lantern.core.ExplanationService;
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
}
