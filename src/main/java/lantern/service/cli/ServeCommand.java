package lantern.service.cli;

import io.quarkus.runtime.Quarkus;
import picocli.CommandLine;

@CommandLine.Command(name = "serve", description = "Start the REST service (port: LANTERN_PORT, default 8080) and wait.")
public class ServeCommand implements Runnable {
    @Override
    public void run() {
        System.err.println("Lantern is serving on http://" + System.getProperty("quarkus.http.host", "127.0.0.1") + ":"
                + org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue("quarkus.http.port", Integer.class).orElse(8080)
                + "  (Swagger UI: /q/swagger-ui, OpenAPI: /q/openapi)");
        Quarkus.waitForExit();
    }
}
