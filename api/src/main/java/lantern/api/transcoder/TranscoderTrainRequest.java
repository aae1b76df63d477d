package lantern.api.transcoder;

/**
 * Per-layer transcoders to train on Brown (MLP input to MLP output) and save as the set {@code name}.
 *
 * @param layers     "all", or a layer list such as "0-3" or "1,2"
 * @param activation "topk" or "relu"; null: topk when {@code k > 0}, else relu
 */
public record TranscoderTrainRequest(String model, String name, String layers, String activation, int features, int k,
                                     float l1, float lr, int batchSize, double epochs, long seed, long tokens,
                                     long heldOutTokens, int lossTexts) {
}
