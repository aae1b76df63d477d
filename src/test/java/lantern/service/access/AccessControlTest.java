package lantern.service.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

/** With keys configured: every route in the service's own OpenAPI document refuses a call without one. */
@QuarkusTest
@TestProfile(AccessControlTest.Keys.class)
class AccessControlTest {
    static final String FULL = "full-key-5f1c0e2a9b";
    static final String READ = "read-key-77d03b41ce";

    public static class Keys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                return Map.of("lantern.api-key", FULL, "lantern.read-only-api-key", READ,
                        "lantern.data-dir", Files.createTempDirectory("lantern-access-test").toString(),
                        "quarkus.http.test-port", "0");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    final List<String> logged = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            StringBuilder s = new StringBuilder(String.valueOf(r.getMessage()));
            if (r.getParameters() != null) for (Object p : r.getParameters()) s.append(' ').append(p);
            for (Throwable t = r.getThrown(); t != null; t = t.getCause()) s.append(' ').append(t);
            logged.add(s.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        java.util.logging.Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        java.util.logging.Logger.getLogger("").removeHandler(capture);
    }

    /** Every operation of /q/openapi, path parameters filled in. */
    static List<String[]> operations() throws IOException {
        JsonNode doc = new ObjectMapper().readTree(given().accept("application/json").get("/q/openapi?format=json").asString());
        List<String[]> ops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("paths").fields(); it.hasNext(); ) {
            var e = it.next();
            String path = e.getKey().replaceAll("\\{[^}]+}", "x");
            for (Iterator<String> m = e.getValue().fieldNames(); m.hasNext(); ) {
                String method = m.next();
                if (List.of("get", "post", "put", "delete", "patch").contains(method)) ops.add(new String[]{method.toUpperCase(), path});
            }
        }
        return ops;
    }

    @Test
    void everyRouteRefusesWithoutAKey() throws IOException {
        List<String[]> ops = operations();
        assertThat(ops).hasSizeGreaterThan(15);
        for (String[] op : ops) {
            if (op[1].equals("/login")) continue; // the way in
            given().contentType(ContentType.JSON).body("{}").request(op[0], op[1]).then()
                    .statusCode(401).contentType("application/problem+json")
                    .header("WWW-Authenticate", startsWith("Bearer"))
                    .body("status", equalTo(401)).body("detail", containsString("API key"));
            given().header("Authorization", "Bearer not-" + FULL).contentType(ContentType.JSON).body("{}")
                    .request(op[0], op[1]).then().statusCode(401).body("detail", not(containsString(FULL)));
        }
    }

    @Test
    void healthMetricsAndOpenApiStayOpen() {
        given().get("/q/health").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/audits"));
    }

    @Test
    void bearerAndHeaderKeysAreAccepted() {
        given().header("Authorization", "Bearer " + FULL).get("/api/models").then().statusCode(200).body("[0].id", equalTo("minilm-l6"));
        given().header("X-API-Key", FULL).get("/api/models").then().statusCode(200);
        given().header("X-API-Key", FULL.substring(0, FULL.length() - 1)).get("/api/models").then().statusCode(401);
        given().header("Authorization", "Basic " + FULL).get("/api/models").then().statusCode(401);
    }

    @Test
    void readOnlyKeysMayOnlyRead() {
        given().header("X-API-Key", READ).get("/api/models").then().statusCode(200);
        given().header("X-API-Key", READ).contentType(ContentType.JSON).body("{\"model\":\"minilm-l6\",\"layers\":[0]}")
                .post("/api/audits").then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("only read"));
        given().header("X-API-Key", READ).delete("/api/audits/a1-00").then().statusCode(403);
    }

    @Test
    void browsersLogInOnceAndCarryASessionCookie() {
        given().get("/login").then().statusCode(200).body(containsString("name=\"key\""));
        given().formParam("key", "nope").post("/login").then().statusCode(401);
        Response ok = given().redirects().follow(false).formParam("key", FULL).formParam("next", "/api/models").post("/login");
        assertThat(ok.statusCode()).isEqualTo(303);
        String setCookie = ok.getHeader("Set-Cookie");
        assertThat(setCookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict").doesNotContain(FULL);
        String session = ok.getCookie("lantern_session");
        given().cookie("lantern_session", session).get("/api/models").then().statusCode(200);
        given().cookie("lantern_session", session + "0").get("/api/models").then().statusCode(401);
        given().redirects().follow(false).formParam("key", FULL).formParam("next", "//evil.example").post("/login").then().statusCode(400);
        // a read-only key's session may only read; logging out ends a session
        String ro = given().redirects().follow(false).formParam("key", READ).post("/login").getCookie("lantern_session");
        given().cookie("lantern_session", ro).get("/api/models").then().statusCode(200);
        given().cookie("lantern_session", ro).contentType(ContentType.JSON).body("{}").post("/api/audits").then().statusCode(403);
        given().cookie("lantern_session", session).post("/logout").then().statusCode(204);
        given().cookie("lantern_session", session).get("/api/models").then().statusCode(401);
    }

    @Test
    void corsIsOffUnlessConfigured() {
        Response r = given().header("X-API-Key", FULL).header("Origin", "http://evil.example").get("/api/models");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void keysNeverAppearInLogs() {
        given().header("X-API-Key", FULL).contentType(ContentType.JSON).body("{\"text\": 7}").post("/api/models/minilm-l6/activations");
        given().header("X-API-Key", "wrong-" + FULL).get("/api/models");
        given().header("Authorization", "Bearer " + READ).get("/api/features/no/such");
        given().header("X-API-Key", READ).post("/api/audits");
        assertThat(String.join("\n", logged)).doesNotContain(FULL).doesNotContain(READ);
    }
}
