package lantern.subject.fv;

import lantern.api.fv.FunctionVectorOptions;
import lantern.api.fv.FvResult;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import lantern.errors.InvalidInputException;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.icl.IclTokens;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Function vectors (Todd et al., 2024), as the paper's code computes them: mean head outputs over clean in-context
 * prompts; each head's average indirect effect (AIE) over prompts whose labels are shuffled; the function vector is
 * the sum of the top heads' mean outputs in residual space, added to resid_post of a chosen layer at the last token
 * of zero-shot prompts.
 *
 * <p>Data: the pairs are shuffled by the seed; 30% (at least one) are held out for the accuracies, the rest give
 * demonstrations and the queries of the mean and AIE prompts (the reference draws those queries from a separate
 * validation split and keeps only queries the model answers right in context; with the small task files a Brown
 * model can attempt, this keeps every pair).
 */
public final class FunctionVectors {
    public static final int DEFAULT_HEADS = 10;
    public static final int DEFAULT_SHOTS = 10;
    public static final int DEFAULT_MEAN_TRIALS = 100;
    public static final int DEFAULT_AIE_TRIALS = 25;
    public static final int MAX_TRIALS = 1000;

    private FunctionVectors() {
    }

    public static FvResult run(SubjectModel subject, IclTask task, FunctionVectorOptions o, Consumer<String> progress) {
        long t0 = System.nanoTime();
        DecoderModel model = IclTokens.decoder(subject, "function vector");
        int layers = model.config().layers(), nHeads = model.config().heads();
        int layer = model.requireLayer(o.layer() == null ? layers / 3 : o.layer());
        int k = o.heads() == null ? Math.min(DEFAULT_HEADS, layers * nHeads) : o.heads();
        if (k < 1 || k > layers * nHeads) {
            throw new InvalidInputException("heads must be 1.." + layers * nHeads + ", got " + k);
        }
        int shots = o.shots() == null ? DEFAULT_SHOTS : o.shots();
        int meanTrials = o.meanTrials() == null ? DEFAULT_MEAN_TRIALS : o.meanTrials();
        int aieTrials = o.aieTrials() == null ? DEFAULT_AIE_TRIALS : o.aieTrials();
        if (shots < 1) throw new InvalidInputException("shots must be at least 1, got " + shots);
        if (meanTrials < 1 || meanTrials > MAX_TRIALS || aieTrials < 1 || aieTrials > MAX_TRIALS) {
            throw new InvalidInputException("trials must be 1.." + MAX_TRIALS);
        }
        List<IclTask.Pair> pairs = new ArrayList<>(task.pairs());
        int held = Math.max(1, (int) Math.round(pairs.size() * 0.3));
        if (pairs.size() - held < shots + 1) {
            throw new InvalidInputException("task " + task.name() + " has " + pairs.size() + " pairs: with "
                    + held + " held out, " + shots + " shots need at least " + (shots + 1 + held)
                    + " (or ask for fewer shots)");
        }
        Random r = new Random(o.seed());
        Collections.shuffle(pairs, r);
        List<IclTask.Pair> test = pairs.subList(0, held);
        List<IclTask.Pair> train = pairs.subList(held, pairs.size());

        progress.accept("mean head outputs over " + meanTrials + " prompts");
        List<long[]> clean = new ArrayList<>();
        for (IclPrompts.Prompt p : IclPrompts.sample(train, train, shots, meanTrials, false, r)) {
            clean.add(IclTokens.ids(model, p.text()));
        }
        float[][][] mean = HeadEffects.meanOutputs(model, clean);

        double[][] aie = new double[layers][nHeads];
        List<IclPrompts.Prompt> shuffled = IclPrompts.sample(train, train, shots, aieTrials, true, r);
        for (int i = 0; i < shuffled.size(); i++) {
            progress.accept("indirect effects, shuffled prompt " + (i + 1) + "/" + aieTrials);
            double[][] e = HeadEffects.indirectEffects(model, HeadEffects.encode(model, shuffled.get(i)), mean);
            for (int l = 0; l < layers; l++) for (int h = 0; h < nHeads; h++) aie[l][h] += e[l][h] / aieTrials;
        }
        List<int[]> order = new ArrayList<>();
        for (int l = 0; l < layers; l++) for (int h = 0; h < nHeads; h++) order.add(new int[]{l, h});
        order.sort(Comparator.comparingDouble((int[] lh) -> -aie[lh[0]][lh[1]]));
        List<int[]> top = order.subList(0, k);
        float[] fv = HeadEffects.functionVector(model, top, mean);
        List<FvResult.Head> heads = new ArrayList<>();
        for (int[] lh : top) {
            float[] one = HeadEffects.functionVector(model, List.<int[]>of(lh), mean);
            heads.add(new FvResult.Head(lh[0], lh[1], aie[lh[0]][lh[1]], norm(one)));
        }

        progress.accept("accuracy on " + test.size() + " held-out pairs");
        List<FvResult.Item> items = new ArrayList<>();
        int zs = 0, zsFv = 0, fs = 0;
        for (IclTask.Pair pair : test) {
            IclPrompts.Prompt zero = IclPrompts.build(List.of(), pair);
            IclPrompts.Prompt few = IclPrompts.sample(train, List.of(pair), shots, 1, false, r).get(0);
            long target = IclTokens.answerId(model, zero.text(), zero.target());
            long fewTarget = IclTokens.answerId(model, few.text(), few.target());
            int a = IclTokens.argmax(logits(model, zero.text(), null, layer));
            int b = IclTokens.argmax(logits(model, zero.text(), fv, layer));
            int c = IclTokens.argmax(logits(model, few.text(), null, layer));
            if (a == target) zs++;
            if (b == target) zsFv++;
            if (c == fewTarget) fs++;
            items.add(new FvResult.Item(pair.input(), pair.output(), token(model, target), token(model, a),
                    token(model, b), token(model, c)));
        }
        int n = test.size();
        return new FvResult(model.info().id(), task.name(), task.pairs().size(), shots, layer, meanTrials, aieTrials,
                o.seed(), aie, heads, norm(fv), vectorTokens(model, fv, 10), (double) zs / n, (double) zsFv / n,
                (double) fs / n, items, (System.nanoTime() - t0) / 1e9);
    }

