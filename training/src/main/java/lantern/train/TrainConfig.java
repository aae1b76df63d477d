package lantern.train;

import lantern.subject.decoder.DecoderConfig;

/**
 * The shape of a decoder to train and how to train it.
 *
 * @param batch       sequences per step, each {@code context} tokens long (plus one target)
 * @param peakLr      AdamW learning rate after warm-up; cosine decay to {@code peakLr / 10} at the last step
 * @param warmupSteps linear warm-up steps
 * @param tied        the LM head is the token embedding
 */
public record TrainConfig(int layers, int dModel, int heads, int dMlp, int context, int vocabSize, int batch,
                          double peakLr, int warmupSteps, double weightDecay, double clipNorm, double beta1,
                          double beta2, boolean tied, long seed) {
    public TrainConfig {
        if (dModel % heads != 0) throw new IllegalArgumentException("--d-model " + dModel + " is not divisible by --heads " + heads);
        if ((dModel / heads) % 2 != 0) throw new IllegalArgumentException("head size " + dModel / heads + " must be even (RoPE)");
        if (layers < 1 || batch < 1 || context < 2 || dMlp < 1) throw new IllegalArgumentException("layers, batch, MLP width must be positive and context at least 2");
        if (!(peakLr > 0) || warmupSteps < 0) throw new IllegalArgumentException("learning rate must be positive");
    }

    /** The Llama SwiGLU width for a model width: 8/3 d rounded up to a multiple of 32. */
    public static int swigluWidth(int dModel) {
        return (8 * dModel / 3 + 31) / 32 * 32;
    }

    public DecoderConfig decoderConfig() {
        return new DecoderConfig("llama", layers, dModel, heads, heads, dModel / heads, dMlp, vocabSize, context,
                1e-5f, 10000, null, tied, DecoderConfig.Activation.SWIGLU);
    }

    /** Learning rate at a step: linear warm-up, then cosine from peak to a tenth of it at {@code totalSteps}. */
    public double learningRate(long step, long totalSteps) {
        if (step < warmupSteps) return peakLr * (step + 1) / warmupSteps;
        long decay = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (double) (step - warmupSteps) / decay);
        double min = peakLr / 10;
        return min + 0.5 * (peakLr - min) * (1 + Math.cos(Math.PI * progress));
    }
}
