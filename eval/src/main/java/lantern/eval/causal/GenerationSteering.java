package lantern.eval.causal;

import lantern.api.causal.Continuation;
import lantern.api.causal.GenerationSteeringResult;

import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.Generation;
import lantern.subject.decoder.Generator;
import lantern.api.generate.Sampling;
import lantern.api.lens.TokenProb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Steering a decoder's generation: the same prompt continued twice with the same sampling and seed, once clean and
 * once with the interventions at every position (prompt and every generated token), side by side. Also the next-token
 * distribution right after the prompt in both cases: its top tokens and the KL divergence clean ‖ steered.
 */
public final class GenerationSteering {
    private GenerationSteering() {
    }

    public static GenerationSteeringResult run(DecoderModel model, String prompt, long[] promptIds, List<InterventionPlanner.Planned> planned,
                             Hooks hooks, Sampling sampling, int topN) {
        Generation clean = Generator.withCache(model, promptIds, sampling, Hooks.none());
        Generation steered = Generator.withCache(model, promptIds, sampling, hooks, hooks);
        List<String> promptTokens = tokens(model, promptIds);
        return new GenerationSteeringResult(model.info().id(), prompt, promptTokens,
                planned.stream().map(InterventionPlanner.Planned::description).toList(), sampling,
                continuation(model, clean), continuation(model, steered),
                firstDifference(clean.generatedIds(), steered.generatedIds()),
                top(model, clean.firstLogits(), topN), top(model, steered.firstLogits(), topN),
                kl(clean.firstLogits(), steered.firstLogits()));
    }

    static Continuation continuation(DecoderModel model, Generation g) {
        return new Continuation(g.text(), tokens(model, g.generatedIds()));
    }

    static List<String> tokens(DecoderModel model, long[] ids) {
        return Arrays.stream(ids).mapToObj(id -> model.tokenizer().token(id)).toList();
    }

    static int firstDifference(long[] a, long[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) if (a[i] != b[i]) return i;
        return a.length == b.length ? -1 : n;
    }

    static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] - max);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    /** KL(p ‖ q) of two logit vectors' softmax, in nats. */
    static double kl(float[] p, float[] q) {
        double[] a = softmax(p);
        double[] b = softmax(q);
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] > 0) s += a[i] * (Math.log(a[i]) - Math.log(Math.max(b[i], Double.MIN_NORMAL)));
        }
        return Math.max(0, s);
    }

    static List<TokenProb> top(DecoderModel model, float[] logits, int n) {
        double[] p = softmax(logits);
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (x, y) -> Double.compare(p[y], p[x]));
        List<TokenProb> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, order.length); i++) {
            out.add(new TokenProb(model.tokenizer().token(order[i]), order[i], p[order[i]]));
        }
        return out;
    }
}
