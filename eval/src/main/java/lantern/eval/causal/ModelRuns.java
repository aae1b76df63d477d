package lantern.eval.causal;

import ai.djl.ndarray.NDManager;
import lantern.subject.Encoding;
import lantern.subject.Hooks;
import lantern.subject.SubjectModel;
import lantern.subject.bert.BertModel;
import lantern.subject.decoder.DecoderModel;

/** Tokenizing and running a batch with hooks on whichever model, encoder or decoder. */
final class ModelRuns {
    private ModelRuns() {
    }

    /** A text as the model reads it (special tokens included), checked against its context length. */
    static Encoding encode(SubjectModel model, String text) {
        if (model instanceof BertModel b) return b.encode(text);
        Encoding e = model.tokenizer().encode(text, true);
        if (e.length() > model.info().contextLength()) {
            throw new IllegalArgumentException("text has " + e.length() + " tokens; " + model.info().id()
                    + " reads at most " + model.info().contextLength());
        }
        if (e.length() == 0) throw new IllegalArgumentException("text has no tokens: '" + text + "'");
        return e;
    }

    /** Runs right-padded rows; cached hooks are attached to {@code m}. Padding never reaches real tokens. */
    static void forward(SubjectModel model, NDManager m, long[][] ids, int[] lengths, Hooks hooks) {
        if (model instanceof BertModel b) {
            b.forward(m, ids, lengths, hooks);
        } else if (model instanceof DecoderModel d) {
            d.forward(m, ids, null, hooks); // causal attention: right padding cannot reach earlier positions
        } else {
            throw new IllegalArgumentException("model " + model.info().id() + " cannot run hooks");
        }
    }

    /** A manager for one run's arrays; the caller closes it. */
    static NDManager newManager(SubjectModel model) {
        if (model instanceof BertModel b) return b.manager().newSubManager();
        return NDManager.newBaseManager("PyTorch");
    }
}
