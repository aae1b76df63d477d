package lantern.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.NoSuchElementException;

/**
 * Turns exceptions into RFC 9457 problem JSON: bad input is the caller's (4xx) and says what to fix; anything else
 * is ours (500) and is logged, but still answers JSON.
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    static final MediaType PROBLEM = new MediaType("application", "problem+json");

    static Response problem(int status, String title, String detail) {
        return Response.status(status).type(PROBLEM).entity(Problem.of(status, title, detail)).build();
    }

    @ServerExceptionMapper
    public Response badInput(IllegalArgumentException e) {
        return problem(400, "Bad request", e.getMessage());
    }

    @ServerExceptionMapper
    public Response notFound(NoSuchElementException e) {
        return problem(404, "Not found", e.getMessage());
    }

    @ServerExceptionMapper
    public Response conflict(IllegalStateException e) {
        return problem(409, "Conflict", e.getMessage());
    }

    /** The LLM server failed (after retries, with its own message): a bad gateway, not our bug and not the caller's. */
    @ServerExceptionMapper
    public Response llmFailed(lantern.explainer.explain.LlmCallFailedException e) {
        return problem(502, "LLM call failed", e.getMessage());
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return problem(400, "Malformed JSON", e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException j) {
            return problem(400, "Malformed JSON", j.getOriginalMessage());
        }
        String reason = e.getResponse().getStatusInfo().getReasonPhrase();
        return problem(status, reason, e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("unexpected error", e);
        return problem(500, "Internal error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
}
