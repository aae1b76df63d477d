package lantern.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.train.TrainConfig;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a child JVM training a tiny decoder (SIGKILL: no shutdown hooks, no finally blocks) once a checkpoint is on
 * disk and the run is past it, trains again in a new child, and checks that it resumed and wrote the very bytes of
 * {@code model.safetensors} (and the same losses, step count and held-out scores) an uninterrupted run writes. The
 * uninterrupted child runs with a tiny young generation, as {@link VerbalizerTrainingCrashTest}'s does, so a gradient
 * that depends on when the collector runs parts it from the others.
 */
class DecoderTrainingCrashTest {
    /** DecoderTrainingRunTest's tiny model: 10 steps of 4 x 16 tokens, a checkpoint every 3 steps and at the end. */
    static final DecoderTrainingRun.Options OPTIONS = new DecoderTrainingRun.Options("tiny",
            new TrainConfig(1, 32, 2, 64, 16, 400, 4, 1e-2, 2, 0.1, 1.0, 0.9, 0.95, false, 3),
            0, 10 * 4 * 16, 0, 3, false, 5, 21);

    @TempDir
    Path tmp;

    @Test
    void aKilledTrainingResumesFromItsCheckpointToTheSameWeightsBitForBit() throws Exception {
        Path reference = data("reference");
        List<String> ref = readAll(child(reference, 0, "reference"), "reference");
        assertThat(ref).anyMatch(l -> l.startsWith("TRAINED ")).noneMatch(l -> l.startsWith("NOTE resuming"));

        Path data = data("crashed");
        DecoderTrainingRun run = new DecoderTrainingRun(data);
        Path ckpt = run.workDir("tiny").resolve("checkpoint.bin");
        Process first = child(data, 300, "first");
        long lastStep = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300); // generous: a loaded machine starts the child slowly
        try (BufferedReader out = reader(first)) {
            for (String line; (line = out.readLine()) != null && System.nanoTime() < deadline; ) {
                if (line.startsWith("STEP ")) lastStep = Long.parseLong(line.split(" ")[1]);
                // past the checkpoint at step 3: the kill loses step 4's (or later) work
                if (lastStep >= 4 && Files.exists(ckpt)) break;
            }
            first.destroyForcibly(); // SIGKILL on Linux
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(first.exitValue()).as("killed, not exited").isEqualTo(137);
        assertThat(lastStep).as("the first run got past its first checkpoint").isBetween(4L, 9L);
        assertThat(ckpt).as("a checkpoint survives the kill").isRegularFile();
        assertThat(run.trained("tiny")).as("killed before it finished").isFalse();
        assertThat(run.modelDir("tiny")).doesNotExist();

        List<String> lines = readAll(child(data, 0, "second"), "second");
        assertThat(lines).filteredOn(l -> l.startsWith("NOTE resuming") || l.startsWith("NOTE starting fresh"))
                .singleElement().asString().matches("NOTE resuming from the checkpoint at step [369] of 10");
        assertThat(lines).filteredOn(l -> l.startsWith("STEP ")).first().asString().matches("STEP (4|7|10) 10");
        assertThat(run.workDir("tiny")).as("work folder deleted once the model is stored").doesNotExist();

        Path expected = new DecoderTrainingRun(reference).modelDir("tiny");
        Path actual = run.modelDir("tiny");
        for (String f : List.of("model.safetensors", "config.json", "tokenizer.json")) {
            assertThat(Files.readAllBytes(actual.resolve(f))).as(f).isEqualTo(Files.readAllBytes(expected.resolve(f)));
        }
        JsonNode a = new ObjectMapper().readTree(actual.resolve("training.json").toFile());
        JsonNode e = new ObjectMapper().readTree(expected.resolve("training.json").toFile());
        assertThat(a.path("losses")).hasSize(10);
        // everything but the measured speed: losses, steps, data hash, held-out scores, greedy samples
        for (String k : List.of("hyperparameters", "seed", "threads", "parameters", "steps", "trainTokensSeen", "data",
                "heldOut", "samples", "losses")) {
            assertThat(a.path(k)).as(k).isNotNull().isEqualTo(e.path(k));
        }
        assertThat(a.path("threads").asInt()).isEqualTo(1);
    }

    private Path data(String name) throws Exception {
        Path d = tmp.resolve(name);
        Files.createDirectories(d.resolve("corpora"));
        Files.createSymbolicLink(d.resolve("corpora").resolve("brown"),
                Path.of("lantern-data/corpora/brown").toAbsolutePath());
        return d;
    }

    private Process child(Path data, long delayMs, String name) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"));
        // collections inside most steps of the reference only: gradients must not depend on when they run (issue 22)
        if (name.equals("reference")) cmd.addAll(List.of(VerbalizerTrainingCrashTest.REFERENCE_GC.split(" ")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashTrainMain.class.getName(),
                data.toString(), Long.toString(delayMs)));
        return new ProcessBuilder(cmd).redirectError(new File(tmp.toFile(), name + ".err")).start();
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    private List<String> readAll(Process p, String name) throws Exception {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = reader(p)) {
            for (String line; (line = r.readLine()) != null; ) lines.add(line);
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
        assertThat(p.exitValue()).as(name + " run: " + lines + "\n" + Files.readString(tmp.resolve(name + ".err")))
                .isZero();
        return lines;
    }
}
