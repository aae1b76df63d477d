package lantern.subject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers the embeddings of recent texts. Audits embed the same shared random windows for every feature, and
 * search embeds the same queries again and again: both become lookups.
 */
public final class CachingEmbedder implements SentenceEmbedder {
    private final SentenceEmbedder inner;
    private final Map<String, float[]> cache;

    public CachingEmbedder(SentenceEmbedder inner, int capacity) {
        this.inner = inner;
        this.cache = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public int dimension() {
        return inner.dimension();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        float[][] out = new float[texts.size()][];
        List<String> missing = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        synchronized (cache) {
            for (int i = 0; i < texts.size(); i++) {
                float[] hit = cache.get(texts.get(i));
                if (hit != null) {
                    out[i] = hit;
                } else {
                    missing.add(texts.get(i));
                    where.add(i);
                }
            }
        }
        if (!missing.isEmpty()) {
            List<float[]> fresh = inner.embedAll(missing);
            synchronized (cache) {
                for (int k = 0; k < fresh.size(); k++) {
                    out[where.get(k)] = fresh.get(k);
                    cache.put(missing.get(k), fresh.get(k));
                }
            }
        }
        List<float[]> result = new ArrayList<>(out.length);
        for (float[] v : out) result.add(v.clone());
        return result;
    }
}
