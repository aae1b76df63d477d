package lantern.subject.bert;

import lantern.subject.EncoderModel;

/** The embedded all-MiniLM-L6-v2, for callers that need it without depending on {@link BertModel}. */
public final class MiniLm {
    private MiniLm() {
    }

    /** Loads MiniLM from the class path; close it when done. */
    public static EncoderModel load() {
        return BertModel.loadMiniLm();
    }
}
