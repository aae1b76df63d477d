package lantern.bench;

import lantern.cli.DecoderCli;
import lantern.cli.ProgressBar;
import lantern.cli.ModelOptions;
import lantern.cli.DataOption;
import lantern.core.Models;
import ai.djl.ndarray.NDManager;
import lantern.eval.sae.AbsorptionBench;
import lantern.eval.sae.SaeBenchReport;
import lantern.eval.sae.SyntheticFeatures;
import lantern.eval.sae.SyntheticRecoveryBench;
import lantern.eval.sae.TagProbingBench;
import lantern.subject.HookNames;
import lantern.subject.HookedModel;
import lantern.subject.sae.Sae;
import lantern.subject.sae.SaeArchitecture;
import lantern.subject.sae.SaeStore;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code lantern bench sae}: the SAE metrics of issue 24 — recovery of known features on synthetic data per
 * architecture, k-sparse probing on Brown tag families (SAE latents and neurons side by side) and first-letter
 * absorption on a decoder. Options in, the eval services ({@link SyntheticRecoveryBench}, {@link TagProbingBench},
 * {@link AbsorptionBench}) do the work, markdown tables out.
 */
@CommandLine.Command(name = "sae", mixinStandardHelpOptions = true,
        description = "SAE metrics: feature recovery on synthetic data, k-sparse probing on Brown tag families, first-letter absorption.")
