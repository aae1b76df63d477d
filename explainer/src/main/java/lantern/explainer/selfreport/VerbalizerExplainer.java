package lantern.explainer.selfreport;

import lantern.explainer.explain.Explainer;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplit;
import lantern.explainer.explain.Rule;
import lantern.llm.LlmUsage;
import lantern.subject.TextTokenizer;
import lantern.subject.decoder.Generation;
import lantern.subject.selfreport.Verbalizer;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Self-report as an explainer ({@code --explainer verbalizer}): a feature's output direction, scaled to the typical
 * distance of a state from the mean state and added to that mean (a neutral state), is read by a trained
 * verbalizer; what it writes is the label. A decoder verbalizer writes the text up to and including the token its
 * state sits on, so the label's rule, which the statistical simulator and detector apply, is "the token the text
 * ends on" (the token a state with this direction would be read at). The explanation depends on the feature alone,
 * never on its windows: the split is not read.
 */
public final class VerbalizerExplainer implements Explainer {
    public static final String NAME = "verbalizer";

    /**
     * The neutral state and the scale: the mean of held-out states, and the root mean square distance of a state
     * from that mean.
     */
    public record Anchor(float[] mean, double spread) {
        public static Anchor of(List<float[]> states) {
            if (states.isEmpty()) throw new IllegalArgumentException("no states to anchor on");
            int w = states.get(0).length;
            double[] mean = new double[w];
            for (float[] s : states) for (int i = 0; i < w; i++) mean[i] += s[i];
            for (int i = 0; i < w; i++) mean[i] /= states.size();
            double ss = 0;
            for (float[] s : states) for (int i = 0; i < w; i++) ss += (s[i] - mean[i]) * (s[i] - mean[i]);
            float[] m = new float[w];
            for (int i = 0; i < w; i++) m[i] = (float) mean[i];
            return new Anchor(m, Math.sqrt(ss / states.size()));
        }

        /** mean + spread · direction / ‖direction‖: the state the verbalizer reads for this direction. */
        public float[] state(float[] direction) {
            if (direction.length != mean.length) {
                throw new IllegalArgumentException("direction has " + direction.length + " dimensions; the states "
                        + mean.length);
            }
            double norm = 0;
            for (float v : direction) norm += (double) v * v;
            norm = Math.sqrt(norm);
            if (!(norm > 0)) throw new IllegalArgumentException("the feature's direction is zero");
            float[] out = new float[mean.length];
            for (int i = 0; i < out.length; i++) out[i] = (float) (mean[i] + spread * direction[i] / norm);
            return out;
        }
    }

    private final Verbalizer verbalizer;
    private final float[] state;
    private final String feature;
    private final TextTokenizer subjectTokenizer;

    /** @param state the state to verbalize ({@link Anchor#state}) */
    public VerbalizerExplainer(Verbalizer verbalizer, float[] state, String feature) {
        this(verbalizer, state, feature, null);
    }

    /**
     * @param subjectTokenizer for an encoder subject, its tokenizer: a pooled state's verbalizer writes a sentence,
     *                         and the rule is that sentence's word pieces as the encoder reads them (the tokens with
     *                         a letter or digit); null for a decoder (the rule is the token the text ends on)
     */
    public VerbalizerExplainer(Verbalizer verbalizer, float[] state, String feature, TextTokenizer subjectTokenizer) {
        this.verbalizer = verbalizer;
        this.state = state.clone();
        this.feature = feature;
        this.subjectTokenizer = subjectTokenizer;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Explanation explain(RecordSplit split) {
        Generation g;
        int cap = verbalizer.maxNewTokens();
        synchronized (verbalizer) {  // one generation at a time on a verbalizer's decoder
            g = verbalizer.generate(state, 1, cap + 1);  // a label has at least one token; one more to look ahead
        }
        TextTokenizer tok = verbalizer.decoder().tokenizer();
        long[] ids = atWordBoundary(g.generatedIds(), cap, tok);
        String said = tok.decode(ids).strip();
        if (ids.length == 0 || said.isEmpty()) {
            return Explanation.ofText("the verbalizer writes nothing for " + feature + "'s direction", NAME);
        }
        if (subjectTokenizer != null) {
            Set<String> pieces = wordPieces(said, subjectTokenizer);
            if (pieces.isEmpty()) {
                return Explanation.ofText("the verbalizer writes no word for " + feature + "'s direction: \""
                        + said + "\"", NAME);
            }
            return new Explanation("verbalized direction: \"" + said + "\" (its words)", NAME, Rule.tokens(pieces),
                    Double.NaN, LlmUsage.NONE);
        }
        String last = tok.token(ids[ids.length - 1]);
        Rule rule = Rule.tokens(Set.of(last));
        String text = "verbalized direction: \"" + said + "\" (the token '" + last.strip() + "')";
        return new Explanation(text, NAME, rule, Double.NaN, LlmUsage.NONE);
    }

    /** {@code text}'s tokens under {@code tok} that hold a letter or digit (punctuation and frame tokens left out). */
    static Set<String> wordPieces(String text, TextTokenizer tok) {
        Set<String> out = new java.util.TreeSet<>();
        var e = tok.encode(text, false);
        for (int i = 0; i < e.ids().length; i++) {
            String t = e.tokens()[i];
            if (!e.special()[i] && t.codePoints().anyMatch(Character::isLetterOrDigit)) out.add(t);
        }
        return out;
    }

    /**
     * The label's tokens: all of {@code ids} when the verbalizer ended its text within {@code cap} tokens; else the
     * first {@code cap} when token {@code cap} (the look-ahead) starts a new word, or else the tokens before the
     * last word start among them (a label cut at the cap ends on a whole word, not a word piece); all {@code cap}
     * when they are one word.
     */
    static long[] atWordBoundary(long[] ids, int cap, TextTokenizer tok) {
        if (ids.length <= cap) return ids;
        for (int i = cap; i > 0; i--) {
            if (startsWord(ids, i, tok)) return Arrays.copyOf(ids, i);
        }
        return Arrays.copyOf(ids, cap);
    }

    /** Token {@code i} begins with a character that is not a letter or digit (a space, punctuation). */
    static boolean startsWord(long[] ids, int i, TextTokenizer tok) {
        String before = tok.decode(Arrays.copyOf(ids, i));
        String with = tok.decode(Arrays.copyOf(ids, i + 1));
        String added = with.startsWith(before) ? with.substring(before.length()) : tok.decode(new long[]{ids[i]});
        return added.isEmpty() || !Character.isLetterOrDigit(added.codePointAt(0));
    }
}
