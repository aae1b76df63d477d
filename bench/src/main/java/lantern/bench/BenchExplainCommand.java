package lantern.bench;

import lantern.cli.DataOption;
import lantern.api.ActivationRecord;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.api.FeatureStats;
import lantern.corpus.BrownCorpus;
import lantern.corpus.Sentence;
import lantern.explainer.explain.RecordSplitter;
import lantern.llm.LlmSettings;
import lantern.core.ExplanationResult;
import lantern.core.ExplanationService;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code lantern bench explain}: N neurons through the full LLM path (explain, llm-json simulation of every
 * scoring window, detection) against a local OpenAI-compatible stub that answers after a fixed delay. Prints
 * neurons/minute against the ideal a perfectly packed pipe would reach: concurrency / delay / calls per neuron.
 */
@CommandLine.Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Benchmarks explain+score throughput against a local stub LLM with a fixed delay.")
public class BenchExplainCommand implements Callable<Integer> {
    private static final List<String> FAMILIES = List.of("NNS", "NN", "VBD", "JJ", "IN", "AT", "NP", "RB", "VB", "CC", "CD", "VBN");

    @CommandLine.Option(names = "--neurons", defaultValue = "32", description = "Neurons to explain (default: ${DEFAULT-VALUE}).")
    int neurons;

    @CommandLine.Option(names = "--delay-ms", defaultValue = "300", description = "Stub answer delay (default: ${DEFAULT-VALUE}).")
    long delayMs;

    @CommandLine.Option(names = "--concurrency", defaultValue = "16", description = "lantern.llm.max-concurrent (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @CommandLine.Mixin
    DataOption dataOption;

    @Override
    public Integer call() throws Exception {
        if (neurons < 1 || delayMs < 0 || concurrency < 1) throw new IllegalArgumentException("--neurons and --concurrency must be >= 1, --delay-ms >= 0");
        List<List<String[]>> windows = brownWindows(dataOption.path().resolve("corpora/brown"), 16);
        List<FeatureRecords> features = new ArrayList<>();
        for (int n = 0; n < neurons; n++) features.add(feature(n, windows));

        Path tmp = Files.createTempDirectory("lantern-bench-explain");
        try (OpenAiStubServer stub = new OpenAiStubServer(delayMs)) {
            LlmSettings settings = LlmSettings.openAi(stub.baseUrl(), "none", "stub")
                    .withMaxConcurrentCalls(concurrency).withMaxRetries(0).withTimeout(Duration.ofSeconds(30));
            var service = new ExplanationService(tmp, Optional.of(settings), null, "none", RecordSplitter.defaults(), Clock.systemUTC());
            System.out.printf("bench explain: %d neurons, stub delay %d ms, concurrency %d (explain + llm-json + llm detection)%n",
                    neurons, delayMs, concurrency);
            long t0 = System.nanoTime();
            List<ExplanationResult> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<ExplanationResult>> fs = new ArrayList<>();
                for (FeatureRecords f : features) fs.add(pool.submit(() -> service.explain(f, "llm", "llm-json")));
                for (Future<ExplanationResult> f : fs) results.add(f.get());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long calls = stub.requests();
            double callsPerNeuron = (double) calls / neurons;
            double perMinute = neurons / seconds * 60;
            double ideal = delayMs == 0 ? Double.NaN : concurrency * (60_000.0 / delayMs) / callsPerNeuron;
            long failed = results.stream().mapToLong(r -> r.usage().failedCalls()).sum();
            System.out.printf("  %d LLM calls (%.1f per neuron), %d failed, max in flight at the stub: %d%n", calls, callsPerNeuron, failed, stub.maxInFlight());
            System.out.printf("  wall %.2f s: %.1f neurons/min, %.1f calls/s%n", seconds, perMinute, calls / seconds);
            System.out.printf("  ideal (concurrency / delay / calls per neuron): %.1f neurons/min, ratio %.2f%n", ideal, perMinute / ideal);
        } finally {
            try (var s = Files.walk(tmp)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    /** Feature n fires on one Brown tag family (strength by word length); top windows from the first half, random from the second. */
    static FeatureRecords feature(int n, List<List<String[]>> windows) {
        String family = FAMILIES.get(n % FAMILIES.size());
        int half = windows.size() / 2;
        List<ActivationRecord> all = new ArrayList<>();
        for (int i = 0; i < half; i++) all.add(record(windows.get((i + n * 7) % half), family));
        List<ActivationRecord> top = all.stream().filter(r -> r.max() > 0).sorted(Comparator.comparingDouble(r -> -r.max())).limit(40).toList();
        List<ActivationRecord> random = new ArrayList<>();
        for (int i = 0; i < 20; i++) random.add(record(windows.get(half + (n * 20 + i) % (windows.size() - half)), family));
        float max = top.isEmpty() ? 0 : top.get(0).max();
        return new FeatureRecords(FeatureId.mlp("bench", 0, n), new FeatureStats(max, 0, 0, new double[0], new float[0], 0), top, random, List.of());
    }

    private static ActivationRecord record(List<String[]> words, String family) {
        List<String> tokens = new ArrayList<>(), tags = new ArrayList<>();
        float[] acts = new float[words.size()];
        boolean[] starts = new boolean[words.size()];
        Arrays.fill(starts, true);
        for (int i = 0; i < words.size(); i++) {
            tokens.add(words.get(i)[0]);
            tags.add(words.get(i)[1]);
            acts[i] = family.equals(words.get(i)[1]) ? 1 + words.get(i)[0].length() % 4 : 0;
        }
        return new ActivationRecord(tokens, acts, tags, starts);
    }

    /** Consecutive windows of words (lower-cased word, tag family) from the first Brown files. */
    static List<List<String[]>> brownWindows(Path brown, int size) {
        if (!Files.isDirectory(brown)) {
            throw new IllegalArgumentException("Brown corpus not found at " + brown + ": run scripts/fetch-brown.sh " + brown.getParent());
        }
        List<String[]> words = new ArrayList<>();
        for (String file : List.of("ca01", "ca02", "ca03", "ca04", "cb01", "cb02", "cc01", "cd01")) {
            Path p = brown.resolve(file);
            if (!Files.isRegularFile(p)) continue;
            for (Sentence s : BrownCorpus.read(p).sentences()) {
                for (int i = 0; i < s.size(); i++) words.add(new String[]{s.words().get(i).toLowerCase(), s.families().get(i)});
            }
        }
        List<List<String[]>> out = new ArrayList<>();
        for (int i = 0; i + size <= words.size(); i += size) out.add(words.subList(i, i + size));
        if (out.size() < 100) throw new IllegalArgumentException("too little Brown text under " + brown);
        return out;
    }
}