    /** Next-token logits of {@code prompt}, with {@code fv} (if any) added to resid_post of {@code layer} at the last token. */
    public static float[] logits(DecoderModel model, String prompt, float[] fv, int layer) {
        long[] ids = IclTokens.ids(model, prompt);
        try (NDManager m = model.manager().newSubManager()) {
            Hooks hooks = Hooks.none();
            if (fv != null) {
                int d = fv.length, t = ids.length;
                float[] add = new float[t * d];
                System.arraycopy(fv, 0, add, (t - 1) * d, d);
                NDArray addArr = m.create(add, new Shape(1, t, d));
                hooks.replace(HookNames.residPost(layer), x -> x.add(addArr));
            }
            return model.nextTokenLogits(m, ids, null, hooks);
        }
    }

    /** The reference's {@code fv_to_vocab}: the tokens the vector promotes through the final norm and unembedding. */
    static List<FvResult.Token> vectorTokens(DecoderModel model, float[] fv, int n) {
        float[] logits;
        try (NDManager m = model.manager().newSubManager()) {
            logits = model.logits(model.finalNorm(m.create(fv, new Shape(1, fv.length)))).toFloatArray();
        }
        double[] p = IclTokens.softmax(logits);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < p.length; i++) ids.add(i);
        ids.sort(Comparator.comparingDouble(i -> -p[i]));
        List<FvResult.Token> out = new ArrayList<>();
        for (int i : ids.subList(0, Math.min(n, ids.size()))) out.add(new FvResult.Token(token(model, i), i, p[i]));
        return out;
    }

    private static String token(DecoderModel model, long id) {
        return model.tokenizer().displayToken(id);
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s);
    }
}
