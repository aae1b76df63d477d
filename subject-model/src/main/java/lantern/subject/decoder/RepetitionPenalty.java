package lantern.subject.decoder;

import lantern.errors.InvalidInputException;

/**
 * CTRL's repetition penalty (Keskar et al. 2019) as Hugging Face transformers' {@code
 * RepetitionPenaltyLogitsProcessor} applies it: every token already in the sequence (prompt included) has its score
 * divided by the penalty when positive and multiplied by it when negative. 1 changes nothing.
 */
public final class RepetitionPenalty {
    public static final float MAX = 10;

    private RepetitionPenalty() {
    }

    public static float require(float penalty) {
        if (!(penalty > 0) || penalty > MAX) {
            throw new InvalidInputException("repetitionPenalty must be in (0, " + MAX + "], got " + penalty);
        }
        return penalty;
    }

    /** A penalized copy of {@code scores}; {@code seen[0..n)} are the ids so far. */
    public static float[] apply(float[] scores, long[] seen, int n, float penalty) {
        if (penalty == 1f) return scores;
        float[] out = scores.clone();
        boolean[] done = new boolean[scores.length];
        for (int i = 0; i < n; i++) {
            int id = (int) seen[i];
            if (id < 0 || id >= out.length || done[id]) continue;
            done[id] = true;
            float s = scores[id];
            out[id] = s < 0 ? s * penalty : s / penalty;
        }
        return out;
    }
}
