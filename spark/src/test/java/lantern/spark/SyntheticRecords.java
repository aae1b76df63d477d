package lantern.spark;

import lantern.api.ActivationRecord;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.api.FeatureStats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/** Records of a made-up feature that fires on one word, over seeded random windows of a small vocabulary. */
final class SyntheticRecords {
    private static final List<String> VOCAB = List.of("the", "cat", "sat", "on", "a", "mat", "dogs", "ran", "far", "away",
            "in", "old", "town", "of", "we", "saw", "two", "birds", "and", "it");

    private SyntheticRecords() {
    }

    /** Feature {@code minilm-l6/0/mlp/{index}} firing on {@code word} (one of the vocabulary). */
    static FeatureRecords firingOn(int index, String word, long seed) {
        Random rnd = new Random(seed);
        List<ActivationRecord> top = new ArrayList<>(), random = new ArrayList<>();
        for (int w = 0; w < 120; w++) {
            List<String> tokens = new ArrayList<>();
            float[] acts = new float[16];
            for (int i = 0; i < 16; i++) {
                String t = VOCAB.get(rnd.nextInt(VOCAB.size()));
                tokens.add(t);
                acts[i] = t.equals(word) ? 1f + rnd.nextFloat() : rnd.nextFloat() * 0.05f;
            }
            ActivationRecord r = new ActivationRecord(tokens, acts);
            if (w < 40) random.add(r);
            else if (r.max() > 0.5f) top.add(r);
        }
        top.sort(Comparator.comparingDouble(r -> -r.max()));
        float max = top.isEmpty() ? 0 : top.getFirst().max();
        FeatureStats stats = new FeatureStats(max, 0.1f, 1f, new double[]{0.5, 0.99}, new float[]{0.02f, max}, 120 * 16);
        return new FeatureRecords(new FeatureId("minilm-l6", 0, "mlp", index), stats, top, random, List.of());
    }
}
