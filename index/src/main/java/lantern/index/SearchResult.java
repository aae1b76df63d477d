package lantern.index;

import java.util.List;
import java.util.SortedMap;

/**
 * A page of hits, how many hits the query has in all (for text queries: every full-text match plus the similar kNN
 * hits; pages reach at most {@link SearchQuery#MAX_WINDOW} deep), and the count of those hits per layer.
 */
public record SearchResult(List<SearchHit> hits, long total, SortedMap<Integer, Long> layerFacets) {
}
