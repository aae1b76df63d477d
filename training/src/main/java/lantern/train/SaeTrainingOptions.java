package lantern.train;

import lantern.subject.sae.*;

import java.util.List;

/**
 * How to train an SAE.
 *
 * @param architecture      TOPK, STANDARD (ReLU + L1), BATCHTOPK or MATRYOSHKA (BatchTopK with nested losses)
 * @param features          d_sae
 * @param k                 active features per token (TopK), per token on average over a batch (BatchTopK family)
 * @param l1                L1 coefficient λ in Σ‖e‖² + λΣ|α| (ReLU), on inputs scaled to mean norm sqrt(d_in)
 * @param learningRate      Adam step size
 * @param batchSize         tokens per step
 * @param epochs            passes over the training tokens
 * @param deadAfterTokens   a feature that has not fired for this many training tokens counts as dead
 * @param resampleEvery     steps between dead-feature resamplings (0: never); none in the last 30% of training
 * @param seed              for initialisation and batch order
 * @param matryoshkaWidths  nested level widths, strictly increasing, the last = features (MATRYOSHKA; else empty)
 * @param thresholdLr       EMA rate of the BatchTopK inference threshold (SAELens's topk_threshold_lr, 0.01)
 */
public record SaeTrainingOptions(SaeArchitecture architecture, int features, int k, float l1, float learningRate,
                                 int batchSize, double epochs, long deadAfterTokens, int resampleEvery, long seed,
                                 List<Integer> matryoshkaWidths, double thresholdLr) {
    public SaeTrainingOptions {
        if (architecture == SaeArchitecture.JUMPRELU) throw new IllegalArgumentException("JumpReLU training is not supported (load only)");
        if (features <= 0) throw new IllegalArgumentException("features must be positive");
        if (architecture.usesK() && (k <= 0 || k > features)) throw new IllegalArgumentException("k must be in 1.." + features);
        if (batchSize <= 0 || epochs <= 0 || learningRate <= 0) throw new IllegalArgumentException("batch size, epochs and learning rate must be positive");
        if (architecture == SaeArchitecture.MATRYOSHKA) {
            if (matryoshkaWidths == null || matryoshkaWidths.isEmpty()) matryoshkaWidths = BatchTopK.doublingWidths(features, 4, k);
            matryoshkaWidths = BatchTopK.checkWidths(matryoshkaWidths, features, k);
        } else {
            matryoshkaWidths = List.of();
        }
        if (!(thresholdLr > 0 && thresholdLr <= 1)) thresholdLr = 0.01;
    }

    public SaeTrainingOptions(SaeArchitecture architecture, int features, int k, float l1, float learningRate,
                              int batchSize, double epochs, long deadAfterTokens, int resampleEvery, long seed) {
        this(architecture, features, k, l1, learningRate, batchSize, epochs, deadAfterTokens, resampleEvery, seed, List.of(), 0.01);
    }

    public static SaeTrainingOptions topK(int features, int k) {
        return new SaeTrainingOptions(SaeArchitecture.TOPK, features, k, 0f, 1e-3f, 2048, 2, 200_000, 200, 42);
    }

    public static SaeTrainingOptions relu(int features, float l1) {
        return new SaeTrainingOptions(SaeArchitecture.STANDARD, features, 0, l1, 1e-3f, 2048, 2, 200_000, 200, 42);
    }

    public static SaeTrainingOptions batchTopK(int features, int k) {
        return new SaeTrainingOptions(SaeArchitecture.BATCHTOPK, features, k, 0f, 1e-3f, 2048, 2, 200_000, 200, 42);
    }

    /** A Matryoshka BatchTopK SAE; null or empty widths: four doubling levels ending at {@code features}. */
    public static SaeTrainingOptions matryoshka(int features, int k, List<Integer> widths) {
        return new SaeTrainingOptions(SaeArchitecture.MATRYOSHKA, features, k, 0f, 1e-3f, 2048, 2, 200_000, 200, 42,
                widths, 0.01);
    }

    private SaeTrainingOptions with(float lr, int b, double e, long deadAfter, int every, long s) {
        return new SaeTrainingOptions(architecture, features, k, l1, lr, b, e, deadAfter, every, s, matryoshkaWidths, thresholdLr);
    }

    public SaeTrainingOptions withEpochs(double e) {
        return with(learningRate, batchSize, e, deadAfterTokens, resampleEvery, seed);
    }

    public SaeTrainingOptions withBatchSize(int b) {
        return with(learningRate, b, epochs, deadAfterTokens, resampleEvery, seed);
    }

    public SaeTrainingOptions withLearningRate(float lr) {
        return with(lr, batchSize, epochs, deadAfterTokens, resampleEvery, seed);
    }

    public SaeTrainingOptions withDeadAfter(long tokens, int every) {
        return with(learningRate, batchSize, epochs, tokens, every, seed);
    }

    public SaeTrainingOptions withSeed(long s) {
        return with(learningRate, batchSize, epochs, deadAfterTokens, resampleEvery, s);
    }

    public SaeTrainingOptions withL1(float l) {
        return new SaeTrainingOptions(architecture, features, k, l, learningRate, batchSize, epochs, deadAfterTokens,
                resampleEvery, seed, matryoshkaWidths, thresholdLr);
    }
}
