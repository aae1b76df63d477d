package lantern.api.lens;

import java.util.List;

/**
 * A Patchscope layer sweep: per source layer, precision@1 of the Patchscope (same target layer) and of the logit lens
 * against the model's own next-token prediction.
 *
 * @param positions evaluated source positions
 * @param grid      [source layer][target layer] precision@1, or null when not asked for
 */
public record LayerSweepResult(String model, List<String> tokens, List<Integer> positions, String targetPrompt,
                               int targetPosition, List<Row> rows, double[][] grid) {
    /** Per source layer: precision@1 of the Patchscope (same target layer) and of the logit lens. */
    public record Row(int layer, double patchscopePrecision, double lensPrecision) {
    }
}
