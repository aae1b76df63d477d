package lantern.eval.causal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.explainer.explain.WindowText;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.Interventions;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.sae.Sae;
import lantern.subject.sae.SaeStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The output side of a decoder feature, measured: what it promotes, and whether that holds in context.
 *
 * <p>Candidates are the {@value #CANDIDATES} tokens its output direction raises most through the unembedding
 * ({@link lantern.subject.decoder.OutputVocab}: the residual write times the final norm's weight times W_U). The
 * feature is then amplified on ordinary text (its random windows): {@code A} = its largest collected activation is
 * added to it at every position (a neuron at {@code mlp.hook_post}; an SAE feature as {@code A} times its decoder row
 * at the SAE's hook). The <em>gain</em> is the mean over positions of the next-token probability the candidates gain
 * together, amplified minus clean. The same is measured for {@value #RANDOM_UNITS} random units of the same layer
 * (or SAE), each amplified so that its residual write has the same norm as the feature's, on the same candidates: a
 * feature whose promoted tokens gain more than under every random unit, by at least {@value #MIN_GAIN}, promotes them
 * clearly, and the tokens that gained most (up to {@value #NAMED}) are named in its label.
 *
 * <p>The score is {@code (gain − best random gain) / (|gain| + |best random gain|)} in [−1, 1]: positive exactly when
 * the feature raises its promoted tokens more than every random unit does (against the random units' mean it would
 * read 1.0 whenever that mean is negative, as it often is); {@code rank} is the fraction of random units whose gain is
 * lower.
 */
public final class OutputSideScorer {
    /** Promoted tokens (by direct logit effect) whose probability is measured. */
    public static final int CANDIDATES = 10;
    /** At most this many promoted tokens are named in a label. */
    public static final int NAMED = 3;
    public static final int RANDOM_UNITS = 8;
    /** Random windows read, at most. */
    public static final int TEXTS = 8;
    /** The least probability the promoted tokens must gain together for the label to name them. */
    public static final double MIN_GAIN = 0.01;

    private final DecoderModel model;
    private final SaeStore saes;

    public OutputSideScorer(DecoderModel model, SaeStore saes) {
        this.model = model;
        this.saes = saes;
    }

    /** A candidate token and the probability it gained (mean over positions). */
    public record TokenGain(String token, double logit, double gain) {
    }

    /**
     * @param gain       probability the candidates gained together when the feature was amplified (NaN: not scored)
     * @param randomGain mean of the same over the random units
     * @param randomMax  the largest random unit's gain
     * @param rank       fraction of random units whose gain is lower than the feature's
     * @param score      (gain − randomMax) / (|gain| + |randomMax|)
     * @param candidates the promoted tokens measured, by direct logit effect, with their own gains
     * @param named      the tokens a label names (empty when the output side is not clear)
     * @param reason     why nothing is named (or why it was not scored); null when clear
     */
    public record Result(String feature, double amplification, double gain, double randomGain, double randomMax,
                         double rank, double score, List<TokenGain> candidates, List<String> named, int texts,
                         int positions, int randomUnits, String reason) {
        public boolean clear() {
            return !named.isEmpty();
        }

        static Result unscored(String feature, String reason) {
            return new Result(feature, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    List.of(), List.of(), 0, 0, 0, reason);
        }
    }

    public Result score(FeatureRecords records) {
        List<String> texts = records.random().stream().limit(TEXTS).map(WindowText::of).filter(t -> !t.isBlank()).toList();
        return score(records.id(), records.stats().max(), texts, seed(records.id()));
    }

    static long seed(FeatureId id) {
        return id.toString().hashCode() * 0x9E3779B97F4A7C15L;
    }

    /** The feature amplified by {@code amplification} on {@code texts}, against random units drawn with {@code seed}. */
    public Result score(FeatureId id, double amplification, List<String> texts, long seed) {
        if (!id.model().equals(model.info().id())) {
            throw new IllegalArgumentException("feature " + id + " belongs to model " + id.model() + ", not " + model.info().id());
        }
        model.requireLayer(id.layer());
        if (!(amplification > 0)) return Result.unscored(id.toString(), "it never fires (largest activation " + amplification + "): nothing to amplify");
        if (texts.isEmpty()) return Result.unscored(id.toString(), "no random windows to read");
        Units units = units(id);
        int n = units.count();
        if (id.index() >= n) throw new IllegalArgumentException("feature " + id.index() + " out of range (" + n + " in " + units.hook + ")");
        float[] write = units.residualWrite(id.index());
        double norm = norm(write);
        if (norm == 0) return Result.unscored(id.toString(), "its output direction is zero");
        int[] cand = topIds(logitEffect(write), CANDIDATES);
        List<Integer> others = randomUnits(units, id.index(), seed);

        long[][] rows = new long[texts.size()][];
        for (int i = 0; i < rows.length; i++) {
            long[] ids = model.frameText(texts.get(i)).ids();
            rows[i] = ids.length <= model.config().contextLength() ? ids : java.util.Arrays.copyOf(ids, model.config().contextLength());
        }
        Batch batch = new Batch(rows);
        double[] clean = batch.candidateProbs(Hooks.none(), cand);
        double[] own = batch.candidateProbs(Hooks.none().replace(units.hook, units.add(id.index(), (float) amplification)), cand);
        double gain = sum(own) - sum(clean);
        double[] random = new double[others.size()];
        for (int r = 0; r < random.length; r++) {
            int u = others.get(r);
            double scale = amplification * norm / norm(units.residualWrite(u));
            random[r] = sum(batch.candidateProbs(Hooks.none().replace(units.hook, units.add(u, (float) scale)), cand)) - sum(clean);
        }
        // gains within float32 noise of each other are ties (two units writing the same vector differ by ~1e-7)
        double tol = 1e-6 + 1e-4 * Math.abs(gain);
        double mean = 0, max = Double.NEGATIVE_INFINITY, below = 0;
        for (double g : random) {
            mean += g / random.length;
            max = Math.max(max, g);
            if (g < gain - tol) below++;
        }
        float[] logits = logitEffect(write);
        List<TokenGain> tokens = new ArrayList<>();
        for (int c = 0; c < cand.length; c++) {
            tokens.add(new TokenGain(model.tokenizer().displayToken(cand[c]), logits[cand[c]], own[c] - clean[c]));
        }
        double rank = random.length == 0 ? Double.NaN : below / random.length;
        double score = random.length == 0 ? Double.NaN
                : Math.abs(gain) + Math.abs(max) > 0 ? (gain - max) / (Math.abs(gain) + Math.abs(max)) : 0;
        String reason = null;
        if (gain < MIN_GAIN) {
            reason = String.format(java.util.Locale.ROOT, "amplified, its promoted tokens gain %.4f in probability (less than %.2f)", gain, MIN_GAIN);
        } else if (random.length == 0 || max >= gain - tol) {
            reason = String.format(java.util.Locale.ROOT, "a random unit of the same write norm raises its promoted tokens as much (%.4f vs %.4f)", max, gain);
        }
        List<String> named = reason != null ? List.of() : named(tokens);
        if (reason == null && named.isEmpty()) reason = "no single promoted token gains in probability";
        return new Result(id.toString(), amplification, gain, mean, max, rank, score, List.copyOf(tokens), named,
                rows.length, batch.positions, random.length, reason);
    }

    /** Up to {@link #NAMED} tokens by gain, each gaining at least a quarter of the best one's gain. */
    static List<String> named(List<TokenGain> tokens) {
        List<TokenGain> byGain = new ArrayList<>(tokens);
        byGain.sort(Comparator.comparingDouble(TokenGain::gain).reversed());
        List<String> out = new ArrayList<>();
        double best = byGain.isEmpty() ? 0 : byGain.getFirst().gain();
        for (TokenGain t : byGain) {
            if (out.size() == NAMED || !(t.gain() > 0) || t.gain() < best / 4) break;
            out.add(t.token());
        }
        return out;
    }

    /** The clause a label gains when its output side is clear: "promotes 'ot', 'ion'". */
    public static String clause(List<String> named) {
        return lantern.explainer.explain.OutputClause.of(named);
    }

    /** The units of the feature's layer: neurons, or the features of its SAE. */
    private final class Units {
        final String hook;
        final Sae sae;
        final NDArray mlpOut;  // [dMlp, d]: where hook-space directions at mlp.hook_post write

        Units(String hook, Sae sae) {
            this.hook = hook;
            this.sae = sae;
            this.mlpOut = hook.endsWith(".mlp.hook_post") ? model.weights().layers().get(HookNames.layerOf(hook)).mlpOut() : null;
            if (hook.endsWith(".mlp.hook_pre") || hook.endsWith(".attn.hook_pattern")) {
                throw new IllegalArgumentException("no output direction for a feature at " + hook);
            }
        }

        int count() {
            return sae == null ? model.config().dMlp() : sae.config().dSae();
        }

        /** The unit's direction where it is read ({@code mlp.hook_post} width, or the SAE's input width). */
        float[] direction(int unit) {
            if (sae != null) return sae.decoderDirection(unit);
            float[] oneHot = new float[model.config().dMlp()];
            oneHot[unit] = 1;
            return oneHot;
        }

        /** What one unit of the unit's activation writes into the residual stream. */
        float[] residualWrite(int unit) {
            float[] dir = direction(unit);
            if (mlpOut == null) return dir;
            try (NDManager m = model.manager().newSubManager()) {
                return m.create(dir).reshape(1, -1).matMul(mlpOut.toType(DataType.FLOAT32, false)).toFloatArray();
            }
        }

        lantern.subject.HookFunction add(int unit, float amount) {
            return Interventions.addDirection(direction(unit), amount);
        }
    }

    private Units units(FeatureId id) {
        if (id.isNeuron()) return new Units(HookNames.mlpPost(id.layer()), null);
        Sae sae = saes.get(id.model(), id.layer(), id.kind());
        return new Units(sae.config().hookName(), sae);
    }

    private List<Integer> randomUnits(Units units, int exclude, long seed) {
        Random random = new Random(seed);
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < units.count(); i++) if (i != exclude) all.add(i);
        java.util.Collections.shuffle(all, random);
        List<Integer> out = new ArrayList<>();
        for (int u : all) {
            if (out.size() == RANDOM_UNITS) break;
            if (norm(units.residualWrite(u)) > 0) out.add(u);
        }
        return out;
    }

    /** The direct logit effect of a residual write: write ⊙ final norm weight · W_U. */
    float[] logitEffect(float[] write) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray scaled = m.create(write).mul(model.weights().normFinal().toType(DataType.FLOAT32, false));
            return scaled.reshape(1, -1).matMul(model.weights().unembed().toType(DataType.FLOAT32, false)).toFloatArray();
        }
    }

    static int[] topIds(float[] values, int k) {
        Integer[] idx = new Integer[values.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> Float.compare(values[b], values[a]));
        int[] out = new int[Math.min(k, idx.length)];
        for (int i = 0; i < out.length; i++) out[i] = idx[i];
        return out;
    }

    /** Texts as one right-padded batch; probabilities averaged over every real position. */
    private final class Batch {
        final long[][] ids;
        final int[] lengths;
        final int positions;

        Batch(long[][] rows) {
            int t = 1;
            for (long[] r : rows) t = Math.max(t, r.length);
            ids = new long[rows.length][t];
            lengths = new int[rows.length];
            int p = 0;
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, ids[i], 0, rows[i].length);
                lengths[i] = rows[i].length;
                p += rows[i].length;
            }
            positions = p;
        }

        /** Mean next-token probability of each candidate over all real positions. */
        double[] candidateProbs(Hooks hooks, int[] cand) {
            int vocab = model.config().vocabSize();
            float[] sel = new float[vocab * cand.length];
            for (int c = 0; c < cand.length; c++) sel[cand[c] * cand.length + c] = 1f;
            int t = ids[0].length;
            try (NDManager m = model.manager().newSubManager()) {
                NDArray logits = model.logits(model.run(m, ids, lengths, hooks).output()).toType(DataType.FLOAT32, false);
                NDArray probs = logits.softmax(-1);                                            // [B, T, V]
                float[] p = probs.matMul(m.create(sel, new ai.djl.ndarray.types.Shape(vocab, cand.length))).toFloatArray(); // [B, T, C]
                double[] out = new double[cand.length];
                for (int i = 0; i < ids.length; i++) {
                    for (int j = 0; j < lengths[i]; j++) {
                        for (int c = 0; c < cand.length; c++) out[c] += p[(i * t + j) * cand.length + c];
                    }
                }
                for (int c = 0; c < cand.length; c++) out[c] /= positions;
                return out;
            }
        }
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s);
    }
}
