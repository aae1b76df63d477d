package lantern.spark;

import org.apache.spark.api.java.JavaSparkContext;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a {@link DriverOp} works with: the Spark context, the data folder (the driver's; executors get the same path
 * and must be able to read it when an op makes them read from it) and the settings the caller gave the driver at
 * start ({@code lantern.*} keys: the LLM, per-executor limits), which ops ship to executors in their functions.
 */
public record DriverContext(JavaSparkContext spark, Path dataDir, Map<String, String> settings) {
    public DriverContext {
        settings = Map.copyOf(settings);
    }

    /** A setting as an int, or {@code dflt} when absent. */
    public int intSetting(String key, int dflt) {
        String v = settings.get(key);
        return v == null || v.isBlank() ? dflt : Integer.parseInt(v.trim());
    }
}
