package lantern.subject.icl;

import lantern.errors.InvalidInputException;
import lantern.subject.Encoding;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.Generator;

/**
 * What the in-context methods (function vectors, linear relational embeddings) share about prompts and tokens: the
 * decoder they need, a prompt's ids, the id of an answer's first token in context, and the token that ends a span.
 */
public final class IclTokens {
    private IclTokens() {
    }

    /** The decoder behind {@code model}, or a 400 naming what an encoder cannot do. */
    public static DecoderModel decoder(SubjectModel model, String what) {
        return model.requireLanguageModel(what);
    }

    /** The prompt's ids as generation would run them (BOS as the model frames text). */
    public static long[] ids(DecoderModel model, String prompt) {
        return Generator.promptIds(model, prompt);
    }

    /**
     * The first token of {@code answer} as it follows {@code prompt} (the reference implementations' {@code
     * get_answer_id}: the ids of prompt + answer past those of the prompt). Where the two tokenizations part
     * earlier (a merge across the boundary), the first differing id.
     */
    public static long answerId(DecoderModel model, String prompt, String answer) {
        long[] p = ids(model, prompt);
        long[] pa = ids(model, prompt + answer);
        int i = 0;
        while (i < p.length && i < pa.length && p[i] == pa[i]) i++;
        if (i >= pa.length) {
            throw new InvalidInputException("answer \"" + answer + "\" adds no token after its prompt");
        }
        return pa[i];
    }

    /**
     * The index of the last token overlapping the last occurrence of {@code span} in {@code text} (the reference's
     * {@code find_subject_token_index}: the subject's last token).
     */
    public static int lastTokenOf(DecoderModel model, String text, String span) {
        int start = text.lastIndexOf(span);
        if (start < 0 || span.isEmpty()) throw new InvalidInputException("\"" + span + "\" does not occur in the prompt");
        int end = start + span.length();
        Encoding e = model.tokenizer().encode(text, true);
        int found = -1;
        for (int t = 0; t < e.length(); t++) {
            if (e.special()[t] || e.charStart()[t] < 0) continue;
            if (e.charStart()[t] < end && e.charEnd()[t] > start) found = t;
        }
        if (found < 0) throw new InvalidInputException("no token covers \"" + span + "\" in the prompt");
        return found;
    }

    public static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /** softmax in double precision. */
    public static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] - max);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }
}
