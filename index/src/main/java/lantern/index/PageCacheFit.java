package lantern.index;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether an index can stay whole in the operating system's page cache beside the JVM's heap. The index is memory
 * mapped, not read into the heap, so a search reads it through the page cache; where the cache cannot hold it, the
 * pages a search needs are read from disk again and again. Measured at 1M documents (docs/speed-at-scale.md,
 * scripts/page-cache-bench.sh): with 94–97 % of the index cached a vector search read at most 0.03 pages from disk and
 * took p50 5.5–7.6 ms, with 86–88 % 549–819 pages and 118–173 ms, with 79 % 953–976 pages and 443–523 ms: not a gentle
 * slope but a cliff, because a search's graph walk reads quantized vectors and graph pages all over the index.
 *
 * @param indexBytes   the index on disk
 * @param memoryBytes  the machine's memory (the container's limit where there is one, as the JVM reports it)
 * @param maxHeapBytes the most the JVM's heap may take
 */
public record PageCacheFit(long indexBytes, long memoryBytes, long maxHeapBytes) {
    /** What the system, the JVM's own native memory and the models' weights keep besides the heap (an estimate). */
    static final long RESERVE_BYTES = 1L << 30;

    public PageCacheFit {
        if (indexBytes < 0 || memoryBytes <= 0 || maxHeapBytes < 0) {
            throw new IllegalArgumentException("sizes must be non-negative (memory positive): index " + indexBytes
                    + ", memory " + memoryBytes + ", heap " + maxHeapBytes);
        }
    }

    /** This JVM's view: its max heap and the machine's (or container's) memory. */
    public static PageCacheFit ofThisMachine(long indexBytes) {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return new PageCacheFit(indexBytes, os.getTotalMemorySize(), Runtime.getRuntime().maxMemory());
    }

    /** The memory left for the page cache once the heap is full: memory − max heap − {@link #RESERVE_BYTES}. */
    public long cacheBytes() {
        return Math.max(0, memoryBytes - maxHeapBytes - RESERVE_BYTES);
    }

    public boolean fits() {
        return indexBytes <= cacheBytes();
    }

    /** A warning for the log and the bench when the index may not fit; empty when it does. */
    public Optional<String> warning() {
        if (fits()) return Optional.empty();
        return Optional.of(String.format(Locale.ROOT, "the index (%.2f GB) may not stay in the page cache: this machine has "
                        + "%.2f GB of memory and the heap may take %.2f GB of it, leaving about %.2f GB; searches that must read "
                        + "the index from disk are 20 to 100 times slower (docs/speed-at-scale.md). Give the machine more memory or the "
                        + "JVM a smaller heap (LANTERN_HEAP).",
                indexBytes / 1e9, memoryBytes / 1e9, maxHeapBytes / 1e9, cacheBytes() / 1e9));
    }
}
