package lantern.service;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import lantern.subject.decoder.DecoderRegistry;
import lantern.subject.decoder.TinyModels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

/** /api/lens and /api/patchscopes over a small random-weight GPT-2 registered in a test data folder. */
@QuarkusTest
@TestProfile(DecoderResourcesTest.Profile.class)
class DecoderResourcesTest {
    static final Path DATA = Path.of("target/decoder-rest-data");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lantern.data-dir", DATA.toString());
        }
    }

    @BeforeEach
    void register() throws Exception {
        registerTinyGpt2();
    }

    /** Writes the tiny random-weight GPT-2 once into {@link #DATA} and registers it as tiny-gpt2 (every decoder REST test's model). */
    static void registerTinyGpt2() throws Exception {
        Path dir = DATA.resolve("tiny-gpt2");
        if (!Files.exists(dir.resolve("model.safetensors"))) {
            TinyModels.writeGpt2(dir, TinyModels.SMALL, TinyModels.gpt2Weights(TinyModels.SMALL, 5), "F32", "");
        }
        new DecoderRegistry(DATA).add("tiny-gpt2", dir, null);
    }

    @Test
    void lensAnswersPerLayerTopK() {
        given().contentType(ContentType.JSON)
                .body("{\"model\":\"tiny-gpt2\",\"prompt\":\"the cat sat on the mat\",\"position\":-1,\"k\":3}")
                .post("/api/lens").then().statusCode(200)
                .body("model", equalTo("tiny-gpt2"))
                .body("tokens", contains("the", "cat", "sat", "on", "the", "mat"))
                .body("position", equalTo(5))
                .body("layers.size()", equalTo(2))
                .body("layers[1].layer", equalTo(1))
                .body("layers[1].top.size()", equalTo(3))
                .body("layers[0].top[0].prob", greaterThan(0f));
    }

    @Test
    void lensRefusesEncodersAndBadPositions() {
        given().contentType(ContentType.JSON).body("{\"model\":\"minilm-l6\",\"prompt\":\"hello\"}")
                .post("/api/lens").then().statusCode(400)
                .body("detail", containsString("is an encoder: no LM head, no logit lens"));
        given().contentType(ContentType.JSON).body("{\"model\":\"tiny-gpt2\",\"prompt\":\"the cat\",\"position\":5}")
                .post("/api/lens").then().statusCode(400).body("detail", containsString("out of range"));
        given().contentType(ContentType.JSON).body("{\"model\":\"nope\",\"prompt\":\"the cat\"}")
                .post("/api/lens").then().statusCode(404);
    }

    @Test
    void patchscopeGeneratesAndValidates() {
        given().contentType(ContentType.JSON).body("""
                {"model":"tiny-gpt2","source":{"prompt":"a dog ran","layer":1,"position":-1},
                 "target":{"prompt":"cat -> cat\\n1135 -> 1135\\nhello -> hello\\n?","layer":1,"position":-1},
                 "mapping":"identity","maxTokens":4,"temperature":0,"patchEveryStep":false}""")
                .post("/api/patchscopes").then().statusCode(200)
                .body("tokens.size()", equalTo(4))
                .body("sourceToken", equalTo("ran"))
                .body("firstTokenTopK.size()", equalTo(5))
                .body("generated", notNullValue());
        given().contentType(ContentType.JSON).body("""
                {"model":"tiny-gpt2","source":{"prompt":"a dog ran","layer":7,"position":-1},
                 "target":{"prompt":"hello ?"}}""")
                .post("/api/patchscopes").then().statusCode(400).body("detail", containsString("layer 7"));
        given().contentType(ContentType.JSON).body("""
                {"model":"tiny-gpt2","source":{"prompt":"a dog ran","layer":0},"target":{"prompt":"hello ?"},
                 "mapping":{"affine":{"weight":[[1,2],[3]]}}}""")
                .post("/api/patchscopes").then().statusCode(400);
        given().contentType(ContentType.JSON).body("""
                {"model":"tiny-gpt2","prompt":"the cat sat","preset":"identity"}""")
                .post("/api/patchscopes/sweep").then().statusCode(200)
                .body("rows.size()", equalTo(2))
                .body("positions.size()", equalTo(3))
                .body("rows[1].lensPrecision", equalTo(1.0f));
    }
}
