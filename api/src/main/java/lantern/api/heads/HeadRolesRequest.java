package lantern.api.heads;

import java.util.List;

/**
 * What a head-roles scan runs; every field may be null (defaults: seed 0, 50 tokens per copy or what the context
 * allows, {@value #DEFAULT_BATCH} rows, zero ablation on decoders and none on encoders).
 *
 * @param tokens   the first copy's token ids (one row); then {@code seed}, {@code length} and {@code batch} are
 *                 not used
 * @param ablation "zero", "mean" or "none"
 */
public record HeadRolesRequest(Long seed, Integer length, Integer batch, List<Long> tokens, String ablation) {
    public static final int DEFAULT_BATCH = 8;

    public static HeadRolesRequest defaults() {
        return new HeadRolesRequest(null, null, null, null, null);
    }
}
