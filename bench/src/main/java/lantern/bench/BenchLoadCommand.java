package lantern.bench;

import picocli.CommandLine;

import java.util.concurrent.Callable;

/** {@code lantern bench load}: concurrent clients mixing search, feature pages, activations and explain. */
@CommandLine.Command(name = "load", mixinStandardHelpOptions = true,
        description = "Load a running service (./lantern serve, after quickstart) with concurrent clients mixing search, "
                + "feature pages, activations and explain; prints throughput and p50/p99 per call; fails on any error.")
public class BenchLoadCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--url", defaultValue = "http://127.0.0.1:8080")
    String url;
    @CommandLine.Option(names = "--clients", defaultValue = "16")
    int clients;
    @CommandLine.Option(names = "--seconds", defaultValue = "60")
    int seconds;

    @Override
    public Integer call() throws Exception {
        LoadRun.Result r = LoadRun.run(url, System.getenv("LANTERN_API_KEY"), clients, seconds);
        System.out.print(r.table());
        return r.errors() == 0 ? 0 : 1;
    }
}
