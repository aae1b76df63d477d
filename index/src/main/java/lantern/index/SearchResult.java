package lantern.index;

import java.util.List;
import java.util.SortedMap;

/**
 * A page of hits, how many hits the query has in all (for text queries: the fused window, at most
 * {@link SearchQuery#MAX_WINDOW}), and the count of those hits per layer.
 */
public record SearchResult(List<SearchHit> hits, long total, SortedMap<Integer, Long> layerFacets) {
}
