package lantern.eval.causal;

import ai.djl.ndarray.NDManager;
import lantern.subject.Encoding;
import lantern.subject.HookedModel;
import lantern.subject.Hooks;
import lantern.subject.EncoderModel;

/** Tokenizing a text the way a hooked model reads it, and running batches of such texts. */
final class ModelRuns {
    private ModelRuns() {
    }

    /** The ids of a text inside the model's frame ([CLS] .. [SEP]; BOS ..), and which of them are special. */
    record Tokens(long[] ids, boolean[] special) {
        int length() {
            return ids.length;
        }
    }

    static Tokens encode(HookedModel model, String text) {
        if (model instanceof EncoderModel b) {
            Encoding e = b.encode(text);
            return new Tokens(e.ids(), e.special());
        }
        long[] prefix = model.frame().prefix();
        long[] suffix = model.frame().suffix();
        long[] body = model.tokenizer().encode(text, false).ids();
        int n = prefix.length + body.length + suffix.length;
        if (body.length == 0) throw new IllegalArgumentException("text has no tokens: '" + text + "'");
        if (n > model.info().contextLength()) {
            throw new IllegalArgumentException("text has " + n + " tokens; " + model.info().id() + " reads at most "
                    + model.info().contextLength());
        }
        long[] ids = new long[n];
        boolean[] special = new boolean[n];
        System.arraycopy(prefix, 0, ids, 0, prefix.length);
        System.arraycopy(body, 0, ids, prefix.length, body.length);
        System.arraycopy(suffix, 0, ids, prefix.length + body.length, suffix.length);
        for (int i = 0; i < prefix.length; i++) special[i] = true;
        for (int i = prefix.length + body.length; i < n; i++) special[i] = true;
        return new Tokens(ids, special);
    }

    /** A manager for one run's arrays; the caller closes it. */
    static NDManager newManager(HookedModel model) {
        return model.manager().newSubManager();
    }

    /** Runs right-padded rows; cached hooks end up in {@code hooks} and attached to {@code m}. */
    static void forward(HookedModel model, NDManager m, long[][] ids, int[] lengths, Hooks hooks) {
        model.run(m, ids, lengths, hooks);
    }
}
