package lantern.service;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.api.fv.FunctionVectorOptions;
import lantern.api.fv.FvResult;
import lantern.core.FunctionVectorExtraction;
import lantern.core.ModelSource;
import lantern.errors.InvalidInputException;

import java.util.List;

/**
 * {@code POST /api/function-vectors}: a function vector of a registered decoder for a task given inline
 * ({@code "task"}: a list of {@code {"input","output"}}) or by a shipped name ({@code "taskName"});
 * {@code GET /api/function-vectors/tasks}: the shipped task names.
 */
@Path("/api/function-vectors")
@Produces(MediaType.APPLICATION_JSON)
public class FunctionVectorsResource {
    /** Trials a request may ask for (the CLI allows more). */
    static final int MAX_MEAN_TRIALS = 200, MAX_AIE_TRIALS = 50;

    public record FunctionVectorRequest(String model, JsonNode task, String taskName, Integer heads, Integer layer,
                                        Integer shots, Integer meanTrials, Integer aieTrials, Long seed) {
    }

    @Inject
    ModelRegistry models;

    @GET
    @Path("/tasks")
    public List<String> tasks() {
        return FunctionVectorExtraction.TASKS;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public FvResult run(FunctionVectorRequest r) {
        if (r == null) throw new InvalidInputException("request body is required");
        lantern.core.ShippedOrInline task = FunctionVectorExtraction.task(r.task(), r.taskName());
        if (r.meanTrials() != null && r.meanTrials() > MAX_MEAN_TRIALS) {
            throw new InvalidInputException("meanTrials is at most " + MAX_MEAN_TRIALS + " here (the CLI allows more)");
        }
        if (r.aieTrials() != null && r.aieTrials() > MAX_AIE_TRIALS) {
            throw new InvalidInputException("aieTrials is at most " + MAX_AIE_TRIALS + " here (the CLI allows more)");
        }
        return new FunctionVectorExtraction(ModelSource.held(models.loaded())).run(r.model(), task,
                new FunctionVectorOptions(r.heads(), r.layer(), r.shots(), r.meanTrials(), r.aieTrials(),
                        r.seed() == null ? 0 : r.seed()), null);
    }
}
