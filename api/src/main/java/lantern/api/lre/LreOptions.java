package lantern.api.lre;

/**
 * The knobs of a linear relational embedding fit.
 *
 * @param layer  layer L whose resid_post at the subject's last token is h
 * @param beta   the paper's scale on W h (null: 2.25, its usual value)
 * @param train  training pairs (null: 5); the rest, shuffled by {@code seed}, are held out (at most 100)
 * @param rank   rank of the pseudo-inverse for causality (null: min(100, d_model))
 */
public record LreOptions(int layer, Double beta, Integer train, Integer rank, long seed) {
}
