package lantern.eval.sae;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import lantern.subject.sae.Sae;
import lantern.subject.sae.SaeArchitecture;
import lantern.subject.sae.SaeConfig;
import lantern.train.SaeTrainer;
import lantern.train.SaeTrainingListener;
import lantern.train.SaeTrainingOptions;
import lantern.subject.sae.SaeWeights;
import lantern.subject.sae.TokenActivations;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Ground truth for the SAE trainer: one synthetic model ({@link SyntheticFeatures}), an SAE of each architecture
 * trained on the same samples with the same budget, and each one's recovery of the planted features on fresh samples
 * ({@link FeatureRecovery}), next to an untrained SAE of random weights.
 */
public final class SyntheticRecoveryBench {
    /**
     * @param l1               the ReLU SAE's L1 coefficient (on inputs scaled to mean norm √D, as the trainer scales them)
     * @param matryoshkaWidths the Matryoshka SAE's nested widths (empty: four doubling levels)
     */
    public record Options(SyntheticFeatures.Config model, int width, int k, float l1, int trainSamples, int evalSamples,
                          double epochs, int batchSize, float learningRate, List<SaeArchitecture> architectures,
                          List<Integer> matryoshkaWidths) {
    }

    /** @param levels a Matryoshka SAE's recovery level by level ({@link PrefixRecovery}); empty for the others */
    public record Row(String architecture, FeatureRecovery recovery, double trainSeconds, List<PrefixRecovery> levels) {
        public Row(String architecture, FeatureRecovery recovery, double trainSeconds) {
            this(architecture, recovery, trainSeconds, List.of());
        }
    }

    /** The synthetic model's own numbers and each architecture's row. */
    public record Result(Options options, double trueL0, double meanAbsCosine, int hierarchyFeatures, List<Row> rows) {
    }

    private SyntheticRecoveryBench() {
    }

    public static Result run(Options o, NDManager parent, Consumer<String> progress, SaeTrainingListener listener) {
        SyntheticFeatures gen = new SyntheticFeatures(o.model());
        float[][] truth = gen.directions();
        progress.accept(String.format(java.util.Locale.ROOT, "sampling %,d training and %,d evaluation activations (N=%d, D=%d)",
                o.trainSamples(), o.evalSamples(), o.model().features(), o.model().hiddenDim()));
        SyntheticFeatures.Sample train = gen.sample(o.trainSamples(), o.model().seed() + 1);
        SyntheticFeatures.Sample eval = gen.sample(o.evalSamples(), o.model().seed() + 2);
        List<Row> rows = new ArrayList<>();
        int d = o.model().hiddenDim();
        try (NDManager m = parent.newSubManager()) {
            TokenActivations data = new TokenActivations("blocks.0.hook_resid_post", m.create(train.x(), new Shape(train.n(), d)), 0);
            for (SaeArchitecture a : o.architectures()) {
                SaeTrainingOptions opt = new SaeTrainingOptions(a, o.width(), a.usesK() ? o.k() : 0, o.l1(), o.learningRate(),
                        o.batchSize(), o.epochs(), Math.max(o.batchSize() * 20L, 20_000), 100, o.model().seed(),
                        a == SaeArchitecture.MATRYOSHKA ? o.matryoshkaWidths() : List.of(), 0.01);
                progress.accept("training " + a.cfgName() + (a == SaeArchitecture.MATRYOSHKA ? " " + opt.matryoshkaWidths() : ""));
                SaeTrainer.Result r = new SaeTrainer(opt, listener).train("synthetic", data, m);
                try (Sae sae = r.sae()) {
                    String name = a == SaeArchitecture.MATRYOSHKA ? a.cfgName() + " " + opt.matryoshkaWidths() : a.cfgName();
                    List<Integer> levels = a == SaeArchitecture.MATRYOSHKA ? opt.matryoshkaWidths()
                            : a.isBatchTopK() || a == SaeArchitecture.TOPK ? matryoshkaWidthsFor(o) : List.of();
                    rows.add(new Row(name, FeatureRecovery.measure(sae, truth, eval, m), r.seconds(),
                            levels.isEmpty() ? List.of() : PrefixRecovery.measure(sae, levels, truth, eval, m)));
                }
            }
            try (Sae random = random(o.width(), d, o.k(), o.model().seed(), m)) {
                rows.add(new Row("random (untrained topk)", FeatureRecovery.measure(random, truth, eval, m), 0));
            }
        }
        return new Result(o, eval.meanL0(), gen.meanAbsCosine(), gen.hierarchyFeatures(), rows);
    }

    /** The nested widths the Matryoshka SAE of these options trains with (read on the other TopK-family SAEs too, to compare). */
    static List<Integer> matryoshkaWidthsFor(Options o) {
        if (!o.architectures().contains(SaeArchitecture.MATRYOSHKA)) return List.of();
        return o.matryoshkaWidths().isEmpty() ? lantern.subject.sae.BatchTopK.doublingWidths(o.width(), 4, o.k()) : o.matryoshkaWidths();
    }

    /** An SAE of Gaussian weights, decoder rows normalised, TopK k. */
    static Sae random(int f, int d, int k, long seed, NDManager m) {
        Random r = new Random(seed);
        float[] enc = new float[d * f], dec = new float[f * d];
        for (int i = 0; i < enc.length; i++) enc[i] = (float) r.nextGaussian();
        for (int j = 0; j < f; j++) {
            double s = 0;
            for (int i = 0; i < d; i++) {
                dec[j * d + i] = (float) r.nextGaussian();
                s += dec[j * d + i] * dec[j * d + i];
            }
            for (int i = 0; i < d; i++) dec[j * d + i] /= (float) Math.sqrt(s);
        }
        return Sae.of(SaeConfig.topK("random", "blocks.0.hook_resid_post", d, f, Math.min(k, f)),
                new SaeWeights(enc, new float[f], dec, new float[d], null), m);
    }
}
