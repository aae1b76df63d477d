package lantern.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Spark standalone cluster on 127.0.0.1: one Master and N Worker processes started from the Maven class path
 * ({@code spark-home/jars}, which is also the {@code $SPARK_HOME/jars} the Workers build their executors' class path
 * from). The REST submission server is off and everything binds to loopback. For tests and the cluster bench;
 * {@link #close()} ends every process it started (Workers' executors included), and so does the end of this JVM,
 * however it ends ({@link ChildMain}).
 */
public final class LoopbackCluster implements AutoCloseable {
    private static final ObjectMapper M = new ObjectMapper();

    private final Path sparkHome;
    private final Path logDir;
    private final int masterPort, masterUiPort;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();
    private final Thread hook;

    /**
     * Starts the Master and {@code workers} Workers of {@code coresEach} cores and {@code memoryEach} (e.g. "2g") and
     * returns once every Worker is registered.
     *
     * @param sparkHome the build's {@code spark/target/spark-home} (jars/, java-options)
     * @param logDir    where each process's output goes ({@code master.log}, {@code worker-0.log}, ...)
     */
    public static LoopbackCluster start(Path sparkHome, Path logDir, int workers, int coresEach, String memoryEach) {
        LoopbackCluster c = new LoopbackCluster(sparkHome, logDir);
        try {
            for (int i = 0; i < workers; i++) c.addWorker(coresEach, memoryEach);
            c.awaitWorkers(workers, Duration.ofSeconds(90));
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    private LoopbackCluster(Path sparkHome, Path logDir) {
        this.sparkHome = sparkHome.toAbsolutePath();
        this.logDir = logDir.toAbsolutePath();
        try {
            Files.createDirectories(this.logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        hook = new Thread(this::close, "loopback-cluster-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        masterPort = freePort();
        masterUiPort = freePort();
        master = spawn("master", "org.apache.spark.deploy.master.Master", "256m",
                List.of("-Dspark.master.rest.enabled=false", "-Dspark.deploy.retainedApplications=4"),
                "--host", "127.0.0.1", "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(masterUiPort));
    }

    /** The URL drivers connect to. */
    public String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** Starts one more Worker; its index is the number of Workers started before. */
    public synchronized int addWorker(int cores, String memory) {
        int i = workers.size();
        Path work = logDir.resolve("work-" + i);
        workers.add(spawn("worker-" + i, "org.apache.spark.deploy.worker.Worker", "256m", List.of(),
                "--host", "127.0.0.1", "--port", Integer.toString(freePort()), "--webui-port", Integer.toString(freePort()),
                "--cores", Integer.toString(cores), "--memory", memory, "--work-dir", work.toString(), masterUrl()));
        return i;
    }

    /** Waits until the Master counts {@code n} alive Workers. */
    public void awaitWorkers(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int alive = -1;
        while (System.nanoTime() < deadline) {
            if (!master.isAlive()) throw new IllegalStateException("the Spark Master exited; see " + logDir.resolve("master.log"));
            alive = aliveWorkers();
            if (alive >= n) return;
            sleep(300);
        }
        throw new IllegalStateException(alive + " of " + n + " Spark Workers registered within " + timeout + "; see " + logDir);
    }

    /** Alive Workers as the Master's status page counts them; -1 while it does not answer. */
    public int aliveWorkers() {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUiPort + "/json/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode j = M.readTree(r.body());
            return j.path("aliveworkers").asInt(-1);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The Worker's executors, alive now (what {@link #killWorker} takes down with it). */
    public List<ProcessHandle> executorsOf(int worker) {
        return workers.get(worker).descendants().filter(ProcessHandle::isAlive).toList();
    }

    /**
     * Tasks that Worker {@code worker}'s executors have started and not finished, from their logs (each executor logs
     * "Running task" and "Finished task" at INFO to {@code work-N/APP/EXECUTOR/stderr}). Lets a test kill a Worker
     * while it runs a task.
     */
    public int runningTasks(int worker) {
        Path work = logDir.resolve("work-" + worker);
        if (!Files.isDirectory(work)) return 0;
        int running = 0;
        try (java.util.stream.Stream<Path> files = Files.walk(work)) {
            for (Path f : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
                for (String line : Files.readAllLines(f, java.nio.charset.StandardCharsets.ISO_8859_1)) {
                    if (line.contains("Executor: Running task")) running++;
                    else if (line.contains("Executor: Finished task")) running--;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return running;
    }

    /**
     * Kills Worker {@code i} and its executors with SIGKILL at once, as when a machine dies. Returns how many
     * processes were killed.
     */
    public synchronized int killWorker(int i) {
        Process w = workers.get(i);
        List<ProcessHandle> all = new ArrayList<>(w.descendants().toList());
        all.addFirst(w.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) h.onExit().join();
        return all.size();
    }

    /** Stops every Worker (with its executors) and the Master; waits until they are gone. Safe to call twice. */
    @Override
    public synchronized void close() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process w : workers) {
            all.addAll(w.descendants().toList());
            all.add(w.toHandle());
        }
        if (master != null) {
            all.addAll(master.descendants().toList());
            all.add(master.toHandle());
        }
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // reported by the caller's leftover check, if any
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: this is the hook
        }
    }

    /** Every process this cluster started and their children, alive now (empty after {@link #close()}). */
    public List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process w : workers) {
            all.add(w.toHandle());
            all.addAll(w.descendants().toList());
        }
        all.add(master.toHandle());
        all.addAll(master.descendants().toList());
        return all.stream().filter(ProcessHandle::isAlive).toList();
    }

    private Process spawn(String name, String mainClass, String heap, List<String> jvm, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(sparkHome.resolve("jars") + "/*:" + SparkContexts.jobJars().getFirst());
        cmd.add("@" + sparkHome.resolve("java-options"));
        cmd.add("-Xmx" + heap);
        cmd.addAll(jvm);
        cmd.add(ChildMain.class.getName());
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logDir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_LOG_DIR", logDir.toString());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        try {
            return pb.start(); // its standard input stays a pipe from us: ChildMain exits when it closes
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
