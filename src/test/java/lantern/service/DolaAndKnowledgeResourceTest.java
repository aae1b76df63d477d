package lantern.service;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

/** POST /api/generate (plain and DoLa) and /api/knowledge-neurons on a small random-weight GPT-2. */
@QuarkusTest
@TestProfile(DecoderResourcesTest.Profile.class)
class DolaAndKnowledgeResourceTest {
    static final Path DATA = DecoderResourcesTest.DATA;

    @BeforeEach
    void register() throws Exception {
        DecoderResourcesTest.registerTinyGpt2();
    }

    @Test
    void generatePlainAndWithDola() {
        given().contentType(ContentType.JSON).body("""
                {"model":"tiny-gpt2","prompt":"the cat sat on","maxTokens":5}""")
                .post("/api/generate").then().statusCode(200)
                .body("model", equalTo("tiny-gpt2")).body("dola", nullValue())
                .body("tokens.size()", equalTo(5)).body("tokens[0].premature", nullValue());
        // two tied layers: "high" is [1]
        given().contentType(ContentType.JSON).body("""
                {"model":"tiny-gpt2","prompt":"the cat sat on","maxTokens":5,"dola":"high","repetitionPenalty":1.2}""")
                .post("/api/generate").then().statusCode(200)
                .body("dola", equalTo("high")).body("candidates", contains(1)).body("repetitionPenalty", equalTo(1.2f))
                .body("tokens.size()", equalTo(5)).body("tokens.premature", everyItem(equalTo(1)));
        given().contentType(ContentType.JSON).body("""
                {"model":"tiny-gpt2","prompt":"the cat sat on","maxTokens":3,"dola":"0,1","temperature":1,"seed":4}""")
                .post("/api/generate").then().statusCode(200)
                .body("candidates", contains(0, 1)).body("tokens[0].js.size()", equalTo(2));
    }

    @Test
    void badGenerateRequestsAreProblems() {
        given().contentType(ContentType.JSON).body("""
                {"model":"no-such-model","prompt":"the cat"}""")
                .post("/api/generate").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("no-such-model"));
        given().contentType(ContentType.JSON).body("""
                {"model":"tiny-gpt2","prompt":"the cat","dola":"middle"}""")
                .post("/api/generate").then().statusCode(400).body("detail", containsString("middle"));
        given().contentType(ContentType.JSON).body("""
                {"model":"tiny-gpt2","prompt":"the cat","dola":"5"}""")
                .post("/api/generate").then().statusCode(400).body("detail", containsString("no candidate"));
        given().contentType(ContentType.JSON).body("""
                {"model":"minilm-l6","prompt":"the cat"}""")
                .post("/api/generate").then().statusCode(400).body("detail", containsString("encoder"));
    }

    @Test
    void knowledgeNeuronsAndBadRequests() {
        var r = given().contentType(ContentType.JSON).body("""
                {"model":"tiny-gpt2","prompts":["the cat sat on the","a cat sat on the"],"target":"mat","steps":8,
                 "share":0.4}""")
                .post("/api/knowledge-neurons").then().statusCode(200)
                .body("result.model", equalTo("tiny-gpt2")).body("result.targetId", equalTo(5))
                .body("result.prompts.size()", equalTo(2)).body("result.steps", equalTo(8))
                .body("result.share", equalTo(0.4f))
                .body("result.neurons[0].featureId", startsWith("tiny-gpt2/"))
                .body("collectedLayers", notNullValue()).extract();
        int n = r.path("result.neurons.size()");
        org.assertj.core.api.Assertions.assertThat((Integer) r.path("result.knowledge.neurons")).isEqualTo(n);
        org.assertj.core.api.Assertions.assertThat((Integer) r.path("result.random.neurons")).isEqualTo(n);
        given().contentType(ContentType.JSON).body("""
                {"model":"tiny-gpt2","prompts":[],"target":"mat"}""")
                .post("/api/knowledge-neurons").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("prompts"));
        given().contentType(ContentType.JSON).body("""
                {"model":"tiny-gpt2","prompts":["the cat sat on the"],"target":"the mat"}""")
                .post("/api/knowledge-neurons").then().statusCode(400).body("detail", containsString("2 tokens"));
        given().contentType(ContentType.JSON).body("""
                {"model":"nope","prompts":["the cat sat on the"],"target":"mat"}""")
                .post("/api/knowledge-neurons").then().statusCode(400).body("detail", containsString("nope"));
    }
}
