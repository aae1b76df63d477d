package lantern.subject.heads;

import lantern.api.heads.HeadRolesRequest;
import lantern.api.heads.HeadRolesResult;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.errors.InvalidInputException;
import lantern.subject.HookNames;
import lantern.subject.HookedModel;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Attention-head roles (the use case behind {@code lantern heads} and {@code POST /api/models/{m}/heads}): every
 * head's previous-token, duplicate-token and induction score ({@link HeadScores}) on random tokens repeated once
 * ({@link RepeatedTokens}), and, on decoders, the change of the repeated half's next-token loss when the head's
 * output ({@code blocks.{l}.attn.hook_z}) is zero- or mean-ablated.
 */
public final class HeadRoles {
    public static final int DEFAULT_LENGTH = 50;
    public static final int DEFAULT_BATCH = HeadRolesRequest.DEFAULT_BATCH;
    public static final int MAX_BATCH = 64;
    /** Attention floats one pass may hold ({@code rows x heads x tokens²}): bounds a request's memory. */
    static final long PATTERN_BUDGET = 1L << 25;
    /** Logit floats one ablation pass may hold ({@code rows x positions x vocabulary}); bigger layers run in groups. */
    static final long LOGIT_BUDGET = 32L << 20;

    private HeadRoles() {
    }

    public static HeadRolesResult run(HookedModel model, HeadRolesRequest request) {
        return run(model, request, (done, total) -> { });
    }

    /** @param progress called with (passes done, passes in all) after each forward pass */
    public static HeadRolesResult run(HookedModel model, HeadRolesRequest request, BiConsumer<Integer, Integer> progress) {
        return run(model, request, progress, Integer.MAX_VALUE);
    }

