package lantern.service;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;

/** A fresh data directory and the indexing audit task. */
public class AuditTestProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            // a random port: other test runs may hold 8081 on a shared machine
            return Map.of("lantern.data-dir", Files.createTempDirectory("lantern-rest-test").toString(),
                    "quarkus.http.test-port", "0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(IndexingAuditTask.class);
    }
}
