package lantern.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Lantern's Spark driver: a JVM of its own (class path: the core jar and Spark, no Quarkus) that the app starts for
 * {@code --engine spark} ({@code lantern.service.spark.SparkDriverProcess}) and talks to over its standard streams,
 * one JSON object a line:
 * <pre>
 *   in:  {"settings":{"lantern.llm.model":"...",...}}           first, once: what ops ship to executors
 *        {"id":7,"op":"explain-feature","args":{...}}
 *   out: {"id":0,"ready":true,"executors":2}                 once the context is up
 *        {"id":7,"progress":{...}}                              any number, as the op reports
 *        {"id":7,"result":{...}}  or  {"id":7,"error":"..."}   exactly one per request
 * </pre>
 * Requests run concurrently. Logs go to standard error. End of input (the app closed the pipe or died) stops the
 * context and the JVM.
 *
 * <p>Usage: {@code java @spark/target/spark-home/driver.args lantern.spark.Driver --master URL --data DIR
 * [--conf spark.key=value]...}
 */
public final class Driver {
    private static final ObjectMapper M = new ObjectMapper();

    private final DriverContext context;
    private final Map<String, DriverOp> ops;
    private final PrintStream out;

    Driver(DriverContext context, Map<String, DriverOp> ops, PrintStream out) {
        this.context = context;
        this.ops = ops;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        // standard output is the protocol: whatever else prints there (a library) goes to standard error
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        String master = null;
        Path data = Path.of(System.getProperty("lantern.data-dir", "./lantern-data"));
        Map<String, String> conf = new HashMap<>(), settings = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--master" -> master = args[++i];
                case "--data" -> data = Path.of(args[++i]);
                case "--conf" -> put(conf, args[++i]);
                default -> {
                    System.err.println("lantern spark driver: unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (master == null) {
            System.err.println("lantern spark driver: --master URL is required (local[N] or spark://host:port)");
            System.exit(2);
        }
        System.setProperty("lantern.data-dir", data.toAbsolutePath().toString());
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String first = stdin.readLine();
        if (first == null) System.exit(0);
        M.readTree(first).path("settings").properties().forEach(e -> settings.put(e.getKey(), e.getValue().asText()));
        JavaSparkContext sc = SparkContexts.create(master, "lantern", data, conf);
        int code = 0;
        try {
            Driver d = new Driver(new DriverContext(sc, data.toAbsolutePath(), settings), loadOps(), protocol);
            d.send(M.createObjectNode().put("id", 0).put("ready", true).put("master", master));
            d.serve(stdin);
        } catch (Throwable t) {
            t.printStackTrace();
            code = 1;
        } finally {
            sc.stop();
        }
        System.exit(code);
    }

    private static void put(Map<String, String> m, String kv) {
        int eq = kv.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("expected key=value, got " + kv);
        m.put(kv.substring(0, eq), kv.substring(eq + 1));
    }

    static Map<String, DriverOp> loadOps() {
        Map<String, DriverOp> ops = new HashMap<>();
        for (DriverOp op : ServiceLoader.load(DriverOp.class)) ops.put(op.name(), op);
        return ops;
    }

    /** Reads requests until end of input; returns once every request started has answered. */
    void serve(BufferedReader in) throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("lantern-op-", 0).factory());
        try {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode req;
                try {
                    req = M.readTree(line);
                } catch (Exception e) {
                    send(M.createObjectNode().put("id", -1).put("error", "unreadable request: " + e.getMessage()));
                    continue;
                }
                pool.execute(() -> handle(req));
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.HOURS);
        }
    }

    void handle(JsonNode req) {
        long id = req.path("id").asLong(-1);
        String name = req.path("op").asText("");
        DriverOp op = ops.get(name);
        try {
            if (op == null) throw new IllegalArgumentException("unknown op '" + name + "'; this driver knows " + ops.keySet());
            JsonNode result = op.run(context, req.path("args"), p -> {
                ObjectNode msg = M.createObjectNode().put("id", id);
                msg.set("progress", p);
                send(msg);
            });
            ObjectNode msg = M.createObjectNode().put("id", id);
            msg.set("result", result);
            send(msg);
        } catch (Throwable t) {
            if (!(t instanceof IllegalArgumentException)) t.printStackTrace();
            send(M.createObjectNode().put("id", id).put("error", t.getClass().getSimpleName() + ": " + t.getMessage()));
        }
    }

    private void send(JsonNode msg) {
        String line;
        try {
            line = M.writeValueAsString(msg);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
