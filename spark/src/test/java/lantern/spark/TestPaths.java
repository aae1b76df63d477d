package lantern.spark;

import java.nio.file.Path;

/** Where the build put things (surefire passes them as system properties). */
final class TestPaths {
    private TestPaths() {
    }

    static Path sparkHome() {
        return Path.of(System.getProperty("lantern.spark.home", "target/spark-home")).toAbsolutePath();
    }

    /** The repository root (the root build's folder). */
    static Path repo() {
        return LanternApp.repo();
    }

    static Path target(String name) {
        return Path.of("target", name).toAbsolutePath();
    }
}
