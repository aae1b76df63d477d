package lantern.bench;

import lantern.cli.ProgressBar;
import lantern.cli.DataOption;
import lantern.core.Models;
import ai.djl.ndarray.NDManager;
import lantern.eval.sae.SaeActivationSource;
import lantern.eval.sae.ScoreDistribution;
import lantern.api.FeatureRecords;
import lantern.collect.ActivationCollector;
import lantern.collect.ActivationSource;
import lantern.collect.ActivationStore;
import lantern.collect.HookedActivationSource;
import lantern.collect.Chunker;
import lantern.collect.CollectOptions;
import lantern.collect.CollectionResult;
import lantern.collect.StoredCollection;
import lantern.collect.TokenStream;
import lantern.corpus.Corpora;
import lantern.corpus.Corpus;
import lantern.core.ExplanationResult;
import lantern.core.ExplanationService;
import lantern.subject.EncoderModel;
import lantern.subject.sae.Sae;
import lantern.subject.sae.SaeFeatureSource;
import lantern.subject.sae.SaeStore;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code lantern bench interpretability}: the same corpus slice collected for a layer's MLP neurons and for an SAE's
 * features at that layer, a seeded sample of live units from each explained by the statistical explainer and scored
 * by the statistical simulator (simulation correlation) and detector, and both distributions printed side by side.
 */
@CommandLine.Command(name = "interpretability", mixinStandardHelpOptions = true,
        description = "Explains and scores a sample of MLP neurons and of SAE features of the same layer; prints both score distributions.")
public class BenchInterpretabilityCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--sae", defaultValue = "minilm-l6/3/sae-resid_post-k32", description = "model/layer/kind of a saved SAE (default: ${DEFAULT-VALUE}).")
    String saeId;

    @CommandLine.Option(names = "--sample", defaultValue = "100", description = "Units sampled from each side (default: ${DEFAULT-VALUE}).")
    int sample;

    @CommandLine.Option(names = "--tokens", defaultValue = "100000", description = "Corpus tokens collected (default: ${DEFAULT-VALUE}).")
    long tokens;

    @CommandLine.Option(names = "--seed", defaultValue = "1")
    long seed;

    @CommandLine.Mixin
    DataOption dataOption;

    @Override
    public Integer call() throws Exception {
        String[] p = saeId.split("/");
        if (p.length != 3) throw new IllegalArgumentException("--sae must look like minilm-l6/3/sae-resid_post-k32");
        int layer;
        try {
            layer = Integer.parseInt(p[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("layer must be an integer: " + saeId);
        }
        if (sample < 1) throw new IllegalArgumentException("--sample must be >= 1");
        Path tmp = Files.createTempDirectory("lantern-bench-interp");
        try (EncoderModel m = Models.encoder(p[0]); NDManager nd = m.manager().newSubManager(); SaeStore store = new SaeStore(dataOption.path(), nd)) {
            Sae sae = store.get(p[0], layer, p[2]);
            Corpus corpus = Corpora.open("brown", dataOption.path());
            TokenStream stream = new Chunker(m.tokenizer(), 64).chunk(corpus, tokens);
            CollectOptions opt = CollectOptions.defaults().withLayers(layer).withSeed(seed);
            System.err.printf("collecting %,d tokens for layer %d neurons and %s ...%n", stream.tokens(), layer, p[2]);
            StoredCollection neurons = collect(new HookedActivationSource(m), opt, stream, corpus, "neurons", tmp, m);
            StoredCollection features = collect(new SaeActivationSource(m, new SaeFeatureSource(sae)), opt, stream, corpus, "sae", tmp, m);

            ExplanationService explainer = new ExplanationService(tmp, Optional.empty(), null);
            long t0 = System.nanoTime();
            Side mlp = score(explainer, neurons, layer, "mlp");
            Side saeSide = score(explainer, features, layer, p[2]);
            System.out.printf(Locale.ROOT, "bench interpretability: layer %d of %s, %,d Brown tokens, statistical explainer + simulator/detector (%.1f s)%n",
                    layer, p[0], stream.tokens(), (System.nanoTime() - t0) / 1e9);
            System.out.printf(Locale.ROOT, "%-28s %14s %14s%n", "", "MLP neurons", p[2]);
            row("units live / sampled", mlp.live + "/" + mlp.sampled, saeSide.live + "/" + saeSide.sampled);
            print("simulation correlation", mlp.simulation, saeSide.simulation);
            print("detection (balanced acc.)", mlp.detection, saeSide.detection);
            return 0;
        } finally {
            try (var s = Files.walk(tmp)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private StoredCollection collect(ActivationSource source, CollectOptions opt, TokenStream stream, Corpus corpus,
                                     String name, Path tmp, EncoderModel m) {
        ProgressBar bar = new ProgressBar(System.err);
        CollectionResult r = new ActivationCollector(source, opt).collect(stream, corpus.name(), bar);
        bar.finish();
        return StoredCollection.open(ActivationStore.write(tmp, name, r, m.tokenizer()::token));
    }

    private record Side(int sampled, int live, ScoreDistribution simulation, ScoreDistribution detection) {
    }

    /** A seeded sample of units that fired at all (dead units have nothing to explain and are counted apart). */
    private Side score(ExplanationService explainer, StoredCollection c, int layer, String label) {
        int width = c.manifest().width();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < width; i++) order.add(i);
        java.util.Collections.shuffle(order, new Random(seed));
        List<Integer> picked = order.subList(0, Math.min(sample, width));
        List<Double> sim = new ArrayList<>(), det = new ArrayList<>();
        int live = 0;
        for (int i : picked) {
            FeatureRecords r = c.records(layer, i);
            if (r.top().size() < 4 || r.stats().max() <= 0) continue;
            live++;
            ExplanationResult e = explainer.explain(r, "statistical", "statistical");
            sim.add(e.scores().simulation() == null ? Double.NaN : e.scores().simulation());
            det.add(e.scores().detection() == null ? Double.NaN : e.scores().detection());
        }
        System.err.printf("%s: explained %d live units of %d sampled%n", label, live, picked.size());
        return new Side(picked.size(), live, ScoreDistribution.of(sim.stream().mapToDouble(d -> d).toArray()),
                ScoreDistribution.of(det.stream().mapToDouble(d -> d).toArray()));
    }

    private static void row(String name, String a, String b) {
        System.out.printf(Locale.ROOT, "%-28s %14s %14s%n", name, a, b);
    }

    private static void print(String metric, ScoreDistribution a, ScoreDistribution b) {
        System.out.println(metric + ":");
        row("  scored (undefined)", a.n() + " (" + a.undefined() + ")", b.n() + " (" + b.undefined() + ")");
        row("  mean", fmt(a.mean()), fmt(b.mean()));
        row("  median", fmt(a.median()), fmt(b.median()));
        row("  fraction > 0.5", fmt(a.fractionAbove05()), fmt(b.fractionAbove05()));
        row("  fraction > 0.8", fmt(a.fractionAbove08()), fmt(b.fractionAbove08()));
    }

    private static String fmt(double d) {
        return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%.3f", d);
    }
}