    /** @param maxGroup the most heads one ablation pass may hold (tests check that grouping changes nothing) */
    static HeadRolesResult run(HookedModel model, HeadRolesRequest request, BiConsumer<Integer, Integer> progress, int maxGroup) {
        if (request == null) request = HeadRolesRequest.defaults();
        DecoderModel lm = model.languageModel().orElse(null);
        HeadAblation.Mode mode = request.ablation() == null ? (lm == null ? HeadAblation.Mode.NONE : HeadAblation.Mode.ZERO)
                : HeadAblation.Mode.parse(request.ablation());
        if (lm == null && mode != HeadAblation.Mode.NONE) {
            throw new InvalidInputException("model " + model.info().id() + " is an encoder: no LM head, no next-token loss"
                    + " to ablate heads against (use ablation \"none\")");
        }
        RepeatedTokens probe = probe(model, request);
        if (mode == HeadAblation.Mode.MEAN && probe.batch() < 2) {
            throw new InvalidInputException("mean ablation averages a head over the rows of the batch: it needs at least 2"
                    + " rows (a batch of 1 would leave the head unchanged)");
        }
        int layers = model.info().layers();
        int heads = model.info().heads();
        if (patternFloats(probe, heads) > PATTERN_BUDGET) {
            throw new InvalidInputException("too much at once: " + probe.batch() + " rows of " + probe.tokens() + " tokens"
                    + " hold " + patternFloats(probe, heads) + " attention weights per layer (at most " + PATTERN_BUDGET
                    + "); use fewer rows or a shorter length");
        }
        int group = mode == HeadAblation.Mode.NONE ? 0
                : Math.min(maxGroup, groupSize(probe, heads, model.info().vocabSize()));
        int total = 1 + (group == 0 ? 0 : layers * ((heads + group - 1) / group));
        int done = 0;

        double[][][] scores = new double[layers][][];
        double[] clean;
        try (NDManager m = model.manager().newSubManager()) {
            Hooks hooks = Hooks.none();
            for (int l = 0; l < layers; l++) {
                int layer = l;
                hooks.replace(HookNames.attnPattern(l), p -> {
                    scores[layer] = HeadScores.of(p, probe);
                    return p;
                });
            }
            NDArray out = model.run(m, probe.rows(), lengths(probe.batch(), probe.tokens()), hooks).output();
            clean = lm == null ? null : new double[]{
                    HeadAblation.loss(lm, out, probe, 1, probe.first(0), probe.length() - 1)[0],
                    HeadAblation.loss(lm, out, probe, 1, probe.second(0), probe.length() - 1)[0]};
        }
        progress.accept(++done, total);

        double[][] ablated = new double[layers][heads];
        if (group > 0) {
            for (int l = 0; l < layers; l++) {
                for (int h0 = 0; h0 < heads; h0 += group) {
                    int g = Math.min(group, heads - h0);
                    double[] losses = ablatedLosses(lm, probe, mode, l, h0, g, heads);
                    System.arraycopy(losses, 0, ablated[l], h0, g);
                    progress.accept(++done, total);
                }
            }
        }

        List<HeadRolesResult.Head> rows = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                double[] s = scores[l][h];
                Double loss = group > 0 ? ablated[l][h] : null;
                rows.add(new HeadRolesResult.Head(l, h, s[HeadScores.PREVIOUS], s[HeadScores.DUPLICATE],
                        s[HeadScores.INDUCTION], loss, loss == null ? null : loss - clean[1]));
            }
        }
        List<Long> first = Arrays.stream(probe.copy(0)).boxed().toList();
        var p = new HeadRolesResult.Probe(probe.seed(), probe.length(), probe.batch(), probe.prefix(), first);
        return new HeadRolesResult(model.info().id(), layers, heads, p, mode.name().toLowerCase(java.util.Locale.ROOT),
                clean == null ? null : clean[0], clean == null ? null : clean[1], rows);
    }

    static RepeatedTokens probe(HookedModel model, HeadRolesRequest r) {
        if (r.tokens() != null) {
            if (r.tokens().stream().anyMatch(java.util.Objects::isNull)) throw new InvalidInputException("tokens must not hold null");
            return RepeatedTokens.of(model, r.tokens().stream().mapToLong(Long::longValue).toArray());
        }
        int batch = r.batch() == null ? DEFAULT_BATCH : r.batch();
        if (batch < 1 || batch > MAX_BATCH) throw new InvalidInputException("batch must be 1.." + MAX_BATCH + ", got " + batch);
        int length = r.length() != null ? r.length() : Math.min(DEFAULT_LENGTH, (model.info().contextLength()
                - model.frame().prefix().length - model.frame().suffix().length) / 2);
        return RepeatedTokens.random(model, length, batch, r.seed() == null ? 0 : r.seed());
    }

    /** The repeated half's loss with heads {@code h0 .. h0 + g - 1} of layer {@code l} ablated, one per replicate. */
    private static double[] ablatedLosses(DecoderModel lm, RepeatedTokens probe, HeadAblation.Mode mode, int l,
                                          int h0, int g, int heads) {
        try (NDManager m = lm.manager().newSubManager()) {
            Hooks hooks = Hooks.none().replace(HookNames.attnZ(l), HeadAblation.ablate(mode, h0, g, heads));
            long[][] rows = HeadAblation.replicate(probe, g);
            NDArray out = lm.run(m, rows, lengths(rows.length, probe.tokens()), hooks).output();
            return HeadAblation.loss(lm, out, probe, g, probe.second(0), probe.length() - 1);
        }
    }

    /** Heads ablated in one pass: as many as keep its logits and attention weights within their budgets. */
    static int groupSize(RepeatedTokens probe, int heads, int vocab) {
        long perHead = (long) probe.batch() * probe.length() * vocab;
        long byLogits = LOGIT_BUDGET / Math.max(1, perHead);
        long byPatterns = PATTERN_BUDGET / Math.max(1, patternFloats(probe, heads));
        return (int) Math.max(1, Math.min(heads, Math.min(byLogits, byPatterns)));
    }

    private static long patternFloats(RepeatedTokens probe, int heads) {
        return (long) probe.batch() * heads * probe.tokens() * probe.tokens();
    }

    private static int[] lengths(int rows, int tokens) {
        int[] out = new int[rows];
        Arrays.fill(out, tokens);
        return out;
    }
}
