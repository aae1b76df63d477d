package lantern.core;

import com.fasterxml.jackson.databind.JsonNode;
import lantern.api.lre.LreOptions;
import lantern.api.lre.LreResult;
import lantern.errors.InvalidInputException;
import lantern.subject.icl.Shipped;
import lantern.subject.lre.Relation;
import lantern.subject.lre.RelationalEmbedding;

import java.util.List;
import java.util.function.Consumer;

/**
 * Linear relational embeddings (Hernandez et al. 2024) of one relation: {@code POST /api/lre} and
 * {@code lantern lre} call {@link #run}.
 */
public final class RelationFitting {
    /** The relations Lantern ships, by name. */
    public static final List<String> RELATIONS = Shipped.RELATIONS;

    /** Where the relation comes from: a shipped name, a file (the CLI's), or inline JSON (REST's). */
    public sealed interface Source {
        /** A shipped relation by name only (REST never reads paths). */
        static Source shipped(String name) {
            return new Named(name, false);
        }

        /** A shipped relation by name, else a relation file. */
        static Source nameOrFile(String nameOrPath) {
            return new Named(nameOrPath, true);
        }

        /** {@code {"prompt_templates": [...], "samples": [{"subject","object"}]}} inline. */
        static Source inline(JsonNode relation) {
            return new Inline(relation);
        }
    }

    private record Named(String name, boolean files) implements Source {
    }

    private record Inline(JsonNode relation) implements Source {
    }

    private final ModelSource models;

    public RelationFitting(ModelSource models) {
        this.models = models;
    }

    /** Fits z = beta W h + b on the training subjects and measures faithfulness and causality on the others. */
    public LreResult run(String model, Source source, LreOptions options, Consumer<String> progress) {
        Relation relation = switch (source) {
            case Named n when n.files() -> Shipped.relation(n.name());
            case Named n -> Shipped.shippedRelation(n.name());
            case Inline i -> Relation.parse(i.relation(), "relation");
        };
        return models.withDecoder(Lenses.requireModel(model), "LRE",
                m -> RelationalEmbedding.run(m, relation, options, progress == null ? s -> { } : progress));
    }

    /** The relation of a request that may name it or give it inline (exactly one of the two). */
    public static Source source(JsonNode inline, String name) {
        if (inline != null && !inline.isNull()) {
            if (name != null) throw new InvalidInputException("give \"relation\" or \"relationName\", not both");
            return Source.inline(inline);
        }
        if (name != null) return Source.shipped(name);
        throw new InvalidInputException("\"relation\" ({\"prompt_templates\", \"samples\"}) or \"relationName\" is required");
    }
}
