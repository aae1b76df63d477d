package lantern.service;

import lantern.core.LanternConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

/** Errors that mean what they say: typed 4xx for the caller's mistakes, strict record binding, limits by name, 500s with ids. */
@QuarkusTest
class ErrorsAndBindingTest {
    @jakarta.inject.Inject
    ModelRegistry models;
    @jakarta.inject.Inject
    LanternConfig config;

    /** The feature calls below need a collected feature, whatever order the test classes run in. */
    @org.junit.jupiter.api.BeforeEach
    void collection() {
        TestCollections.ensure(models.minilm(), config.dataDir());
    }

    static void bad(String path, String body, int status, String detail) {
        given().contentType(ContentType.JSON).body(body).post(path).then().statusCode(status)
                .contentType("application/problem+json").body("status", equalTo(status)).body("detail", containsString(detail));
    }

    @Test
    void unknownFieldsAreRejectedEverywhere() {
        bad("/api/models/minilm-l6/activations", "{\"text\":\"hi\",\"featurez\":[]}", 400, "featurez");
        bad("/api/features/minilm-l6/0/mlp/1/explain", "{\"explainer\":\"statistical\",\"casual\":false}", 400, "casual");
        bad("/api/features/minilm-l6/0/mlp/1/causal", "{\"windows\":3}", 400, "windows");
        bad("/api/audits", "{\"model\":\"minilm-l6\",\"colour\":1}", 400, "colour");
        bad("/api/directions", "{\"name\":\"d\",\"model\":\"minilm-l6\",\"positives\":[\"a\"]}", 400, "positives");
        bad("/api/steer", "{\"model\":\"minilm-l6\",\"prompt\":\"x\",\"top\":3,\"bottom\":1}", 400, "bottom");
        bad("/api/lens", "{\"model\":\"m\",\"prompt\":\"x\",\"depth\":1}", 400, "depth");
        bad("/api/patchscopes", "{\"model\":\"m\",\"source\":{\"prompt\":\"x\",\"layer\":1},\"extra\":1}", 400, "extra");
        bad("/api/patchscopes/sweep", "{\"model\":\"m\",\"prompt\":\"x\",\"grids\":true}", 400, "grids");
    }

    @Test
    void wrongTypesAreRejected() {
        bad("/api/models/minilm-l6/activations", "{\"text\":7}", 400, "text");
        bad("/api/models/minilm-l6/activations", "{\"text\":\"hi\",\"features\":\"minilm-l6/0/mlp/1\"}", 400, "features");
        bad("/api/features/minilm-l6/0/mlp/1/explain", "{\"causal\":\"yes\"}", 400, "causal");
        bad("/api/features/minilm-l6/0/mlp/1/explain", "{\"causal\":1}", 400, "causal");
        bad("/api/audits", "{\"model\":\"minilm-l6\",\"concurrency\":\"2\"}", 400, "concurrency");
        bad("/api/audits", "{\"model\":\"minilm-l6\",\"concurrency\":1.5}", 400, "concurrency");
        bad("/api/audits", "{\"model\":\"minilm-l6\",\"layers\":[\"0\"]}", 400, "layers");
        bad("/api/steer", "{\"model\":\"minilm-l6\",\"prompt\":\"x\",\"top\":true}", 400, "top");
        bad("/api/audits", "[1,2]", 400, "");
        bad("/api/audits", "{\"model\":\"minilm-l6\"} trailing", 400, "");
        bad("/api/audits", "{\"model\":\"minilm-l6\",\"model\":\"x\"}", 400, "model");
    }

