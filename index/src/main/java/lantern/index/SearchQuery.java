package lantern.index;

import lantern.errors.InvalidInputException;

/**
 * A search: free text (BM25 over explanations and top tokens, fused with a kNN search of its embedding), filters and
 * a page. Blank text browses the filtered set by simulation score, best first. {@code minScore} keeps simulation
 * scores at or above it, {@code minCausal} causal selectivities at or above it, {@code minScoreLow} simulation scores
 * whose 95% lower bound is at or above it (documents without one drop out).
 */
public record SearchQuery(String text, String model, Integer layer, String kind, String explainer, Double minScore,
                          Double minCausal, int offset, int limit, Double minScoreLow) {
    /** The deepest hit a query may page to: fusion works on a window of this many hits per side. */
    public static final int MAX_WINDOW = 1000;
    public static final int MAX_LIMIT = 100;

    public SearchQuery {
        text = text == null ? "" : text.strip();
        if (text.length() > 1000) throw new InvalidInputException("query text is longer than 1000 characters");
        model = blankToNull(model);
        kind = blankToNull(kind);
        explainer = blankToNull(explainer);
        if (layer != null && layer < 0) throw new InvalidInputException("layer must be >= 0: " + layer);
        if (minScore != null && (minScore.isNaN() || minScore < -1 || minScore > 1)) {
            throw new InvalidInputException("minScore must lie in [-1, 1]: " + minScore);
        }
        if (minCausal != null && (minCausal.isNaN() || minCausal < -1 || minCausal > 1)) {
            throw new InvalidInputException("minCausal must lie in [-1, 1]: " + minCausal);
        }
        if (minScoreLow != null && (minScoreLow.isNaN() || minScoreLow < -1 || minScoreLow > 1)) {
            throw new InvalidInputException("minScoreLow must lie in [-1, 1]: " + minScoreLow);
        }
        if (limit < 1 || limit > MAX_LIMIT) throw new InvalidInputException("limit must lie in [1, " + MAX_LIMIT + "]: " + limit);
        if (offset < 0) throw new InvalidInputException("offset must be >= 0: " + offset);
        if (offset + limit > MAX_WINDOW) {
            throw new InvalidInputException("offset + limit must be <= " + MAX_WINDOW + ": " + (offset + limit));
        }
    }

    /** Without a filter on the simulation score's lower bound. */
    public SearchQuery(String text, String model, Integer layer, String kind, String explainer, Double minScore,
                       Double minCausal, int offset, int limit) {
        this(text, model, layer, kind, explainer, minScore, minCausal, offset, limit, null);
    }

    /** The same, keeping only explanations whose simulation score's 95% lower bound is at least {@code min}. */
    public SearchQuery withMinScoreLow(Double min) {
        return new SearchQuery(text, model, layer, kind, explainer, minScore, minCausal, offset, limit, min);
    }

    /** Without a causal filter. */
    public SearchQuery(String text, String model, Integer layer, String kind, String explainer, Double minScore,
                       int offset, int limit) {
        this(text, model, layer, kind, explainer, minScore, null, offset, limit);
    }

    public static SearchQuery text(String text, int limit) {
        return new SearchQuery(text, null, null, null, null, null, null, 0, limit);
    }

    public SearchQuery withPage(int offset, int limit) {
        return new SearchQuery(text, model, layer, kind, explainer, minScore, minCausal, offset, limit, minScoreLow);
    }

    public SearchQuery withLayer(Integer layer) {
        return new SearchQuery(text, model, layer, kind, explainer, minScore, minCausal, offset, limit, minScoreLow);
    }

    public boolean browsing() {
        return text.isEmpty();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
