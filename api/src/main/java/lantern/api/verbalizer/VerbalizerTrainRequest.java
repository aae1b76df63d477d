package lantern.api.verbalizer;

/**
 * A verbalizer to train: a decoder that reads a hidden state of {@code model} at {@code hook} (through a learned map
 * into soft tokens) and writes the text it came from; Brown, held out by file.
 *
 * @param pool      last (decoder default), mean (encoder default) or embedding; null for the default
 * @param base      the decoder an encoder subject's verbalizer starts from (null: brown-llama)
 * @param name      the registered name (null: {@code <model>-verbalizer-<hook>[-<pool>]})
 * @param steps     steps instead of {@code minutes} (reproducible) when above 0
 * @param maxTokens longest text to write (null: 12 for decoders, 32 for encoders)
 * @param retrain   train again even when the folder is complete
 */
public record VerbalizerTrainRequest(String model, String hook, String pool, String base, String name, double minutes,
                                     long steps, int softTokens, Integer maxTokens, int batch, double lr, int warmup,
                                     long seed, int brownFiles, int heldOut, double checkpointMinutes, boolean retrain) {
}
