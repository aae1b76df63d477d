package lantern.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the Spark contexts Lantern runs on: {@code local[N]} or a cluster master URL. On a cluster the executors
 * load Lantern's classes from the job jars given to {@code setJars} ({@link #jobJars()}: lantern-spark.jar and the
 * core jar); every other jar they need is in their Worker's {@code $SPARK_HOME/jars}.
 *
 * <p>Serialization: Spark's Java serializer (the default) is kept: functions are small {@code Serializable}
 * classes, and data travels as {@code byte[]} / {@code String} (JSON or a binary state), so Kryo (which needs more
 * module flags and a registered serializer per record class) is never involved.
 */
public final class SparkContexts {
    private SparkContexts() {
    }

    /**
     * @param master   {@code local[N]} or {@code spark://host:port}
     * @param dataDir  Lantern's data folder (executors get it as {@code -Dlantern.data-dir})
     * @param extra    more Spark settings ({@code spark.*}), e.g. {@code spark.executor.memory}; may be empty
     */
    public static JavaSparkContext create(String master, String appName, Path dataDir, Map<String, String> extra) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName(appName)
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false")
                .set("spark.executor.memory", "1g")
                // the same JVM flags as the app's (Lucene's vector module, DJL offline, natives)
                .set("spark.executor.extraJavaOptions", "--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector"
                        + " -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 \"-Dlantern.data-dir=" + dataDir.toAbsolutePath() + "\"")
                .set("spark.executorEnv.OPT_OUT_TRACKING", "true");
        String local = System.getenv("SPARK_LOCAL_IP");
        if (local != null && !local.isBlank()) conf.set("spark.driver.host", local).set("spark.driver.bindAddress", local);
        if (!master.startsWith("local")) {
            conf.setJars(jobJars().stream().map(Path::toString).toArray(String[]::new));
        }
        extra.forEach(conf::set);
        return new JavaSparkContext(conf);
    }

    /**
     * The jars executors load Lantern from: the job jar (this class's) and the core jar (the root build's thin jar,
     * where {@code lantern.api.FeatureRecords} comes from). Both must be jars: a test run from
     * {@code target/classes} gets them from the {@code lantern.spark.jar} / {@code lantern.core.jar} properties.
     */
    public static List<Path> jobJars() {
        List<Path> out = new ArrayList<>();
        out.add(jarOf(SparkContexts.class, "lantern.spark.jar"));
        out.add(jarOf(lantern.api.FeatureRecords.class, "lantern.core.jar"));
        return out;
    }

    private static Path jarOf(Class<?> c, String property) {
        String p = System.getProperty(property);
        if (p != null && !p.isBlank() && Files.isRegularFile(Path.of(p))) return Path.of(p).toAbsolutePath();
        try {
            Path loc = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(loc)) return loc;
            throw new IllegalStateException(c.getName() + " is loaded from " + loc + ", not a jar; executors need the jar "
                    + "(build it with ./mvnw -B -f spark/pom.xml package -DskipTests, or set -D" + property + ")");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
