package lantern.core;

import com.fasterxml.jackson.databind.JsonNode;
import lantern.api.fv.FunctionVectorOptions;
import lantern.api.fv.FvResult;
import lantern.errors.InvalidInputException;
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

    /** Where the task's pairs come from: a shipped name, a file (the CLI's), or the pairs inline (REST's). */
    public sealed interface Task {
        /** A shipped task by name only (REST never reads paths). */
        static Task shipped(String name) {
            return new Named(name, false);
        }

        /** A shipped task by name, else a task file ({@code [{"input","output"}, ...]}). */
        static Task nameOrFile(String nameOrPath) {
            return new Named(nameOrPath, true);
        }

        /** The pairs inline, as JSON ({@code [{"input","output"}, ...]}). */
        static Task inline(JsonNode pairs) {
            return new Inline(pairs);
        }
    }

    private record Named(String name, boolean files) implements Task {
    }

    private record Inline(JsonNode pairs) implements Task {
    }

    private final ModelSource models;

    public FunctionVectorExtraction(ModelSource models) {
        this.models = models;
    }

    /** Ranks heads by average indirect effect, sums the top heads' mean outputs and measures the vector. */
    public FvResult run(String model, Task task, FunctionVectorOptions options, Consumer<String> progress) {
        IclTask t = switch (task) {
            case Named n when n.files() -> Shipped.task(n.name());
            case Named n -> Shipped.shippedTask(n.name());
            case Inline i -> IclTask.parse(i.pairs(), "task");
        };
        return models.withDecoder(Lenses.requireModel(model), "function vector",
                m -> FunctionVectors.run(m, t, options, progress == null ? s -> { } : progress));
    }

    /** The task of a request that may name it or give it inline (exactly one of the two). */
    public static Task task(JsonNode inline, String name) {
        if (inline != null && !inline.isNull()) {
            if (name != null) throw new InvalidInputException("give \"task\" or \"taskName\", not both");
            return Task.inline(inline);
        }
        if (name != null) return Task.shipped(name);
        throw new InvalidInputException("\"task\" (a list of {\"input\",\"output\"}) or \"taskName\" is required");
    }
}
