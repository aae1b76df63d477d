package lantern.bench;

import lantern.cli.DataOption;
import lantern.index.FeatureIndex;
import lantern.index.IndexOptimizer;
import lantern.index.SearchHit;
import lantern.index.SearchQuery;
import lantern.index.VectorFormat;
import lantern.index.VectorRecall;
import lantern.index.IndexStorage;
import lantern.subject.EncoderModel;
import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code lantern bench search}: indexes N feature explanations (the real ones in the data folder's index, if any, plus
 * variants generated from realistic explanation templates; MiniLM embeddings for a few thousand distinct texts, reused
 * with a little noise), then measures index rate and text / vector / fused search latency.
 */
@CommandLine.Command(name = "search", mixinStandardHelpOptions = true,
        description = "Index rate (docs/s) and search latency p50/p99 for text, vector and fused queries.")
public class BenchSearchCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--docs", defaultValue = "100000", description = "Documents to index (default: ${DEFAULT-VALUE}).")
    int docs;
    @CommandLine.Option(names = "--distinct-texts", defaultValue = "3000", description = "Distinct texts embedded with MiniLM (default: ${DEFAULT-VALUE}).")
    int distinct;
    @CommandLine.Option(names = "--queries", defaultValue = "300", description = "Timed queries per mode (default: ${DEFAULT-VALUE}).")
    int queries;
    @CommandLine.Option(names = "--threads", defaultValue = "0", description = "Indexing threads (default: number of cores).")
    int threads;
    @CommandLine.Option(names = "--batch", defaultValue = "10000", description = "Documents per committed batch (default: ${DEFAULT-VALUE}).")
    int batch;
    @CommandLine.Option(names = "--dir", description = "Where to build the bench index (default: a temporary folder, deleted after).")
    Path dir;
    @CommandLine.Option(names = "--reuse", description = "When --dir already holds an index of --docs documents, search it without indexing again.")
    boolean reuse;
    @CommandLine.Option(names = "--format", defaultValue = "float", converter = FormatConverter.class,
            description = "Vector format: float, int8 or int4 (Lucene's scalar-quantized HNSW; default: ${DEFAULT-VALUE}).")
    VectorFormat format;
    @CommandLine.Option(names = "--ram-buffer-mb", defaultValue = "128", description = "The index writer's RAM buffer (default: ${DEFAULT-VALUE}).")
    int ramBufferMb;
    @CommandLine.Option(names = "--recall-queries", defaultValue = "50",
            description = "Queries whose kNN top 10 is compared with exact (brute-force) search; 0: none (default: ${DEFAULT-VALUE}).")
    int recallQueries;
    @CommandLine.Option(names = "--vectors", defaultValue = "clustered",
            description = "How documents' vectors are made: clustered (the text's embedding plus N(0, 0.01^2) noise: every text's "
                    + "documents a tight cluster of near-ties) or blended (a random blend of the text's embedding, weight 0.5-1, with "
                    + "another text's, plus the same noise: a continuum, as real label sets are) (default: ${DEFAULT-VALUE}).")
    String vectorModel;
    @CommandLine.Option(names = "--force-merge", defaultValue = "0",
            description = "Before searching, force-merge the index to at most this many segments, as after a bulk load; 0: leave it (default: ${DEFAULT-VALUE}).")
    int forceMerge;
    @CommandLine.Option(names = "--oversample", defaultValue = "3",
            description = "Quantized vectors: graph candidates per kept kNN hit, all rescored with the floats (the service's "
                    + "lantern.index.knn-oversample; default: ${DEFAULT-VALUE}).")
    double oversample;
    @CommandLine.Option(names = "--knn-optimistic", arity = "1", defaultValue = "true",
            description = "Lucene's optimistic kNN over several segments (the service's lantern.index.knn-optimistic; "
                    + "false: every segment's graph walked for all candidates; default: ${DEFAULT-VALUE}).")
    boolean knnOptimistic;
    @CommandLine.Option(names = "--recall-layer", description = "Also measure recall@10 within this layer: its exact top 10 "
            + "against the service's search with the layer filter.")
    Integer recallLayer;
    @CommandLine.Option(names = "--recall-oversample", split = ",",
            description = "Quantized vectors: further oversampling factors to measure recall@10 and latency with (e.g. 1,2,4).")
    double[] recallOversample = new double[0];
    @CommandLine.Option(names = "--hnsw-m", defaultValue = "16", description = "Neighbours per node of the vector graph (default: ${DEFAULT-VALUE}).")
    int hnswM;
    @CommandLine.Option(names = "--hnsw-beam", defaultValue = "64", description = "The vector graph's construction beam width (default: ${DEFAULT-VALUE}).")
    int hnswBeam;
    @CommandLine.Option(names = "--sort-into", description = "Before searching, write a copy of the index sorted by layer into this "
            + "folder (lantern index optimize --sort-by-layer; as many segments as the index, or --force-merge's; its graphs built "
            + "with --hnsw-m and --hnsw-beam) and search the copy; "
            + "with --reuse, a copy already there is searched as it is.")
    Path sortInto;
    @CommandLine.Option(names = "--segment-per-layer", description = "With --sort-into: a segment per layer in the copy "
            + "(lantern index optimize --segment-per-layer) instead of as many as the index.")
    boolean segmentPerLayer;
    @CommandLine.Option(names = "--modes", split = ",", description = "Query modes to time, of fused, text, vector, fused-layer, "
            + "text-layer, vector-layer (default: all).")
    List<String> modes = List.of();
    @CommandLine.Option(names = "--slowest", defaultValue = "0",
            description = "Print each mode's N slowest queries with their text and time (what makes the tail; default: ${DEFAULT-VALUE}).")
    int slowest;
    @CommandLine.Mixin
    DataOption dataOption;

    @Override
    public Integer call() throws Exception {
        if (!vectorModel.equals("clustered") && !vectorModel.equals("blended")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--vectors is clustered or blended, not " + vectorModel);
        }
        for (String m : modes) {
            if (!MODES.contains(m)) throw new CommandLine.ParameterException(new CommandLine(this), "--modes takes " + MODES + ", not " + m);
        }
        boolean blended = vectorModel.equals("blended");
        int cores = Runtime.getRuntime().availableProcessors();
        int nThreads = threads > 0 ? threads : cores;
        Path indexDir = dir != null ? dir : Files.createTempDirectory("lantern-bench-search");
        Random rng = new Random(42);

        List<String> real = realTexts();
        Set<String> pool = new LinkedHashSet<>(real);
        while (pool.size() < Math.max(distinct, real.size())) pool.add(SyntheticLabels.generate(rng));
        List<String> texts = new ArrayList<>(pool);
        List<String> queryTexts = SyntheticLabels.queries(rng);

        System.out.printf(Locale.ROOT, "bench search: %,d docs, %,d distinct texts (%,d real), %s vectors, %d indexing threads, %d cores%n",
                docs, texts.size(), real.size(), vectorModel, nThreads, cores);
        int existing = reuse ? existingDocs(indexDir) : 0;
        float[][] vectors = null;
        float[][] queryVectors;
        try (EncoderModel minilm = lantern.subject.bert.MiniLm.load()) {
            if (existing != docs) { // the documents' texts are embedded only to index them
                long t0 = System.nanoTime();
                vectors = embed(minilm, texts);
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "embedded %,d texts with MiniLM in %.1f s (%.0f texts/s)%n", texts.size(), secs, texts.size() / secs);
            }
            queryVectors = embed(minilm, queryTexts);
            long[] one = new long[50];
            for (int i = 0; i < one.length; i++) {
                long s = System.nanoTime();
                minilm.embed(queryTexts.get(i % queryTexts.size()));
                one[i] = System.nanoTime() - s;
            }
            System.out.printf(Locale.ROOT, "query embedding (one text): p50 %.2f ms%n", pct(one, 50));
        }

        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        try {
          if (existing == docs) {
            System.out.printf(Locale.ROOT, "reusing the index in %s (%,d docs); not indexing%n", indexDir, existing);
          } else try (FeatureIndex index = FeatureIndex.open(indexDir, format, ramBufferMb, hnswM, hnswBeam)) {
            if (index.size() > 0) throw new IllegalStateException(indexDir + " already holds " + index.size()
                    + " docs; give an empty --dir (or --reuse with --docs " + index.size() + ")");
            long t0 = System.nanoTime(), cpu0 = os.getProcessCpuTime();
            ExecutorService pool2 = Executors.newFixedThreadPool(nThreads);
            float[][] docVectors = vectors;
            int progressEvery = Math.max(nThreads, docs / 20);
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < nThreads; t++) {
                int thread = t;
                work.add(pool2.submit(() -> {
                    long seq = -1;
                    int inBatch = 0;
                    for (int i = thread; i < docs; i += nThreads) {
                        seq = index.add(SyntheticLabels.document(i, texts, docVectors, blended));
                        if (thread == 0 && i % progressEvery < nThreads) {
                            System.out.printf(Locale.ROOT, "  %,d docs indexed (%.0f s)%n", i, (System.nanoTime() - t0) / 1e9);
                        }
                        if (++inBatch == Math.max(1, batch / nThreads)) {
                            index.commitThrough(seq); // each batch acknowledged durably
                            inBatch = 0;
                        }
                    }
                    if (seq >= 0) index.commitThrough(seq);
                    return null;
                }));
            }
            for (Future<?> f : work) f.get();
            pool2.shutdown();
            double secs = (System.nanoTime() - t0) / 1e9;
            double rate = docs / secs, cpuSecs = (os.getProcessCpuTime() - cpu0) / 1e9;
            System.out.printf(Locale.ROOT, "indexed %,d docs in %.1f s: %,.0f docs/s (goal >= 5,000: %.2fx); %.1f CPU-s used, "
                    + "%,.0f docs per CPU-second; system load average %.1f on %d cores%n", docs, secs, rate, rate / 5000,
                    cpuSecs, docs / cpuSecs, os.getSystemLoadAverage(), cores);
          }
          if (forceMerge > 0) {
            long cpu0 = os.getProcessCpuTime();
            IndexOptimizer.Result m = IndexOptimizer.forceMerge(indexDir, format, hnswM, hnswBeam, forceMerge, 0, System.out::println, 60);
            System.out.printf(Locale.ROOT, "force-merged %d segments into %d in %.1f s (%.1f CPU-s); system load average %.1f%n",
                    m.segmentsBefore(), m.segmentsAfter(), m.seconds(), (os.getProcessCpuTime() - cpu0) / 1e9, os.getSystemLoadAverage());
          }
          Path searched = indexDir;
          if (sortInto != null) {
            if (reuse && existingDocs(sortInto) == docs) {
              System.out.printf(Locale.ROOT, "reusing the sorted copy in %s%n", sortInto);
            } else {
              long cpu0 = os.getProcessCpuTime();
              IndexOptimizer.Result m = IndexOptimizer.sortByLayer(indexDir, sortInto, format, hnswM, hnswBeam,
                      segmentPerLayer ? IndexOptimizer.SEGMENT_PER_LAYER : forceMerge > 0 ? forceMerge : Integer.MAX_VALUE, 0,
                      System.out::println, 60);
              System.out.printf(Locale.ROOT, "sorted %,d docs by layer into %s: %d segments from %d in %.1f s (%.1f CPU-s); system load average %.1f%n",
                      m.documents(), sortInto, m.segmentsAfter(), m.segmentsBefore(), m.seconds(), (os.getProcessCpuTime() - cpu0) / 1e9,
                      os.getSystemLoadAverage());
            }
            searched = sortInto;
          }
          try (FeatureIndex index = FeatureIndex.open(searched, format, ramBufferMb).withQuantizedOversample(oversample)
                  .withOptimisticKnn(knnOptimistic)) {
            if (index.size() != docs) throw new IllegalStateException("index holds " + index.size() + " docs, expected " + docs);

            // a sanity check that the bench measures real searches: the plural-nouns query finds plural explanations
            List<SearchHit> top = index.search(SearchQuery.text("plural nouns", 5), queryVectors[0]).hits();
            System.out.println("top hit for \"plural nouns\": " + (top.isEmpty() ? "none" : top.getFirst().text() + " [" + top.getFirst().match() + "]"));

            measure(index, queryTexts, queryVectors, rng);
            storage(index);
            recall(index, queryVectors);
            oversampleLatency(index, queryTexts, queryVectors, rng);
          }
        } finally {
            if (dir == null) deleteTree(indexDir);
        }
        return 0;
    }

    static final List<String> MODES = List.of("fused", "text", "vector", "fused-layer", "text-layer", "vector-layer");

    /** The query modes, interleaved query by query so that load from other processes hits them alike. */
    private void measure(FeatureIndex index, List<String> qs, float[][] qv, Random rng) {
        List<Integer> run = new ArrayList<>();
        for (int m = 0; m < MODES.size(); m++) if (modes.isEmpty() || modes.contains(MODES.get(m))) run.add(m);
        String[] names = {"fused", "text", "vector", "fused + layer filter", "text + layer filter", "vector + layer filter"};
        FeatureIndex.Side[] sides = {FeatureIndex.Side.BOTH, FeatureIndex.Side.TEXT, FeatureIndex.Side.VECTOR, FeatureIndex.Side.BOTH,
                FeatureIndex.Side.TEXT, FeatureIndex.Side.VECTOR};
        Integer[] layers = {null, null, null, 3, 3, 3};
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200; i++) { // warm up every path (JIT, page cache)
            int k = i % qs.size();
            for (int m : run) index.search(new SearchQuery(qs.get(k), null, layers[m], null, null, null, 0, 20), qv[k], sides[m]);
        }
        long[][] wall = new long[sides.length][queries], cpu = new long[sides.length][queries];
        long[][] faults = new long[sides.length][queries]; // major page faults of the process during each search
        int[] asked = new int[queries];
        long[] hits = new long[sides.length];
        for (int i = 0; i < queries; i++) {
            int k = rng.nextInt(qs.size());
            asked[i] = k;
            for (int m : run) {
                SearchQuery q = new SearchQuery(qs.get(k), null, layers[m], null, null, null, 0, 20);
                long f = ProcessCpu.majorFaults(), c = threads.getCurrentThreadCpuTime(), s = System.nanoTime();
                hits[m] += index.search(q, qv[k], sides[m]).hits().size();
                wall[m][i] = System.nanoTime() - s;
                cpu[m][i] = threads.getCurrentThreadCpuTime() - c;
                faults[m][i] = ProcessCpu.majorFaults() - f;
            }
        }
        for (int m : run) {
            double p99 = pct(wall[m], 99);
            System.out.printf(Locale.ROOT, "%-22s wall p50 %6.2f ms  p99 %6.2f ms | CPU p50 %6.2f ms  p99 %6.2f ms  (%.1f hits/query)%s%n",
                    names[m], pct(wall[m], 50), p99, pct(cpu[m], 50), pct(cpu[m], 99), hits[m] / (double) queries,
                    m == 0 || m == 3 ? String.format(Locale.ROOT, "  goal p99 < 20 ms: %.2fx", 20 / p99) : "");
            if (ProcessCpu.majorFaults() >= 0) PageFaultSplit.print(wall[m], faults[m]);
            long[] w = wall[m], pf = faults[m];
            java.util.stream.IntStream.range(0, queries).boxed().sorted((a, b) -> Long.compare(w[b], w[a])).limit(slowest)
                    .forEach(i -> System.out.printf(Locale.ROOT, "    slow: %7.2f ms  %d major faults  \"%s\"%n", w[i] / 1e6,
                            pf[i], qs.get(asked[i])));
        }
    }

    /** Index size on disk, what Lucene maps off-heap, and the heap in use after a full GC with the index open. */
    private void storage(FeatureIndex index) {
        IndexStorage st = index.storage();
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heap = rt.totalMemory() - rt.freeMemory();
        StringBuilder off = new StringBuilder();
        st.offHeapVectorBytes().forEach((ext, n) -> off.append(String.format(Locale.ROOT, " %s %.2f GB", ext, n / 1e9)));
        System.out.printf(Locale.ROOT, "index: %s, %d segments, vector format %s (%s); size on disk %.2f GB; vector data mapped "
                        + "off-heap:%s%n", st.directory(), st.segments(), format, String.join(", ", st.vectorFormats()),
                st.bytesOnDisk() / 1e9, off);
        System.out.printf(Locale.ROOT, "heap used after GC with the index open: %.0f MB (max heap %.0f MB)%n",
                heap / 1e6, rt.maxMemory() / 1e6);
        lantern.index.PageCacheFit fit = lantern.index.PageCacheFit.ofThisMachine(st.bytesOnDisk());
        System.out.println(fit.warning().map(w -> "warning: " + w).orElse(String.format(Locale.ROOT,
                "page cache: the index fits (%.2f GB of about %.2f GB left beside the heap)", st.bytesOnDisk() / 1e9, fit.cacheBytes() / 1e9)));
    }

    /** Recall@10 of the kNN against exact search, on a sample of the query vectors. */
    private void recall(FeatureIndex index, float[][] queryVectors) {
        recall(index, queryVectors, null);
        if (recallLayer != null) recall(index, queryVectors, recallLayer);
    }

    private void recall(FeatureIndex index, float[][] queryVectors, Integer layer) {
        if (recallQueries <= 0) return;
        float[][] sample = Arrays.copyOf(queryVectors, Math.min(recallQueries, queryVectors.length));
        if (layer != null) System.out.printf(Locale.ROOT, "within layer %d (exact top 10 of its documents; searched with its filter):%n", layer);
        VectorRecall.Result r = VectorRecall.measure(index, sample, 10, 100, oversample,
                index.storage().quantized() ? recallOversample : new double[0], layer);
        System.out.printf(Locale.ROOT, "exact search: %,d vectors x %d queries in %.1f s%n", r.vectors(), r.queries(), r.exactSeconds());
        System.out.printf(Locale.ROOT, "recall@10 (HNSW k=10, %s vectors, no rescoring) = %.3f%n", format, r.raw());
        boolean quantized = index.storage().quantized();
        System.out.printf(Locale.ROOT, "recall@10 = %.3f  (as the service searches: %d hits%s; goal >= 0.95: %.2fx)%n",
                r.service(), r.window(), quantized ? String.format(Locale.ROOT, " of %.0f graph candidates rescored with the float vectors",
                        Math.ceil(r.window() * oversample)) : "", r.service() / 0.95);
        System.out.printf(Locale.ROOT, "recall@10 within %.0e (ann-benchmarks' definition: a hit counts when its exact distance is "
                + "within %.0e of the 10th true neighbour's) = %.3f%n", VectorRecall.EPSILON, VectorRecall.EPSILON, r.serviceWithin());
        r.byOversample().forEach((f, rec) -> System.out.printf(Locale.ROOT,
                "  recall@10 with oversampling %.1f (%.0f candidates rescored) = %.3f, within %.0e = %.3f%n", f, Math.ceil(r.window() * f),
                rec, VectorRecall.EPSILON, r.byOversampleWithin().get(f)));
    }

    /** Latency of the vector and filtered fused searches with each --recall-oversample factor (quantized indexes). */
    private void oversampleLatency(FeatureIndex index, List<String> qs, float[][] qv, Random rng) {
        if (recallOversample.length == 0 || !index.storage().quantized()) return;
        FeatureIndex.Side[] sides = {FeatureIndex.Side.VECTOR, FeatureIndex.Side.BOTH};
        Integer[] layers = {null, 3};
        int n = Math.max(50, queries / 3);
        for (double f : recallOversample) {
            index.withQuantizedOversample(f);
            long[][] wall = new long[2][n];
            for (int i = 0; i < n + 20; i++) {
                int k = rng.nextInt(qs.size());
                for (int m = 0; m < 2; m++) {
                    long t = System.nanoTime();
                    index.search(new SearchQuery(qs.get(k), null, layers[m], null, null, null, 0, 20), qv[k], sides[m]);
                    if (i >= 20) wall[m][i - 20] = System.nanoTime() - t;
                }
            }
            System.out.printf(Locale.ROOT, "oversampling %.1f: vector p50 %.2f / p99 %.2f ms; fused + layer filter p50 %.2f / p99 %.2f ms (%d queries)%n",
                    f, pct(wall[0], 50), pct(wall[0], 99), pct(wall[1], 50), pct(wall[1], 99), n);
        }
        index.withQuantizedOversample(oversample);
    }

    private static int existingDocs(Path dir) {
        if (!Files.isDirectory(dir)) return 0;
        try (FeatureIndex index = FeatureIndex.openReadOnly(dir)) {
            return index.size();
        }
    }

    static final class FormatConverter implements CommandLine.ITypeConverter<VectorFormat> {
        @Override
        public VectorFormat convert(String value) {
            return VectorFormat.parse(value);
        }
    }

    static double pct(long[] ns, int p) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1e6;
    }

    private static float[][] embed(EncoderModel m, List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += 64) {
            List<float[]> part = m.embedAll(texts.subList(from, Math.min(texts.size(), from + 64)));
            for (int j = 0; j < part.size(); j++) out[from + j] = part.get(j);
        }
        return out;
    }

    private List<String> realTexts() {
        Path real = dataOption.path().resolve("index");
        if (!Files.isDirectory(real)) return List.of();
        try (FeatureIndex index = FeatureIndex.openReadOnly(real)) {
            Set<String> labels = new LinkedHashSet<>(); // browsing pages through the best-scored labels (up to MAX_WINDOW)
            for (int off = 0; off + SearchQuery.MAX_LIMIT <= SearchQuery.MAX_WINDOW; off += SearchQuery.MAX_LIMIT) {
                List<SearchHit> page = index.search(new SearchQuery("", null, null, null, null, null, off, SearchQuery.MAX_LIMIT), null).hits();
                page.forEach(h -> labels.add(h.text()));
                if (page.size() < SearchQuery.MAX_LIMIT) break;
            }
            return List.copyOf(labels);
        } catch (RuntimeException e) {
            System.err.println("bench search: cannot read real explanations (" + e.getMessage() + "); using generated ones");
            return List.of();
        }
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> all = Files.walk(p)) {
            all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
