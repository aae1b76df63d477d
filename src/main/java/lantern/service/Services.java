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

    /** One per process so the LLM concurrency limit is global; MiniLM embeds for the embedding score. */
    @Produces
    @ApplicationScoped
    ExplanationService explanationService() {
        return new ExplanationService(config.dataDir(), LlmSettingsFactory.from(config.llm()), models.embedder())
                .llmJudges(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                        .getOptionalValue("lantern.llm.fuzzing-intruder", Boolean.class).orElse(false));
    }
}
