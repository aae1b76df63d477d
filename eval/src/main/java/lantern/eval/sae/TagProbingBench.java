package lantern.eval.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import lantern.corpus.BrownCorpus;
import lantern.corpus.Document;
import lantern.corpus.Sentence;
import lantern.subject.HookedModel;
import lantern.subject.sae.Sae;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * k-sparse probing on Brown tag families, SAE latents and neurons side by side: words from the training documents
 * (every document but the held-out ones of the trainers' Brown split, {@code BrownSplit}) train the probes, words from the held-out documents
 * (every 20th from the 11th) test them. For each family ("is this word an NN?") and each k, the accuracy of a logistic probe on the
 * k units whose mean differs most between the family's words and the rest ({@link SparseProbing}), balanced classes.
 * Unit sets: each SAE's latents (encoding its hook), and raw hooks (MLP neurons {@code blocks.L.mlp.hook_post}, the
 * residual stream's dimensions).
 */
public final class TagProbingBench {
    /** The families probed by default: open and closed word classes frequent enough in a slice of Brown. */
    public static final List<String> FAMILIES = List.of("NN", "NNS", "NP", "JJ", "RB", "VB", "VBD", "VBN", "VBG", "VBZ",
            "IN", "AT", "CC", "CD", "MD", "PPS");

    public record Options(List<String> families, int trainWords, int testWords, int maxPerClass, int[] ks, long seed) {
    }

    /** One unit set's results: per family the accuracy at each k, and the mean over families per k. */
    public record UnitSet(String name, int units, Map<String, SparseProbing.Result> byFamily, double[] meanAccuracy) {
    }

    public record Result(String model, int trainWords, int testWords, int[] ks, List<UnitSet> sets) {
    }

    private TagProbingBench() {
    }

    /**
     * @param saes       SAEs to probe (their hooks are read); may be empty
     * @param rawHooks   hooks whose raw units are probed too (neurons, residual dimensions)
     */
    public static Result run(HookedModel model, Path dataDir, List<Sae> saes, List<String> rawHooks, Options o,
                             Consumer<String> progress) {
        List<String> hooks = new ArrayList<>(rawHooks);
        for (Sae s : saes) if (!hooks.contains(s.config().hookName())) hooks.add(s.config().hookName());
        BrownCorpus corpus = new BrownCorpus(dataDir.resolve("corpora/brown"));
        List<Document> docs = corpus.documents().toList();
        List<Document> train = new ArrayList<>(), held = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) (lantern.train.BrownSplit.heldOut(i) ? held : train).add(docs.get(i));
        Collections.shuffle(train, new Random(o.seed()));
        Collections.shuffle(held, new Random(o.seed() + 1));
        progress.accept("collecting " + o.trainWords() + " training words at " + hooks);
        WordActivations tr = WordActivations.collect(model, sentences(train), hooks, o.trainWords());
        progress.accept("collecting " + o.testWords() + " held-out words");
        WordActivations te = WordActivations.collect(model, sentences(held), hooks, o.testWords());

        List<UnitSet> sets = new ArrayList<>();
        for (Sae sae : saes) {
            String h = sae.config().hookName();
            progress.accept("probing SAE " + sae.config().kind());
            sets.add(probe("SAE " + sae.config().kind() + " (" + h + ")", encode(sae, tr.rows().get(h), model.manager()),
                    encode(sae, te.rows().get(h), model.manager()), tr, te, o));
        }
        for (String h : rawHooks) {
            progress.accept("probing " + h);
            sets.add(probe(unitName(h), tr.rows().get(h), te.rows().get(h), tr, te, o));
        }
        return new Result(model.info().id(), tr.size(), te.size(), o.ks().clone(), sets);
    }

    static String unitName(String hook) {
        if (hook.endsWith("mlp.hook_post")) return "MLP neurons (" + hook + ")";
        return "dimensions of " + hook;
    }

    private static UnitSet probe(String name, float[][] train, float[][] test, WordActivations tr, WordActivations te, Options o) {
        Map<String, SparseProbing.Result> byFamily = new LinkedHashMap<>();
        double[] mean = new double[o.ks().length];
        int counted = 0;
        for (String f : o.families()) {
            boolean[] yTr = labels(tr.families(), f), yTe = labels(te.families(), f);
            SparseProbing.Result r = SparseProbing.probe(f, train, yTr, test, yTe, o.ks(), o.maxPerClass(), o.seed());
            byFamily.put(f, r);
            if (Double.isNaN(r.accuracy()[0])) continue;
            counted++;
            for (int q = 0; q < mean.length; q++) mean[q] += r.accuracy()[q];
        }
        for (int q = 0; q < mean.length; q++) mean[q] = counted == 0 ? Double.NaN : mean[q] / counted;
        return new UnitSet(name, train.length == 0 ? 0 : train[0].length, byFamily, mean);
    }

    private static boolean[] labels(List<String> families, String f) {
        boolean[] y = new boolean[families.size()];
        for (int i = 0; i < y.length; i++) y[i] = f.equals(families.get(i));
        return y;
    }

    /** The SAE's latent activations for each row. */
    static float[][] encode(Sae sae, float[][] rows, NDManager parent) {
        int d = sae.config().dIn(), f = sae.config().dSae();
        float[][] out = new float[rows.length][];
        int batch = 1024;
        for (int from = 0; from < rows.length; from += batch) {
            int to = Math.min(rows.length, from + batch);
            float[] flat = new float[(to - from) * d];
            for (int i = from; i < to; i++) System.arraycopy(rows[i], 0, flat, (i - from) * d, d);
            try (NDManager m = parent.newSubManager()) {
                NDArray a = sae.encode(m.create(flat, new Shape(to - from, d)));
                float[] acts = a.toFloatArray();
                for (int i = from; i < to; i++) out[i] = java.util.Arrays.copyOfRange(acts, (i - from) * f, (i - from + 1) * f);
            }
        }
        return out;
    }

    private static List<Sentence> sentences(List<Document> docs) {
        List<Sentence> out = new ArrayList<>();
        for (Document d : docs) out.addAll(d.sentences());
        return out;
    }
}
