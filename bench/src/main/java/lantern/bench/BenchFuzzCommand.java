package lantern.bench;

import picocli.CommandLine;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code lantern bench fuzz}: the OpenAPI fuzzer of the test suite, longer, against a running service. */
@CommandLine.Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = "Fuzz every endpoint of a running service (./lantern serve) from its own OpenAPI document; "
                + "fails on any response >= 500 or hang.")
public class BenchFuzzCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "the service (default ${DEFAULT-VALUE})")
    String url;
    @CommandLine.Option(names = "--requests", defaultValue = "20000")
    int requests;
    @CommandLine.Option(names = "--seed", defaultValue = "1")
    long seed;
    @CommandLine.Option(names = "--timeout-seconds", defaultValue = "60", description = "no answer within this is a hang")
    int timeout;

    @Override
    public Integer call() throws Exception {
        String key = System.getenv("LANTERN_API_KEY");
        OpenApiFuzzer fuzzer = OpenApiFuzzer.of(FuzzRun.fetchOpenApi(url, key), seed);
        System.out.println("fuzzing " + fuzzer.operations().size() + " operations of " + url + " (seed " + seed + ")");
        FuzzRun.Result r = FuzzRun.run(url, key, fuzzer, requests, Duration.ofSeconds(timeout), System.out::println);
        System.out.println(r.summary());
        r.serverErrors().stream().limit(20).forEach(f -> System.out.println("  5xx: " + f.request() + "\n       -> " + f.outcome()));
        r.hangs().stream().limit(20).forEach(f -> System.out.println("  hang: " + f.request()));
        r.closed().stream().limit(5).forEach(f -> System.out.println("  closed: " + f.request() + " -> " + f.outcome()));
        return r.serverErrors().isEmpty() && r.hangs().isEmpty() ? 0 : 1;
    }
}
