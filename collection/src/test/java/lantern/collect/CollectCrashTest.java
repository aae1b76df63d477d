package lantern.collect;

import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.corpus.BrownCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a child JVM collecting with the real MiniLM (SIGKILL: no shutdown hooks, no finally blocks) once it has
 * written checkpoints, runs the same collection again, and checks that it resumed and stored exactly the files
 * (every byte of the stream and layer files) an uninterrupted run stores.
 */
class CollectCrashTest {
    /** Brown, MiniLM layers 1 and 4, ~6,000 tokens in batches of 8 (a dozen batches), a checkpoint after each. */
    static CollectionRun run() {
        CollectOptions opt = CollectOptions.defaults().withLayers(1, 4).withBatchSize(8);
        return new CollectionRun(new BrownCorpus(Path.of("lantern-data/corpora/brown")), "crash", opt, 6000, 64)
                .withCheckpoints(CheckpointPolicy.everyBatches(1));
    }

    @TempDir
    Path tmp;

    @Test
    void aKilledCollectionResumesAndStoresWhatAnUninterruptedOneStores() throws Exception {
        Path reference = tmp.resolve("reference");
        Process uninterrupted = child(reference, 0, "reference");
        assertThat(readAll(uninterrupted)).anyMatch(l -> l.startsWith("STORED "));
        assertThat(uninterrupted.exitValue()).isZero();

        Path data = tmp.resolve("crashed");
        Path work = ActivationStore.workDir(data, "minilm-l6", "crash");
        Process first = child(data, 150, "first");
        BufferedReader out = reader(first);
        int batches = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (String line; (line = out.readLine()) != null && System.nanoTime() < deadline; ) {
            if (line.startsWith("BATCH ")) batches++;
            if (batches >= 3 && Files.exists(work.resolve(Checkpoints.FILE))) break;
        }
        first.destroyForcibly();
        first.waitFor();
        assertThat(batches).as("the first run got going").isGreaterThanOrEqualTo(3);
        assertThat(work.resolve(Checkpoints.FILE)).as("a checkpoint survives the kill").isRegularFile();
        assertThat(ActivationStore.dir(data, "minilm-l6", "crash")).as("killed before it finished").doesNotExist();

        Process second = child(data, 0, "second");
        List<String> lines = readAll(second);
        assertThat(second.exitValue()).as("second run: " + lines).isZero();
        assertThat(lines).filteredOn(l -> l.startsWith("NOTE ")).singleElement().asString()
                .startsWith("NOTE resuming from the checkpoint").containsPattern("\\(batch ([2-9]|1[0-9]) of 1[0-9]\\)");
        assertThat(lines).anyMatch(l -> l.startsWith("STORED "));
        assertThat(work).as("work folder deleted with the collection stored").doesNotExist();

        Path expected = ActivationStore.dir(reference, "minilm-l6", "crash");
        Path actual = ActivationStore.dir(data, "minilm-l6", "crash");
        List<String> files = names(expected);
        assertThat(files).contains("stream.bin", "stream.json", "layer-1.bin", "layer-4.bin", "manifest.json");
        assertThat(names(actual)).isEqualTo(files);
        for (String f : files) {
            if (f.equals("manifest.json")) continue;
            assertThat(Files.readAllBytes(actual.resolve(f))).as(f).isEqualTo(Files.readAllBytes(expected.resolve(f)));
        }
        assertThat(manifestWithoutTimes(actual)).isEqualTo(manifestWithoutTimes(expected));
    }

    private static Map<?, ?> manifestWithoutTimes(Path dir) throws Exception {
        Map<?, ?> m = new ObjectMapper().readValue(dir.resolve("manifest.json").toFile(), Map.class);
        for (String k : List.of("created", "seconds", "tokensPerSecond")) assertThat(m.remove(k)).as(k).isNotNull();
        return m;
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Process child(Path data, long delayMs, String name) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx2g", "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=2",
                "-cp", System.getProperty("java.class.path"), CrashCollectMain.class.getName(), data.toString(),
                Long.toString(delayMs)));
        return new ProcessBuilder(cmd).redirectError(new File(tmp.toFile(), name + ".err")).start();
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    private static List<String> readAll(Process p) throws Exception {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = reader(p)) {
            for (String line; (line = r.readLine()) != null; ) lines.add(line);
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
        return lines;
    }
}
