package lantern.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import lantern.eval.causal.OutputSideScorer;

import java.util.List;

/**
 * The output side of a decoder feature's explanation, as stored and served ({@code "output"} beside {@code "scores"}):
 * what amplifying the feature does to the next-token probability of the tokens it promotes, against random units of
 * the same layer ({@link OutputSideScorer}). Null for encoder features.
 *
 * @param score      (gain − randomMax) / (|gain| + |randomMax|) in [−1, 1], positive when no random unit raises the
 *                   promoted tokens as much; null when not scored
 * @param gain       probability the promoted candidates gain together, mean over positions
 * @param randomGain the same, mean over random units amplified to the same residual write norm
 * @param randomMax  the largest random unit's gain
 * @param rank       fraction of random units with a lower gain
 * @param promotes   the tokens the label names ("promotes 'ot'"); empty when the output side is not clear
 * @param candidates the promoted tokens measured (by direct logit effect) with their logit and own gain
 * @param reason     why the label names nothing (or why it was not scored); null when it does
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record OutputSideScore(Double score, Double gain, Double randomGain, Double randomMax, Double rank,
                              Double amplification, List<String> promotes, List<Candidate> candidates, int texts,
                              int positions, int randomUnits, String reason) {

    public record Candidate(String token, double logit, double gain) {
    }

    /** The label clause ("promotes 'ot', 'ion'"), or null when the label names nothing. */
    public String clause() {
        return promotes == null || promotes.isEmpty() ? null : OutputSideScorer.clause(promotes);
    }

    public static OutputSideScore of(OutputSideScorer.Result r) {
        return new OutputSideScore(ExplanationScores.finite(r.score()), ExplanationScores.finite(r.gain()),
                ExplanationScores.finite(r.randomGain()), ExplanationScores.finite(r.randomMax()),
                ExplanationScores.finite(r.rank()), ExplanationScores.finite(r.amplification()), r.named(),
                r.candidates().stream().map(c -> new Candidate(c.token(), c.logit(), c.gain())).toList(),
                r.texts(), r.positions(), r.randomUnits(), r.reason());
    }
}
