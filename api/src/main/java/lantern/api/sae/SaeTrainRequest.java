package lantern.api.sae;

import java.nio.file.Path;
import java.util.List;

/**
 * An SAE to train on a hook's activations over Brown, then measure on held-out documents and save in SAELens format.
 *
 * @param architecture     topk, relu (standard), batchtopk or matryoshka; null: topk when {@code k > 0}, else relu
 * @param k                active features per token for the k architectures; 0 trains ReLU + L1
 * @param matryoshkaWidths nested level widths (matryoshka), null: four doubling levels
 * @param out              where to save (null: {@code {data}/saes/{model}/{layer}/{kind}}, where feature ids find it)
 */
public record SaeTrainRequest(String model, String hook, String architecture, int features, int k, float l1, float lr,
                              int batchSize, double epochs, long deadAfter, int resampleEvery, long seed,
                              List<Integer> matryoshkaWidths, long tokens, long heldOutTokens, int fidelityTexts,
                              Path out) {
}
