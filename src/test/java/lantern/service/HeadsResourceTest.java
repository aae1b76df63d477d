package lantern.service;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import lantern.subject.decoder.DecoderRegistry;
import lantern.subject.decoder.TinyModels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

/** {@code POST /api/models/{m}/heads} over the small random-weight GPT-2 of {@link DecoderResourcesTest} (same profile). */
@QuarkusTest
@TestProfile(DecoderResourcesTest.Profile.class)
class HeadsResourceTest {
    @BeforeEach
    void register() throws Exception {
        Path dir = DecoderResourcesTest.DATA.resolve("tiny-gpt2");
        if (!Files.exists(dir.resolve("model.safetensors"))) {
            TinyModels.writeGpt2(dir, TinyModels.SMALL, TinyModels.gpt2Weights(TinyModels.SMALL, 5), "F32", "");
        }
        new DecoderRegistry(DecoderResourcesTest.DATA).add("tiny-gpt2", dir, null);
    }

    @Test
    void scoresEveryHeadAndAblatesThem() {
        given().contentType(ContentType.JSON).body("{\"seed\":3,\"length\":10,\"batch\":2}")
                .post("/api/models/tiny-gpt2/heads").then().statusCode(200)
                .body("model", equalTo("tiny-gpt2"))
                .body("layers", equalTo(2)).body("headsPerLayer", equalTo(4))
                .body("probe.seed", equalTo(3)).body("probe.length", equalTo(10)).body("probe.batch", equalTo(2))
                .body("probe.tokens.size()", equalTo(10))
                .body("ablation", equalTo("zero"))
                .body("repeatedHalfLoss", greaterThan(0f))
                .body("heads.size()", equalTo(8))
                .body("heads[5].layer", equalTo(1)).body("heads[5].head", equalTo(1))
                .body("heads.previousToken", everyItem(allOf(greaterThanOrEqualTo(0f), lessThanOrEqualTo(1f))))
                .body("heads.lossChange", everyItem(notNullValue()));
        // the caller's tokens, no ablation; an empty body takes every default
        given().contentType(ContentType.JSON).body("{\"tokens\":[4,9,2,33,7],\"ablation\":\"none\"}")
                .post("/api/models/tiny-gpt2/heads").then().statusCode(200)
                .body("probe.seed", nullValue()).body("probe.tokens", contains(4, 9, 2, 33, 7))
                .body("heads.lossChange", everyItem(nullValue()));
        given().contentType(ContentType.JSON).post("/api/models/tiny-gpt2/heads").then().statusCode(200)
                .body("probe.length", equalTo(16)).body("probe.batch", equalTo(8));
    }

    @Test
    void badInputIsAProblem() {
        given().contentType(ContentType.JSON).body("{\"tokens\":[4,99]}")
                .post("/api/models/tiny-gpt2/heads").then().statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("token id 99 (at index 1) is outside the vocabulary"));
        given().contentType(ContentType.JSON).body("{\"length\":40}")
                .post("/api/models/tiny-gpt2/heads").then().statusCode(400).body("detail", containsString("2..16 tokens per copy"));
        given().contentType(ContentType.JSON).body("{\"ablation\":\"half\"}")
                .post("/api/models/tiny-gpt2/heads").then().statusCode(400).body("detail", containsString("zero, mean or none"));
        given().contentType(ContentType.JSON).body("{\"tokens\":\"abc\"}")
                .post("/api/models/tiny-gpt2/heads").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{}")
                .post("/api/models/no-such-model/heads").then().statusCode(404)
                .body("detail", containsString("unknown model 'no-such-model'"));
        given().contentType(ContentType.JSON).body("{\"batch\":64,\"length\":255}") // 64 x 12 heads x 512² weights
                .post("/api/models/minilm-l6/heads").then().statusCode(400).body("detail", containsString("fewer rows"));
        given().contentType(ContentType.JSON).body("{\"ablation\":\"zero\",\"length\":4}")
                .post("/api/models/minilm-l6/heads").then().statusCode(400).body("detail", containsString("is an encoder"));
    }

    @Test
    void encodersGetScoresWithoutAblation() {
        given().contentType(ContentType.JSON).body("{\"length\":6,\"batch\":2}")
                .post("/api/models/minilm-l6/heads").then().statusCode(200)
                .body("heads.size()", equalTo(72)).body("ablation", equalTo("none"))
                .body("probe.prefix", equalTo(1)).body("repeatedHalfLoss", nullValue());
    }
}
