package lantern.api.lre;

import java.util.List;

/**
 * A linear relational embedding fitted on a decoder and measured on held-out subjects.
 *
 * @param faithfulness fraction of held-out subjects where the LRE's top token equals the model's top prediction
 * @param causality    (null when no held-out pair has a different object) fraction of edits (subject state moved through the LRE's low-rank inverse toward another
 *                     subject's object state) after which the model predicts that subject's object
 * @param lmAccuracy   fraction where the model's top token is the object's first token
 * @param lreAccuracy  fraction where the LRE's top token is the object's first token
 */
public record LreResult(String model, String relation, String template, int layer, double beta, int rank,
                        List<String> trainSubjects, double faithfulness, Double causality, double lmAccuracy,
                        double lreAccuracy, double weightNorm, double biasNorm, List<Subject> subjects,
                        List<Edit> edits, double seconds) {

    /** One held-out subject: the object, the model's and the LRE's top tokens. */
    public record Subject(String subject, String object, String objectToken, String lmTop, double lmProb,
                          String lreTop, double lreProb, boolean faithful) {
    }

    /** One causality edit of {@code subject} toward {@code target}'s object. */
    public record Edit(String subject, String target, String targetObject, String before, String after,
                       double targetProb, boolean success) {
    }
}
