package lantern.spark;

import org.apache.spark.launcher.JavaModuleOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes, at build time, the two files that start a JVM with Spark on it (run by the build's {@code launch-files}
 * step; args: the spark-home folder, the core jar, the job jar):
 * <ul>
 *   <li>{@code java-options}: Spark's module flags ({@link JavaModuleOptions#defaultModuleOptions()}), one per line,
 *   a java {@code @argfile}. Executors get them from Spark; the driver (and a test JVM) needs them given.</li>
 *   <li>{@code driver.args}: the driver's class path (the job jar, the core jar, every jar of {@code jars/}) and the
 *   same flags, a java {@code @argfile}: {@code java @driver.args lantern.spark.Driver ...}.</li>
 * </ul>
 */
public final class LaunchFiles {
    private LaunchFiles() {
    }

    /** Spark's module flags for a driver JVM. */
    public static List<String> moduleOptions() {
        return Arrays.stream(JavaModuleOptions.defaultModuleOptions().split("\\s+")).filter(s -> !s.isBlank()).toList();
    }

    public static void main(String[] args) throws IOException {
        Path home = Path.of(args[0]).toAbsolutePath().normalize();
        Path core = Path.of(args[1]).toAbsolutePath().normalize();
        Path job = Path.of(args[2]).toAbsolutePath().normalize();
        Files.createDirectories(home);
        List<String> flags = moduleOptions();
        write(home.resolve("java-options"), String.join("\n", flags) + "\n");
        List<String> driver = new ArrayList<>();
        driver.add("-cp");
        driver.add(quote(job + ":" + core + ":" + home.resolve("jars") + "/*"));
        driver.addAll(flags);
        write(home.resolve("driver.args"), String.join("\n", driver) + "\n");
    }

    private static String quote(String s) {
        return s.contains(" ") ? "\"" + s.replace("\\", "\\\\") + "\"" : s;
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