public class BenchSaeCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--parts", split = ",", defaultValue = "synthetic,probing,absorption",
            description = "Which parts to run: synthetic, probing, absorption (default: ${DEFAULT-VALUE}; probing and absorption need --sae).")
    List<String> parts;

    @CommandLine.Mixin
    ModelOptions model;

    @CommandLine.Mixin
    DataOption data;

    @CommandLine.Option(names = "--sae", split = ",", description = "Saved SAEs to probe and score, as model/layer/kind (e.g. brown-llama/2/sae-resid_post-k32).")
    List<String> saeIds = new ArrayList<>();

    @CommandLine.Option(names = "--neurons", split = ",", description = "Hooks whose raw units are probed beside the SAEs (default: blocks.L.mlp.hook_post and the SAEs' hook).")
    List<String> neuronHooks;

    @CommandLine.Option(names = "--architectures", split = ",", defaultValue = "standard,topk,batchtopk,matryoshka_batchtopk",
            description = "Architectures trained on synthetic data, as SAELens names them: standard (ReLU + L1), topk, batchtopk, matryoshka_batchtopk (default: ${DEFAULT-VALUE}).")
    List<String> architectures;

    @CommandLine.Option(names = "--synthetic-features", defaultValue = "2048", description = "Ground-truth features N (default: ${DEFAULT-VALUE}).")
    int synthFeatures;

    @CommandLine.Option(names = "--synthetic-dim", defaultValue = "128", description = "Activation width D (default: ${DEFAULT-VALUE}).")
    int synthDim;

    @CommandLine.Option(names = "--synthetic-width", defaultValue = "512", description = "SAE latents (default: ${DEFAULT-VALUE}).")
    int synthWidth;

    @CommandLine.Option(names = "--k", defaultValue = "16", description = "k of the TopK family on synthetic data (default: ${DEFAULT-VALUE}).")
    int k;

    @CommandLine.Option(names = "--matryoshka-widths", split = ",", description = "Nested widths of the Matryoshka SAE on synthetic data (default: four doubling levels ending at --synthetic-width).")
    List<Integer> matryoshkaWidths;

    @CommandLine.Option(names = "--l1", defaultValue = "2", description = "L1 coefficient of the ReLU SAE on synthetic data (default: ${DEFAULT-VALUE}).")
    float l1;

    @CommandLine.Option(names = "--synthetic-samples", defaultValue = "262144", description = "Training samples (default: ${DEFAULT-VALUE}).")
    int synthSamples;

    @CommandLine.Option(names = "--synthetic-epochs", defaultValue = "4", description = "Passes over them (default: ${DEFAULT-VALUE}).")
    double synthEpochs;

    @CommandLine.Option(names = "--eval-samples", defaultValue = "50000", description = "Fresh samples the recovery is measured on (default: ${DEFAULT-VALUE}).")
    int evalSamples;

    @CommandLine.Option(names = "--batch-size", defaultValue = "1024")
    int batchSize;

    @CommandLine.Option(names = "--lr", defaultValue = "0.004")
    float lr;

    @CommandLine.Option(names = "--train-words", defaultValue = "30000", description = "Probing: training words (default: ${DEFAULT-VALUE}).")
    int trainWords;

    @CommandLine.Option(names = "--test-words", defaultValue = "15000", description = "Probing: held-out words (default: ${DEFAULT-VALUE}).")
    int testWords;

    @CommandLine.Option(names = "--max-per-class", defaultValue = "1500", description = "Probing: at most this many positives (and as many negatives) per family (default: ${DEFAULT-VALUE}).")
    int maxPerClass;

    @CommandLine.Option(names = "--families", split = ",", description = "Tag families to probe (default: NN,NNS,NP,JJ,RB,VB,VBD,VBN,VBG,VBZ,IN,AT,CC,CD,MD,PPS).")
    List<String> families;

    @CommandLine.Option(names = "--max-main-latents", defaultValue = "5", description = "Absorption: most main latents per letter (default: ${DEFAULT-VALUE}).")
    int maxMainLatents;

    @CommandLine.Option(names = "--seed", defaultValue = "42")
    long seed;

    @Override
    public Integer call() {
        return DecoderCli.run(this::body);
    }

    private Integer body() throws Exception {
        for (String p : parts) {
            if (!List.of("synthetic", "probing", "absorption").contains(p)) throw new IllegalArgumentException("unknown part '" + p + "' (synthetic, probing, absorption)");
        }
        long t0 = System.nanoTime();
        if (parts.contains("synthetic")) {
            List<SaeArchitecture> archs = architectures.stream().map(SaeArchitecture::fromCfg).toList();
            SyntheticRecoveryBench.Options o = new SyntheticRecoveryBench.Options(
                    SyntheticFeatures.Config.synthSaeBenchLike(synthFeatures, synthDim, seed), synthWidth, k, l1,
                    synthSamples, evalSamples, synthEpochs, batchSize, lr, archs,
                    matryoshkaWidths == null ? List.of() : matryoshkaWidths);
            try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                ProgressBar bar = new ProgressBar(System.err);
                SyntheticRecoveryBench.Result r = SyntheticRecoveryBench.run(o, m, msg -> {
                    bar.finish();
                    System.err.println(msg);
                }, (step, steps, loss, l0, ev, dead, res) -> bar.update("train", step, steps, "steps",
                        String.format(Locale.ROOT, "loss %.3f L0 %.1f EV %.3f dead %d", loss, l0, ev, dead)));
                bar.finish();
                System.out.println(SaeBenchReport.synthetic(r));
            }
        }
        boolean probing = parts.contains("probing"), absorption = parts.contains("absorption");
        if (absorption && saeIds.isEmpty() && model.model() != null) {
            // without SAEs: only the question the metric hangs on, whether any layer encodes first letters
            try (HookedModel m = Models.hooked(model.model(), data.path())) {
                letterProbes(m);
            }
        }
        if ((probing || absorption) && !saeIds.isEmpty()) {
            try (HookedModel m = Models.hooked(model.model(), data.path());
                 NDManager nd = m.manager().newSubManager(); SaeStore store = new SaeStore(data.path(), nd)) {
                List<Sae> saes = new ArrayList<>();
                for (String id : saeIds) saes.add(load(store, id, m));
                if (probing) {
                    List<String> raw = neuronHooks != null ? neuronHooks : defaultRawHooks(saes);
                    for (String h : raw) HookNames.requireValid(h, m.hookNames());
                    TagProbingBench.Options o = new TagProbingBench.Options(families != null ? families : TagProbingBench.FAMILIES,
                            trainWords, testWords, maxPerClass, lantern.eval.sae.SparseProbing.KS, seed);
                    TagProbingBench.Result r = TagProbingBench.run(m, data.path(), saes, raw, o, System.err::println);
                    System.out.println(SaeBenchReport.probing(r));
                }
                if (absorption) {
                    if (!m.isDecoder()) {
                        System.err.println("absorption: skipped, " + m.info().id() + " is an encoder (the metric reads whole-word tokens after BOS)");
                    } else {
                        letterProbes(m);
                        System.out.println(SaeBenchReport.absorption(AbsorptionBench.run(m, saes, maxMainLatents, seed, System.err::println)));
                    }
                }
            }
        } else if (probing) {
            System.err.println("probing: skipped, no --sae given (train some with: lantern sae train --architecture ...)");
        }
        System.err.printf(Locale.ROOT, "bench sae: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** The first-letter probe at the embedding and every block's residual output of a decoder. */
    private void letterProbes(HookedModel m) {
        if (!m.isDecoder()) {
            System.err.println("first-letter probe: skipped, " + m.info().id() + " is an encoder (the metric reads whole-word tokens after BOS)");
            return;
        }
        List<String> hooks = new ArrayList<>(List.of(HookNames.EMBED));
        for (int l = 0; l < m.info().layers(); l++) hooks.add(HookNames.residPost(l));
        System.out.println(SaeBenchReport.letterProbes(m.info().id(), AbsorptionBench.probeScan(m, hooks, seed, System.err::println)));
    }

    private static Sae load(SaeStore store, String id, HookedModel m) {
        String[] p = id.split("/");
        if (p.length != 3) throw new IllegalArgumentException("--sae must look like model/layer/kind, not " + id);
        if (!p[0].equals(m.info().id())) throw new IllegalArgumentException("SAE " + id + " is not for model " + m.info().id());
        try {
            return store.get(p[0], Integer.parseInt(p[1]), p[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("layer must be an integer: " + id);
        }
    }

    private static List<String> defaultRawHooks(List<Sae> saes) {
        List<String> out = new ArrayList<>();
        for (Sae s : saes) {
            int layer = s.config().layer();
            String mlp = HookNames.mlpPost(layer);
            if (layer >= 0 && !out.contains(mlp)) out.add(mlp);
            if (!out.contains(s.config().hookName())) out.add(s.config().hookName());
        }
        return out;
    }
}
