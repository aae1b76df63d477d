package lantern.service;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.errors.InvalidInputException;
import lantern.subject.fv.FunctionVectors;
import lantern.subject.fv.FvResult;
import lantern.subject.fv.IclTask;
import lantern.subject.icl.Shipped;

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
    DecoderModelCache models;

    @GET
    @Path("/tasks")
    public List<String> tasks() {
        return Shipped.TASKS;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public FvResult run(FunctionVectorRequest r) {
        if (r == null) throw new InvalidInputException("request body is required");
        IclTask task;
        if (r.task() != null && !r.task().isNull()) {
            if (r.taskName() != null) throw new InvalidInputException("give \"task\" or \"taskName\", not both");
            task = IclTask.parse(r.task(), "task");
        } else if (r.taskName() != null) {
            task = Shipped.shippedTask(r.taskName());
        } else {
            throw new InvalidInputException("\"task\" (a list of {\"input\",\"output\"}) or \"taskName\" is required");
        }
        if (r.meanTrials() != null && r.meanTrials() > MAX_MEAN_TRIALS) {
            throw new InvalidInputException("meanTrials is at most " + MAX_MEAN_TRIALS + " here (the CLI allows more)");
        }
        if (r.aieTrials() != null && r.aieTrials() > MAX_AIE_TRIALS) {
            throw new InvalidInputException("aieTrials is at most " + MAX_AIE_TRIALS + " here (the CLI allows more)");
        }
        return FunctionVectors.run(models.get(r.model()), task, new FunctionVectors.Options(r.heads(), r.layer(),
                r.shots(), r.meanTrials(), r.aieTrials(), r.seed() == null ? 0 : r.seed()), s -> { });
    }
}
