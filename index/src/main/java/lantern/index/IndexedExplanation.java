package lantern.index;

import java.util.List;
import java.util.Objects;

/**
 * One feature explanation as the index holds it: the feature's coordinates, the explanation text, who wrote it, its
 * scores (null when not measured; {@code causal} is the causal check's selectivity in [−1, 1]), the tokens the feature
 * fires on most, the lower end of the simulation score's 95% interval (null when unknown), and a MiniLM sentence
 * embedding of the text (384 dims; null when none was computed — the document then only takes part in full-text
 * search), and the 95% intervals of the scores ({@link Intervals#NONE} when unknown; the simulation interval's lower
 * bound is {@code simulationLow} when that is not given on its own). {@code promotes} (decoders) are the tokens the feature's output direction promotes through the
 * unembedding, searchable as words ("promotes the token 'the'").
 *
 * <p>The index keeps exactly one document per (featureId, explainer): indexing the same pair again replaces it.
 */
public record IndexedExplanation(String featureId, String model, int layer, String kind, int index, String text,
                                 String explainer, Double simulation, Double detection, Double embeddingScore,
                                 Double causal, List<String> topTokens, float[] embedding, long createdAt,
                                 List<String> promotes, Double simulationLow, Intervals intervals) {

    public IndexedExplanation(String featureId, String model, int layer, String kind, int index, String text,
                              String explainer, Double simulation, Double detection, Double embeddingScore,
                              Double causal, List<String> topTokens, float[] embedding, long createdAt,
                              List<String> promotes, Double simulationLow) {
        this(featureId, model, layer, kind, index, text, explainer, simulation, detection, embeddingScore, causal,
                topTokens, embedding, createdAt, promotes, simulationLow, null);
    }

    /** The same explanation with the tokens the feature promotes (decoders). */
    public IndexedExplanation withPromotes(List<String> tokens) {
        return new IndexedExplanation(featureId, model, layer, kind, index, text, explainer, simulation, detection,
                embeddingScore, causal, topTokens, embedding, createdAt, tokens, simulationLow, intervals);
    }

    /** The same with its scores' 95% intervals (the simulation one's lower bound becomes {@code simulationLow}). */
    public IndexedExplanation withIntervals(Intervals intervals) {
        Intervals.Bounds sim = intervals == null ? null : intervals.simulation();
        return new IndexedExplanation(featureId, model, layer, kind, index, text, explainer, simulation, detection,
                embeddingScore, causal, topTokens, embedding, createdAt, promotes, sim != null ? (Double) sim.lo() : simulationLow, intervals);
    }

    public IndexedExplanation {
        requireWord(model, "model");
        requireWord(kind, "kind");
        requireWord(explainer, "explainer");
        if (layer < 0) throw new IllegalArgumentException("layer must be >= 0: " + layer);
        if (index < 0) throw new IllegalArgumentException("index must be >= 0: " + index);
        String expected = model + "/" + layer + "/" + kind + "/" + index;
        if (!expected.equals(featureId)) {
            throw new IllegalArgumentException("featureId " + featureId + " does not match its parts " + expected);
        }
        if (text == null || text.isBlank()) throw new IllegalArgumentException("explanation text is empty for " + featureId);
        topTokens = topTokens == null ? List.of() : List.copyOf(topTokens);
        promotes = promotes == null ? List.of() : List.copyOf(promotes);
        checkScore(simulation, "simulation");
        checkScore(detection, "detection");
        checkScore(embeddingScore, "embedding");
        checkScore(causal, "causal");
        checkScore(simulationLow, "simulation lower bound");
        if (intervals == null) intervals = Intervals.NONE;
        if (simulationLow == null && intervals.simulation() != null) simulationLow = intervals.simulation().lo();
    }

    public IndexedExplanation(String featureId, String model, int layer, String kind, int index, String text,
                              String explainer, Double simulation, Double detection, Double embeddingScore,
                              Double causal, List<String> topTokens, float[] embedding, long createdAt) {
        this(featureId, model, layer, kind, index, text, explainer, simulation, detection, embeddingScore, causal,
                topTokens, embedding, createdAt, List.of(), null, null);
    }

    /** The same with the lower end of the simulation score's 95% interval (search filters and ranks on it). */
    public IndexedExplanation withSimulationLow(Double low) {
        return new IndexedExplanation(featureId, model, layer, kind, index, text, explainer, simulation, detection,
                embeddingScore, causal, topTokens, embedding, createdAt, promotes, low, intervals);
    }

    /** Builds one without a causal score from a feature id {@code model/layer/kind/index}. */
    public static IndexedExplanation of(String featureId, String text, String explainer, Double simulation,
                                        Double detection, Double embeddingScore, List<String> topTokens,
                                        float[] embedding, long createdAt) {
        return of(featureId, text, explainer, simulation, detection, embeddingScore, null, topTokens, embedding, createdAt);
    }

    /** Builds one from a feature id {@code model/layer/kind/index}. */
    public static IndexedExplanation of(String featureId, String text, String explainer, Double simulation,
                                        Double detection, Double embeddingScore, Double causal, List<String> topTokens,
                                        float[] embedding, long createdAt) {
        String[] p = Objects.requireNonNull(featureId, "featureId").split("/");
        if (p.length != 4) throw new IllegalArgumentException("feature id must look like model/layer/kind/index: " + featureId);
        try {
            return new IndexedExplanation(featureId, p[0], Integer.parseInt(p[1]), p[2], Integer.parseInt(p[3]), text,
                    explainer, simulation, detection, embeddingScore, causal, topTokens, embedding, createdAt);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("layer and index must be integers: " + featureId);
        }
    }

    /** The unique key of the document: one per feature and explainer. */
    public String key() {
        return key(featureId, explainer);
    }

    static String key(String featureId, String explainer) {
        return featureId + "#" + explainer;
    }

    private static void requireWord(String s, String what) {
        if (s == null || s.isBlank() || s.contains("/") || s.contains("#")) {
            throw new IllegalArgumentException("bad " + what + ": " + s);
        }
    }

    private static void checkScore(Double v, String what) {
        if (v != null && (v.isNaN() || v.isInfinite())) throw new IllegalArgumentException(what + " score must be finite");
    }
}
