package lantern.subject.sae;

/**
 * How to train an SAE.
 *
 * @param architecture      TOPK or STANDARD (ReLU + L1)
 * @param features          d_sae
 * @param k                 active features per token (TopK)
 * @param l1                L1 coefficient λ in Σ‖e‖² + λΣ|α| (ReLU), on inputs scaled to mean norm sqrt(d_in)
 * @param learningRate      Adam step size
 * @param batchSize         tokens per step
 * @param epochs            passes over the training tokens
 * @param deadAfterTokens   a feature that has not fired for this many training tokens counts as dead
 * @param resampleEvery     steps between dead-feature resamplings (0: never); none in the last 30% of training
 * @param seed              for initialisation and batch order
 */
public record SaeTrainingOptions(SaeArchitecture architecture, int features, int k, float l1, float learningRate,
                                 int batchSize, double epochs, long deadAfterTokens, int resampleEvery, long seed) {
    public SaeTrainingOptions {
        if (architecture == SaeArchitecture.JUMPRELU) throw new IllegalArgumentException("JumpReLU training is not supported (load only)");
        if (features <= 0) throw new IllegalArgumentException("features must be positive");
        if (architecture == SaeArchitecture.TOPK && (k <= 0 || k > features)) throw new IllegalArgumentException("k must be in 1.." + features);
        if (batchSize <= 0 || epochs <= 0 || learningRate <= 0) throw new IllegalArgumentException("batch size, epochs and learning rate must be positive");
    }

    public static SaeTrainingOptions topK(int features, int k) {
        return new SaeTrainingOptions(SaeArchitecture.TOPK, features, k, 0f, 1e-3f, 2048, 2, 200_000, 200, 42);
    }

    public static SaeTrainingOptions relu(int features, float l1) {
        return new SaeTrainingOptions(SaeArchitecture.STANDARD, features, 0, l1, 1e-3f, 2048, 2, 200_000, 200, 42);
    }

    public SaeTrainingOptions withEpochs(double e) {
        return new SaeTrainingOptions(architecture, features, k, l1, learningRate, batchSize, e, deadAfterTokens, resampleEvery, seed);
    }

    public SaeTrainingOptions withBatchSize(int b) {
        return new SaeTrainingOptions(architecture, features, k, l1, learningRate, b, epochs, deadAfterTokens, resampleEvery, seed);
    }

    public SaeTrainingOptions withLearningRate(float lr) {
        return new SaeTrainingOptions(architecture, features, k, l1, lr, batchSize, epochs, deadAfterTokens, resampleEvery, seed);
    }

    public SaeTrainingOptions withDeadAfter(long tokens, int every) {
        return new SaeTrainingOptions(architecture, features, k, l1, learningRate, batchSize, epochs, tokens, every, seed);
    }

    public SaeTrainingOptions withSeed(long s) {
        return new SaeTrainingOptions(architecture, features, k, l1, learningRate, batchSize, epochs, deadAfterTokens, resampleEvery, s);
    }
}