    @Test
    void jobNamesAreCheckedAtSubmission() {
        bad("/api/audits", "{\"model\":\"minilm-l6\",\"layers\":[0],\"simulator\":\"oracle\"}", 400, "unknown simulator 'oracle'");
        bad("/api/audits", "{\"model\":\"minilm-l6\",\"layers\":[0],\"explainer\":\"gpt\"}", 400, "unknown explainer 'gpt'");
        bad("/api/audits", "{\"model\":\"minilm-l6\",\"layers\":[0],\"kind\":\"sae-none-k1\"}", 400, "no SAE");
        bad("/api/audits", "{\"model\":\"minilm-l6\",\"layers\":[9]}", 400, "layer 9");
        bad("/api/audits", "{\"model\":\"gpt-17\"}", 400, "gpt-17");
        // an LLM asked for but not configured is the server's state, not the caller's input: 503 naming the settings
        bad("/api/audits", "{\"model\":\"minilm-l6\",\"layers\":[0],\"explainer\":\"llm\",\"simulator\":\"llm-json\"}", 503, "lantern.llm.base-url");
        bad("/api/features/minilm-l6/0/mlp/1/explain", "{\"explainer\":\"llm\"}", 503, "lantern.llm.base-url");
    }

    @Test
    void limitsAreNamed() {
        StringBuilder features = new StringBuilder("[");
        for (int i = 0; i < 1001; i++) features.append(i == 0 ? "" : ",").append("\"minilm-l6/0/mlp/").append(i).append('"');
        bad("/api/models/minilm-l6/activations", "{\"text\":\"hi\",\"features\":" + features + "]}", 413, "lantern.limits.max-features = 1000");
        String many = "[" + "\"a\",".repeat(300) + "\"a\"]";
        bad("/api/directions", "{\"name\":\"d\",\"model\":\"minilm-l6\",\"hook\":\"blocks.0.hook_resid_post\",\"positive\":" + many + ",\"negative\":[\"b\"]}",
                413, "lantern.limits.max-texts = 256");
        bad("/api/models/minilm-l6/activations", "{\"text\":\"" + "x".repeat(1_100_000) + "\"}", 413, "lantern.limits.max-body-bytes = 1048576");
    }

    @Test
    void anInternalErrorIsA500WithAnIdThatTheLogCarries() {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r.getMessage() + " " + java.util.Arrays.toString(r.getParameters()) + " " + r.getThrown());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger.getLogger("").addHandler(h);
        try {
            String instance = given().get("/test-only/faulty").then().statusCode(500).contentType("application/problem+json")
                    .body("detail", containsString("not caused by the request"))
                    .body("detail", not(containsString("invariant"))) // the internals stay in the log
                    .extract().path("instance");
            assertThat(instance).startsWith("urn:lantern:error:");
            String id = instance.substring("urn:lantern:error:".length());
            assertThat(logged).anySatisfy(l -> assertThat(l).contains(id).contains("an internal invariant broke"));
        } finally {
            java.util.logging.Logger.getLogger("").removeHandler(h);
        }
    }

    @Test
    void notFoundAndConflictAreTyped() {
        given().get("/api/audits/a0-00000000").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/audits/..%2Fetc").then().statusCode(anyOf(is(400), is(404)));
        given().get("/api/directions/nope").then().statusCode(404);
        given().contentType(ContentType.JSON).body("{\"text\":\"hi\"}").post("/api/models/gpt-17/activations").then().statusCode(404);
    }

    @Test
    void budgetsDryRunAndResumeAreChecked() {
        given().contentType(ContentType.JSON).body("{\"model\":\"minilm-l6\",\"layers\":[1],\"features\":\"0-9\",\"dryRun\":true}")
                .post("/api/audits").then().statusCode(200).body("dryRun", equalTo(true)).body("features", equalTo(10))
                .body("usesLlm", equalTo(false)).body("calls", equalTo(0));
        bad("/api/audits", "{\"model\":\"minilm-l6\",\"layers\":[0],\"budget\":{\"maxTokens\":-1}}", 400, "maxTokens");
        bad("/api/audits", "{\"model\":\"minilm-l6\",\"layers\":[0],\"budget\":{\"maxTokenz\":1}}", 400, "maxTokenz");
        bad("/api/audits", "{\"model\":\"minilm-l6\",\"layers\":[0],\"budget\":{\"maxCost\":1.0}}", 400, "price-per-1k");
        bad("/api/audits/a0-00000000/resume", "{\"budget\":{\"maxTokens\":10}}", 404, "no audit");
        bad("/api/audits/a0-00000000/resume", "{}", 400, "budget");
    }
}
