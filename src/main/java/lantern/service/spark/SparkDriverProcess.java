package lantern.service.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import lantern.errors.UnavailableException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The Spark driver as a child process (class path: Lantern's core jar and Spark, never the Quarkus app's) and the
 * line protocol to it ({@code lantern.spark.Driver}): {@link #call} sends one request and returns its result,
 * passing its progress reports on as they come. Calls may overlap. The driver ends when this is closed or when
 * this process ends (its standard input closes).
 */
public final class SparkDriverProcess implements AutoCloseable {
    private static final ObjectMapper M = new ObjectMapper();
    /** What the Spark build must have made, and the command that makes it. */
    public static final String BUILD = "./mvnw -B -f spark/pom.xml package -DskipTests (after ./mvnw -B package -DskipTests)";

    private record Pending(CompletableFuture<JsonNode> result, Consumer<JsonNode> progress) {
    }

    private final Process process;
    private final Writer in;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<JsonNode> ready = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile String exited;

    private SparkDriverProcess(Process process) {
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name("spark-driver-out").start(this::readLoop);
    }

    /**
     * Starts the driver and waits until its Spark context is up.
     *
     * @param sparkHome the Spark build's {@code spark/target/spark-home} (holds driver.args)
     * @param master    {@code spark://host:port} or {@code local[N]}
     * @param heap      the driver's -Xmx, e.g. "2g"
     * @param sparkConf more {@code spark.*} settings for the context
     * @param settings  {@code lantern.*} settings the driver's ops ship to executors (the LLM, limits)
     */
    public static SparkDriverProcess start(Path sparkHome, String master, Path dataDir, String heap,
                                           Map<String, String> sparkConf, Map<String, String> settings, Duration timeout) {
        Path args = sparkHome.resolve("driver.args").toAbsolutePath();
        if (!Files.isRegularFile(args)) {
            throw new UnavailableException("the Spark engine is not built (" + args + " is missing): run " + BUILD);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("@" + args);
        cmd.add("-Xmx" + heap);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Dai.djl.offline=true");
        cmd.add("lantern.spark.Driver");
        cmd.add("--master");
        cmd.add(master);
        cmd.add("--data");
        cmd.add(dataDir.toAbsolutePath().toString());
        sparkConf.forEach((k, v) -> {
            cmd.add("--conf");
            cmd.add(k + "=" + v);
        });
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (localIp(master) != null) pb.environment().putIfAbsent("SPARK_LOCAL_IP", localIp(master));
        pb.environment().put("OPT_OUT_TRACKING", "true");
        SparkDriverProcess d;
        try {
            d = new SparkDriverProcess(pb.start());
            // the settings go first on its input, not on its command line (they may hold the LLM's key)
            ObjectNode first = M.createObjectNode();
            first.set("settings", M.valueToTree(settings));
            synchronized (d.in) {
                d.in.write(M.writeValueAsString(first));
                d.in.write('\n');
                d.in.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Spark driver", e);
        }
        try {
            d.ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return d;
        } catch (TimeoutException e) {
            d.close();
            throw new UnavailableException("the Spark driver did not connect to " + master + " within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            d.close();
            throw new UnavailableException(e.getCause().getMessage());
        } catch (InterruptedException e) {
            d.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Loopback for a cluster on this machine or local[N]; otherwise the driver picks its address (SPARK_LOCAL_IP unset). */
    private static String localIp(String master) {
        return master.startsWith("local") || master.contains("//127.0.0.1") || master.contains("//localhost") ? "127.0.0.1" : null;
    }

    /**
     * Runs one op on the driver and returns its result.
     *
     * @throws SparkOpException the op failed (its message is the driver's)
     */
    public JsonNode call(String op, JsonNode args, Consumer<JsonNode> progress) {
        long id = ids.incrementAndGet();
        Pending p = new Pending(new CompletableFuture<>(), progress == null ? x -> { } : progress);
        pending.put(id, p);
        String gone = exited;
        if (gone != null) {
            pending.remove(id);
            throw new SparkOpException(gone);
        }
        ObjectNode req = M.createObjectNode().put("id", id).put("op", op);
        req.set("args", args);
        try {
            synchronized (in) {
                in.write(M.writeValueAsString(req));
                in.write('\n');
                in.flush();
            }
        } catch (IOException e) {
            pending.remove(id);
            throw new SparkOpException("the Spark driver is gone: " + e.getMessage());
        }
        try {
            return p.result().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new SparkOpException(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Spark driver", e);
        } finally {
            pending.remove(id);
        }
    }

    public boolean isAlive() {
        return exited == null && process.isAlive();
    }

    private void readLoop() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode msg;
                try {
                    msg = M.readTree(line);
                } catch (IOException e) {
                    System.err.println(line); // not ours: pass it on
                    continue;
                }
                long id = msg.path("id").asLong(-1);
                if (id == 0 && msg.has("ready")) {
                    ready.complete(msg);
                    continue;
                }
                Pending p = pending.get(id);
                if (p == null) continue;
                if (msg.has("progress")) {
                    try {
                        p.progress().accept(msg.get("progress"));
                    } catch (RuntimeException e) {
                        // a listener's fault must not stop the stream
                    }
                } else if (msg.has("result")) {
                    p.result().complete(msg.get("result"));
                } else if (msg.has("error")) {
                    p.result().completeExceptionally(new SparkOpException(msg.get("error").asText()));
                }
            }
        } catch (IOException e) {
            // the process went away: handled below
        }
        int code;
        try {
            code = process.waitFor();
        } catch (InterruptedException e) {
            code = -1;
        }
        exited = "the Spark driver exited (code " + code + "; its log is on standard error)";
        ready.completeExceptionally(new UnavailableException(exited));
        pending.values().forEach(p -> p.result().completeExceptionally(new SparkOpException(exited)));
    }

    /** Closes the driver's input (it stops its context and exits); kills it when it has not after 30 s. */
    @Override
    public void close() {
        try {
            synchronized (in) {
                in.close();
            }
        } catch (IOException e) {
            // already closed
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A driver op that failed, with the driver's message. */
    public static final class SparkOpException extends RuntimeException {
        public SparkOpException(String message) {
            super(message);
        }
    }
}
