package lantern.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged Lantern app ({@code target/quarkus-app} of the repository) run as a user runs it: one CLI command in
 * its own JVM, from the repository root. For the cluster tests and the cluster bench.
 */
public final class LanternApp {
    private LanternApp() {
    }

    /** The repository root: {@code -Dlantern.repo}, else the parent of the working folder when that is spark/. */
    public static Path repo() {
        String p = System.getProperty("lantern.repo");
        if (p != null) return Path.of(p).toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath();
        return Files.isRegularFile(here.resolve("mvnw")) && Files.isDirectory(here.resolve("spark")) ? here : here.getParent();
    }

    public static Path appJar() {
        Path jar = repo().resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the app first (./mvnw -B package -DskipTests)");
        }
        return jar;
    }

    /** Starts {@code lantern <args>} over {@code dataDir}; output goes to {@code log}. */
    public static Process start(Path dataDir, Path log, List<String> props, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dlantern.data-dir=" + dataDir,
                "-Dquarkus.http.host-enabled=false", "-Dquarkus.log.level=WARN"));
        cmd.addAll(props);
        cmd.add("-jar");
        cmd.add(appJar().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        return pb.start();
    }

    /** Waits for the run; its output when it failed or ran too long. */
    public static void await(Process p, Path log, long minutes) throws Exception {
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("lantern did not finish within " + minutes + " min:\n" + tail(log));
        }
        if (p.exitValue() != 0) throw new AssertionError("lantern exited with " + p.exitValue() + ":\n" + tail(log));
    }

    public static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
