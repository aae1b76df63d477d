package lantern.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.FlatMapFunction;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.LongStream;

/**
 * A health check of the engine: sums 1..n over {@code partitions} partitions on the executors and says which
 * executor (id and process) ran each partition; each partition takes at least {@code sleepMs} (to test faults
 * mid-job). {@code args: {"n":1000, "partitions":4, "sleepMs":0}}. Answers
 * {@code {"sum":..., "partitions":[{"executor":"0","pid":123},...]}}.
 */
public final class PingOp implements DriverOp {
    private static final ObjectMapper M = new ObjectMapper();

    @Override
    public String name() {
        return "ping";
    }

    @Override
    public JsonNode run(DriverContext context, JsonNode args, Consumer<JsonNode> progress) {
        long n = args.path("n").asLong(1000);
        int partitions = args.path("partitions").asInt(2);
        List<Long> values = LongStream.rangeClosed(1, n).boxed().toList();
        long sleepMs = args.path("sleepMs").asLong(0);
        List<String> parts = context.spark().parallelize(values, partitions).mapPartitions(new Part(sleepMs)).collect();
        long sum = 0;
        ArrayNode where = M.createArrayNode();
        for (String p : parts) {
            String[] f = p.split(" ");
            sum += Long.parseLong(f[0]);
            where.addObject().put("executor", f[1]).put("pid", Long.parseLong(f[2]));
        }
        ObjectNode out = M.createObjectNode().put("sum", sum);
        out.set("partitions", where);
        return out;
    }

    /** One partition's sum, with the executor and process that computed it. */
    static final class Part implements FlatMapFunction<Iterator<Long>, String> {
        private final long sleepMs;

        Part(long sleepMs) {
            this.sleepMs = sleepMs;
        }

        @Override
        public Iterator<String> call(Iterator<Long> it) throws InterruptedException {
            Thread.sleep(sleepMs);
            long s = 0;
            while (it.hasNext()) s += it.next();
            List<String> out = new ArrayList<>();
            out.add(s + " " + SparkEnv.get().executorId() + " " + ProcessHandle.current().pid());
            return out.iterator();
        }
    }
}
