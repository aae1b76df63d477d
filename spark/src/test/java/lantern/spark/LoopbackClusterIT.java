package lantern.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The standalone cluster harness: a real Master and two Workers on loopback, a job across both, a Worker killed mid-job. */
class LoopbackClusterIT {
    private static final ObjectMapper M = new ObjectMapper();

    @Test
    void aJobSurvivesAWorkerKilledMidJobAndNothingIsLeftRunning() throws Exception {
        List<ProcessHandle> started;
        try (LoopbackCluster cluster = LoopbackCluster.start(TestPaths.sparkHome(), TestPaths.target("cluster-logs/ping"), 2, 1, "1g")) {
            JavaSparkContext sc = SparkContexts.create(cluster.masterUrl(), "ping-it", TestPaths.target("ping-data"),
                    Map.of("spark.executor.memory", "512m"));
            try {
                DriverContext ctx = new DriverContext(sc, TestPaths.target("ping-data"), Map.of());
                // both executors registered (on a loaded machine the second may come up after a short job has run
                // on the first), then a quick job touches two processes
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (sc.sc().statusTracker().getExecutorInfos().length < 3 && System.nanoTime() < deadline) Thread.sleep(100);
                assertThat(sc.sc().statusTracker().getExecutorInfos()).as("the driver and two executors").hasSize(3);
                JsonNode warm = new PingOp().run(ctx, M.readTree("{\"n\":100,\"partitions\":4,\"sleepMs\":200}"), p -> { });
                assertThat(warm.path("sum").asLong()).isEqualTo(5050);
                Set<Long> pids = new HashSet<>();
                warm.path("partitions").forEach(p -> pids.add(p.path("pid").asLong()));
                assertThat(pids).as("executors that ran the warm-up").hasSize(2);

                // a job of 6 partitions of 1.2 s each on 2 one-core executors; kill Worker 0 while it runs
                CompletableFuture<JsonNode> job = CompletableFuture.supplyAsync(() -> {
                    try {
                        return new PingOp().run(ctx, M.readTree("{\"n\":10000,\"partitions\":6,\"sleepMs\":1200}"), p -> { });
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                long t0 = System.nanoTime();
                Thread.sleep(2500);
                assertThat(job).isNotDone();
                assertThat(cluster.killWorker(0)).as("the worker and its executor").isGreaterThanOrEqualTo(2);
                JsonNode r = job.get(); // Spark reruns the lost tasks on the other worker
                System.err.printf("job with a worker killed: %.1f s%n", (System.nanoTime() - t0) / 1e9);
                assertThat(r.path("sum").asLong()).isEqualTo(10000L * 10001 / 2);
                assertThat(r.path("partitions")).hasSize(6);
            } finally {
                sc.stop();
            }
            started = cluster.processes();
            assertThat(started).as("master, worker 1 and its executor still up").hasSizeGreaterThanOrEqualTo(2);
        }
        for (ProcessHandle h : started) assertThat(h.isAlive()).as("process %d after close", h.pid()).isFalse();
    }
}
