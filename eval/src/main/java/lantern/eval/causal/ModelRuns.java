package lantern.eval.causal;

import ai.djl.ndarray.NDManager;
import lantern.subject.Encoding;
import lantern.subject.HookedModel;
import lantern.subject.Hooks;

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

    /** The text in the model's frame ({@link HookedModel#toTokens}: one policy, a 400 when it does not fit). */
    static Tokens encode(HookedModel model, String text) {
        Encoding e = model.toTokens(text);
        return new Tokens(e.ids(), e.special());
    }

    /** A manager for one run's arrays; the caller closes it. */
    static NDManager newManager(HookedModel model) {
        return model.manager().newSubManager();
    }

    /** Runs right-padded rows; cached hooks end up in {@code hooks} and attached to {@code m}. */
    static lantern.subject.ActivationCache forward(HookedModel model, NDManager m, long[][] ids, int[] lengths, Hooks hooks) {
        return model.run(m, ids, lengths, hooks).cache();
    }
}
