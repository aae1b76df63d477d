package lantern.core;

import com.fasterxml.jackson.databind.JsonNode;
import lantern.api.lre.LreOptions;
import lantern.api.lre.LreResult;
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

    private final ModelSource models;

    public RelationFitting(ModelSource models) {
        this.models = models;
    }

    /** Fits z = beta W h + b on the training subjects and measures faithfulness and causality on the others. */
    public LreResult run(String model, ShippedOrInline source, LreOptions options, Consumer<String> progress) {
        Relation relation = source.read(Shipped::relation, Shipped::shippedRelation, json -> Relation.parse(json, "relation"));
        return models.withDecoder(Lenses.requireModel(model), "LRE",
                m -> RelationalEmbedding.run(m, relation, options, progress == null ? s -> { } : progress));
    }

    /** The relation of a request that may name it or give it inline (exactly one of the two). */
    public static ShippedOrInline source(JsonNode inline, String name) {
        return ShippedOrInline.of(inline, name, "relation", "relationName", "{\"prompt_templates\", \"samples\"}");
    }
}
