package lantern.service.spark;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.errors.InvalidInputException;
import lantern.core.LanternConfig;
import lantern.core.LlmSettingsFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Which engine runs collections and audits ({@code lantern.engine=local|spark}, or a command's {@code --engine} and
 * {@code --master}), and, for Spark, the one driver process this app talks to (started on first use, restarted
 * when it died, stopped with the app). The local engine needs none of it.
 */
@ApplicationScoped
public class SparkEngine {
    public static final String LOCAL = "local", SPARK = "spark";

    @Inject
    LanternConfig config;

    private volatile String engine, master;
    private SparkDriverProcess driver;

    /** A command's choice, over the configuration's ({@code --engine}, {@code --master}); nulls keep the configured one. */
    public synchronized void use(String engine, String master) {
        if (engine != null) this.engine = check(engine);
        if (master != null && !master.isBlank()) this.master = master.trim();
    }

    /** Whether jobs run on Spark. */
    public boolean enabled() {
        return SPARK.equals(engine());
    }

    public String engine() {
        return engine != null ? engine : check(config.engine());
    }

    /** The master URL; a clear error when Spark is chosen without one. */
    public String master() {
        String m = master != null ? master : config.spark().master().orElse(null);
        if (m == null || m.isBlank()) {
            throw new InvalidInputException("the spark engine needs a master URL: --master spark://HOST:7077 (or local[N]), "
                    + "or lantern.spark.master");
        }
        return m;
    }

    /** Runs one op on the driver (starting it when needed); see {@link SparkDriverProcess#call}. */
    public JsonNode call(String op, JsonNode args, Consumer<JsonNode> progress) {
        return driver().call(op, args, progress);
    }

    /** The driver process, started now when there is none or it died. */
    public synchronized SparkDriverProcess driver() {
        if (driver == null || !driver.isAlive()) {
            if (driver != null) driver.close();
            Map<String, String> settings = new HashMap<>(LlmSettingsFactory.toMap(config.llm()));
            settings.put("lantern.spark.executor-concurrency", Integer.toString(config.spark().executorConcurrency()));
            org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue("lantern.llm.fuzzing-intruder", String.class)
                    .ifPresent(v -> settings.put("lantern.llm.fuzzing-intruder", v));
            Map<String, String> conf = new HashMap<>();
            conf.put("spark.executor.memory", config.spark().executorMemory());
            for (String kv : config.spark().conf().orElse(java.util.List.of())) {
                int eq = kv.indexOf('=');
                if (eq <= 0) throw new InvalidInputException("lantern.spark.conf entries are key=value: " + kv);
                conf.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
            driver = SparkDriverProcess.start(config.spark().home(), master(), config.dataDir(), config.spark().driverHeap(),
                    conf, settings, Duration.ofMinutes(3));
        }
        return driver;
    }

    private static String check(String engine) {
        String e = engine.trim().toLowerCase(Locale.ROOT);
        if (!e.equals(LOCAL) && !e.equals(SPARK)) {
            throw new InvalidInputException("unknown engine '" + engine + "': use local or spark");
        }
        return e;
    }

    @PreDestroy
    synchronized void close() {
        if (driver != null) driver.close();
        driver = null;
    }
}
