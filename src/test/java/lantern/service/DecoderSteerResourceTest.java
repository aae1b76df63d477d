package lantern.service;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

/** POST /api/directions and /api/steer on a small random-weight GPT-2 (same data folder as DecoderResourcesTest). */
@QuarkusTest
@TestProfile(DecoderResourcesTest.Profile.class)
class DecoderSteerResourceTest {
    static final Path DATA = DecoderResourcesTest.DATA;

    @BeforeEach
    void register() throws Exception {
        DecoderResourcesTest.registerTinyGpt2();
    }

    static String steer(float scale, String extra) {
        return """
                {"model":"tiny-gpt2","prompt":"the dog sat on","maxTokens":8,"top":3%s,
                 "interventions":[{"type":"add-direction","direction":"tiny-cat","scale":%s}]}""".formatted(extra, scale);
    }

    @Test
    void directionFromTextsThenSteerTheGeneration() {
        given().contentType(ContentType.JSON).body("""
                {"name":"tiny-cat","model":"tiny-gpt2","hook":"blocks.0.hook_resid_post",
                 "positive":["the cat sat on the mat","a cat ran"],"negative":["the dog sat on the mat","a dog ran"]}""")
                .post("/api/directions").then().statusCode(200)
                .body("dimensions", equalTo(16)).body("pool", equalTo("last")).body("norm", greaterThan(0f));
        String clean = given().contentType(ContentType.JSON).body(steer(0f, "")).post("/api/steer").then().statusCode(200)
                .body("model", equalTo("tiny-gpt2"))
                .body("promptTokens", contains("the", "dog", "sat", "on"))
                .body("clean.tokens.size()", equalTo(8))
                .body("firstDifference", equalTo(-1))
                .body("nextTokenKl", equalTo(0.0f))
                .body("cleanNext.size()", equalTo(3))
                .extract().path("clean.text");
        given().contentType(ContentType.JSON).body(steer(8f, "")).post("/api/steer").then().statusCode(200)
                .body("applied[0]", equalTo("add 8.0 x direction 'tiny-cat' at blocks.0.hook_resid_post"))
                .body("clean.text", equalTo(clean))
                .body("steered.text", not(equalTo(clean)))
                .body("firstDifference", greaterThanOrEqualTo(0))
                .body("nextTokenKl", greaterThan(0f));
        // seeded sampling: the same request twice gives the same pair
        String a = given().contentType(ContentType.JSON).body(steer(8f, ",\"temperature\":1.0,\"seed\":3")).post("/api/steer")
                .then().statusCode(200).body("sampling.seed", equalTo(3)).extract().path("steered.text");
        given().contentType(ContentType.JSON).body(steer(8f, ",\"temperature\":1.0,\"seed\":3")).post("/api/steer")
                .then().statusCode(200).body("steered.text", equalTo(a));
    }

    @Test
    void badDecoderRequestsAreProblems() {
        given().contentType(ContentType.JSON).body("""
                {"name":"tiny-x","model":"tiny-gpt2","hook":"blocks.0.hook_resid_post","pool":"middle",
                 "positive":["the cat"],"negative":["the dog"]}""")
                .post("/api/directions").then().statusCode(400).body("detail", containsString("pool must be"));
        given().contentType(ContentType.JSON).body("""
                {"name":"tiny-x","model":"tiny-gpt2","hook":"blocks.0.hook_resid_pots",
                 "positive":["the cat"],"negative":["the dog"]}""")
                .post("/api/directions").then().statusCode(400).body("detail", containsString("did you mean"));
        given().contentType(ContentType.JSON).body(steer(1f, "").replace("\"maxTokens\":8", "\"maxTokens\":100000"))
                .post("/api/steer").then().statusCode(400).body("detail", containsString("lantern.limits.max-generation-tokens"));
        given().contentType(ContentType.JSON).body(steer(1f, ",\"candidates\":[\"a cat\"]"))
                .post("/api/steer").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("encoders"));
        given().contentType(ContentType.JSON).body("""
                {"model":"tiny-gpt2","prompt":"the cat","interventions":[{"type":"ablate-neuron","feature":"tiny-gpt2/1/mlp/99"}]}""")
                .post("/api/steer").then().statusCode(400).body("detail", containsString("out of range"));
        given().contentType(ContentType.JSON).body("""
                {"model":"no-such","prompt":"the cat","interventions":[{"type":"ablate-neuron","feature":"no-such/1/mlp/9"}]}""")
                .post("/api/steer").then().statusCode(404);
    }
}
