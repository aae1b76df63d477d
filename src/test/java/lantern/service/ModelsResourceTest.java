package lantern.service;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

@QuarkusTest
class ModelsResourceTest {
    @jakarta.inject.Inject
    ModelRegistry models;

    @Test
    void listsMiniLm() {
        given().get("/api/models").then().statusCode(200)
                .body("[0].id", equalTo("minilm-l6"))
                .body("[0].family", equalTo("bert"))
                .body("[0].layers", equalTo(6))
                .body("[0].dModel", equalTo(384))
                .body("[0].neuronsPerLayer", equalTo(1536));
    }

    @Test
    void chosenFeatureActivationsOnePerToken() {
        given().contentType(ContentType.JSON)
                .body("{\"text\":\"The jury said it did find that many laws are outmoded.\",\"features\":[\"minilm-l6/3/mlp/17\",\"minilm-l6/0/mlp/5\"]}")
                .post("/api/models/minilm-l6/activations").then().statusCode(200)
                .body("model", equalTo("minilm-l6"))
                .body("tokens[0]", equalTo("[CLS]"))
                .body("tokens[-1]", equalTo("[SEP]"))
                .body("tokens", hasItems("jury", "out", "##mo", "##ded"))
                .body("activations.'minilm-l6/3/mlp/17'.size()", equalTo(16))
                .body("activations.'minilm-l6/0/mlp/5'.size()", equalTo(16));
    }

    @Test
    void strongestNeuronsAtEachToken() {
        given().contentType(ContentType.JSON).body("{\"text\":\"plural nouns like years\"}")
                .post("/api/models/minilm-l6/activations").then().statusCode(200)
                .body("tokens", contains("[CLS]", "plural", "nouns", "like", "years", "[SEP]"))
                .body("top.size()", equalTo(6))
                .body("top[1].size()", equalTo(10))
                .body("top[1][0].feature", startsWith("minilm-l6/"))
                .body("top[1][0].activation", notNullValue());
    }

    @Test
    void badInputIsProblemJson() {
        given().contentType(ContentType.JSON).body("{\"text\":\"\"}")
                .post("/api/models/minilm-l6/activations").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("empty"));
        given().contentType(ContentType.JSON).body("{\"text\":\"hi\",\"features\":[\"minilm-l6/9/mlp/1\"]}")
                .post("/api/models/minilm-l6/activations").then().statusCode(400).body("detail", containsString("layer 9"));
        given().contentType(ContentType.JSON).body("{\"text\":\"hi\",\"features\":[\"minilm-l6/1/mlp/99999\"]}")
                .post("/api/models/minilm-l6/activations").then().statusCode(400).body("detail", containsString("out of range"));
        given().contentType(ContentType.JSON).body("{\"text\":\"hi\",\"features\":[\"nonsense\"]}")
                .post("/api/models/minilm-l6/activations").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"text\": ")
                .post("/api/models/minilm-l6/activations").then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"text\":\"hi\"}")
                .post("/api/models/gpt-17/activations").then().statusCode(404).body("detail", containsString("unknown model"));
        given().contentType(ContentType.JSON).body("{\"text\":\"" + "word ".repeat(5000) + "\"}")
                .post("/api/models/minilm-l6/activations").then().statusCode(400).body("detail", containsString("limit"));
        given().contentType(ContentType.JSON).body("{\"text\":\"" + "word ".repeat(600) + "\"}")
                .post("/api/models/minilm-l6/activations").then().statusCode(400).body("detail", containsString("at most 512"));
    }

    @Test
    void healthMetricsAndOpenApi() {
        given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/models"));
    }

    @Test
    void saeFeaturesAreServedLikeNeurons() throws Exception {
        int dIn = 384, dSae = 48, k = 6;
        java.util.Random r = new java.util.Random(9);
        float[] wEnc = new float[dIn * dSae], wDec = new float[dSae * dIn];
        for (int i = 0; i < wEnc.length; i++) wEnc[i] = (float) r.nextGaussian() * 0.05f;
        for (int i = 0; i < wDec.length; i++) wDec[i] = (float) r.nextGaussian() * 0.05f;
        var cfg = new lantern.subject.sae.SaeConfig("minilm-l6", "blocks.2.hook_resid_post", dIn, dSae,
                lantern.subject.sae.SaeArchitecture.TOPK, k, true, "none");
        try (var sae = lantern.subject.sae.Sae.of(cfg, new lantern.subject.sae.SaeWeights(wEnc, new float[dSae], wDec, new float[dIn], null),
                models.minilm().manager())) {
            models.saes().save(sae, null);
        }
        var json = given().contentType(ContentType.JSON)
                .body("{\"text\":\"The jury praised the city.\",\"features\":[\"minilm-l6/2/sae-resid_post-k6/7\",\"minilm-l6/2/mlp/7\"]}")
                .post("/api/models/minilm-l6/activations").then().statusCode(200).extract().jsonPath();
        int tokens = json.getList("tokens").size();
        org.assertj.core.api.Assertions.assertThat(json.getList("activations.'minilm-l6/2/sae-resid_post-k6/7'")).hasSize(tokens);
        // TopK features are never negative
        org.assertj.core.api.Assertions.assertThat(json.getList("activations.'minilm-l6/2/sae-resid_post-k6/7'", Float.class)).allMatch(a -> a >= 0f);
        given().contentType(ContentType.JSON).body("{\"text\":\"hi\",\"features\":[\"minilm-l6/2/sae-resid_post-k6/480\"]}")
                .post("/api/models/minilm-l6/activations").then().statusCode(400).body("detail", containsString("out of range"));
        given().contentType(ContentType.JSON).body("{\"text\":\"hi\",\"features\":[\"minilm-l6/4/sae-resid_post-k99/1\"]}")
                .post("/api/models/minilm-l6/activations").then().statusCode(404).body("detail", containsString("no SAE"));
    }
}
