package lantern.index;

import java.util.List;

/** Small builders for test documents. */
final class Docs {
    private Docs() {
    }

    static IndexedExplanation doc(String featureId, String text, String explainer, Double simulation, float[] vector) {
        return IndexedExplanation.of(featureId, text, explainer, simulation, null, null, List.of("tok"), vector, 1L);
    }

    /** A unit vector mostly along axis {@code a}, a little along axis {@code b}. */
    static float[] direction(int a, int b, float weightB) {
        float[] v = new float[FeatureIndex.DIMENSION];
        v[a] = 1;
        v[b] += weightB;
        return v;
    }
}
