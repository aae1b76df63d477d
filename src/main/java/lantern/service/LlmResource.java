package lantern.service;

import lantern.core.ExplanationService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.llm.LlmProbe;

/** {@code GET /api/llm}: probes the configured LLM server (two small calls) and says which simulators will work. */
@Path("/api/llm")
@Produces(MediaType.APPLICATION_JSON)
public class LlmResource {
    @Inject
    ExplanationService explanations;

    @GET
    public LlmProbe.Report check() {
        return explanations.checkLlm();
    }
}
