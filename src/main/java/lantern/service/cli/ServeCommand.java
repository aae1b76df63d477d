package lantern.service.cli;

import lantern.cli.DataOption;
import io.quarkus.runtime.Quarkus;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine;

import java.util.concurrent.Callable;

@CommandLine.Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the REST service and wait (port: --port N or LANTERN_PORT, default 8080; host: LANTERN_HOST).")
public class ServeCommand implements Callable<Integer> {
    @jakarta.inject.Inject
    lantern.service.AuditService audits;

    @CommandLine.Option(names = "--port", description = "HTTP port (default: LANTERN_PORT, else 8080).")
    Integer port;

    @CommandLine.Mixin
    DataOption data;

    @Override
    public Integer call() {
        int serving = ConfigProvider.getConfig().getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
        if (port != null && port != serving) {
            // the HTTP server starts before any command runs: the launcher passes --port on as quarkus.http.port
            System.err.println("lantern: --port " + port + " must be known before start: run ./lantern serve --port " + port
                    + " (or java -Dquarkus.http.port=" + port + " -jar ...)");
            return 2;
        }
        java.util.List<String> resumed = audits.resumeUnfinished(); // audits cut short by a crash or a stop go on
        if (!resumed.isEmpty()) System.err.println("Resuming audits: " + resumed);
        System.err.println("Lantern is serving on http://" + System.getProperty("quarkus.http.host", "127.0.0.1") + ":"
                + serving + "  (Swagger UI: /q/swagger-ui, OpenAPI: /q/openapi)");
        Quarkus.waitForExit();
        return 0;
    }
}
