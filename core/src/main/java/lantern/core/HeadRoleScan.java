package lantern.core;

import lantern.api.heads.HeadRolesRequest;
import lantern.api.heads.HeadRolesResult;
import lantern.errors.InvalidInputException;
import lantern.subject.HookedModel;
import lantern.subject.heads.HeadRoles;

import java.util.function.BiConsumer;

/**
 * Attention-head roles on the repeated-random-token probe: {@code POST /api/models/{model}/heads} and
 * {@code lantern heads} call {@link #run}.
 */
public final class HeadRoleScan {
    public static final int DEFAULT_BATCH = HeadRolesRequest.DEFAULT_BATCH;

    private final ModelSource models;

    public HeadRoleScan(ModelSource models) {
        this.models = models;
    }

    /** Every head's previous-token, duplicate-token and induction score, with the loss change when ablated. */
    public HeadRolesResult run(String model, HeadRolesRequest request, BiConsumer<Integer, Integer> progress) {
        return models.withModel(Lenses.requireModel(model), m -> {
            if (!(m instanceof HookedModel h)) {
                throw new InvalidInputException("model '" + model + "' cannot be run through hooks");
            }
            return HeadRoles.run(h, request, progress == null ? (done, total) -> { } : progress);
        });
    }
}
