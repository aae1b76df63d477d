package lantern.api.generate;

import lantern.errors.InvalidInputException;

import java.util.Random;

/**
 * How the next token is chosen: temperature 0 is greedy (argmax); otherwise softmax(logits / temperature), cut to
 * the smallest set of tokens whose probability reaches {@code topP} (nucleus), sampled with a seeded generator.
 */
public record Sampling(int maxTokens, float temperature, float topP, long seed) {
    public static final int MAX_TOKENS = 4096;

    public Sampling {
        if (maxTokens < 0 || maxTokens > MAX_TOKENS) {
            throw new InvalidInputException("maxTokens must be 0.." + MAX_TOKENS + ", got " + maxTokens);
        }
        if (!(temperature >= 0) || temperature > 100) {
            throw new InvalidInputException("temperature must be 0..100, got " + temperature);
        }
        if (!(topP > 0) || topP > 1) throw new InvalidInputException("topP must be in (0, 1], got " + topP);
    }

    public static Sampling greedy(int maxTokens) {
        return new Sampling(maxTokens, 0, 1, 0);
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    public long pick(float[] logits, Random random) {
        if (temperature == 0) return argmax(logits);
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp((logits[i] - max) / temperature);
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        int keep = p.length;
        if (topP < 1) {
            java.util.Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
            double cum = 0;
            for (int i = 0; i < order.length; i++) {
                cum += p[order[i]] / sum;
                if (cum >= topP) {
                    keep = i + 1;
                    break;
                }
            }
        }
        double kept = 0;
        for (int i = 0; i < keep; i++) kept += p[order[i]];
        double u = random.nextDouble() * kept;
        for (int i = 0; i < keep; i++) {
            u -= p[order[i]];
            if (u <= 0) return order[i];
        }
        return order[keep - 1];
    }
}
