package lantern.core;

import com.fasterxml.jackson.databind.JsonNode;
import lantern.api.fv.FunctionVectorOptions;
import lantern.api.fv.FvResult;
import lantern.subject.fv.FunctionVectors;
import lantern.subject.fv.IclTask;
import lantern.subject.icl.Shipped;

import java.util.List;
import java.util.function.Consumer;

/**
 * Function vectors (Todd et al. 2024) of one in-context task: {@code POST /api/function-vectors} and
 * {@code lantern function-vector} call {@link #run}.
 */
public final class FunctionVectorExtraction {
    /** The tasks Lantern ships, by name. */
    public static final List<String> TASKS = Shipped.TASKS;

    private final ModelSource models;

    public FunctionVectorExtraction(ModelSource models) {
        this.models = models;
    }

    /** Ranks heads by average indirect effect, sums the top heads' mean outputs and measures the vector. */
    public FvResult run(String model, ShippedOrInline task, FunctionVectorOptions options, Consumer<String> progress) {
        IclTask t = task.read(Shipped::task, Shipped::shippedTask, pairs -> IclTask.parse(pairs, "task"));
        return models.withDecoder(Lenses.requireModel(model), "function vector",
                m -> FunctionVectors.run(m, t, options, progress == null ? s -> { } : progress));
    }

    /** The task of a request that may name it or give its pairs inline (exactly one of the two). */
    public static ShippedOrInline task(JsonNode inline, String name) {
        return ShippedOrInline.of(inline, name, "task", "taskName", "a list of {\"input\",\"output\"}");
    }
}
