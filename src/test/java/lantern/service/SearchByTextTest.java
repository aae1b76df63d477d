package lantern.service;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import lantern.subject.sae.SaeArchitecture;
import lantern.subject.sae.SaeConfig;
import lantern.subject.sae.SaeLensFormat;
import lantern.subject.sae.SaeWeights;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Search by inference ranks one kind of feature at a time: neurons (all layers or one) or one SAE's features. */
@QuarkusTest
class SearchByTextTest {
    static final int D_IN = 384, D_SAE = 48, K = 7;
    static final SaeConfig CFG = new SaeConfig("minilm-l6", "blocks.4.hook_resid_post", D_IN, D_SAE,
            SaeArchitecture.TOPK, K, true, "none");
    static final String TEXT = "The jury praised the election and the city council";

    @Inject
    ModelRegistry models;

    @Test
    void saeFeaturesRankedByTheirStrongestActivationOnTheText() throws Exception {
        Random r = new Random(7);
        float[] wEnc = new float[D_IN * D_SAE], wDec = new float[D_SAE * D_IN];
        for (int i = 0; i < wEnc.length; i++) wEnc[i] = (float) r.nextGaussian() * 0.05f;
        for (int i = 0; i < wDec.length; i++) wDec[i] = (float) r.nextGaussian() * 0.05f;
        SaeLensFormat.save(CFG, new SaeWeights(wEnc, new float[D_SAE], wDec, new float[D_IN], null),
                models.saes().dir("minilm-l6", 4, CFG.kind()));

        JsonPath found = given().queryParam("text", TEXT).queryParam("kind", CFG.kind()).queryParam("layer", 4)
                .queryParam("limit", 5).get("/api/search/by-text")
                .then().statusCode(200).extract().jsonPath();
        List<String> ids = found.getList("hits.feature");
        List<Float> acts = found.getList("hits.activation", Float.class);
        assertThat(ids).hasSize(5).allSatisfy(id -> assertThat(id).startsWith("minilm-l6/4/" + CFG.kind() + "/"));
        assertThat(acts).isSortedAccordingTo((a, b) -> Float.compare(b, a));

        // each hit's activation is that feature's max over the text tokens, as /activations reports it
        JsonPath chosen = given().contentType(ContentType.JSON)
                .body(Map.of("text", TEXT, "features", ids)).post("/api/models/minilm-l6/activations")
                .then().statusCode(200).extract().jsonPath();
        List<String> tokens = chosen.getList("tokens");
        float best = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < ids.size(); i++) {
            List<Float> column = chosen.getList("activations.'" + ids.get(i) + "'", Float.class);
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 1; t < tokens.size() - 1; t++) max = Math.max(max, column.get(t));  // text tokens only
            assertThat(acts.get(i)).isCloseTo(max, within(1e-4f));
            best = Math.max(best, max);
        }
        assertThat(acts.get(0)).isCloseTo(best, within(1e-4f));
    }

    @Test
    void neuronsOfOneLayer() {
        List<String> ids = given().queryParam("text", TEXT).queryParam("layer", 2).queryParam("limit", 8)
                .get("/api/search/by-text").then().statusCode(200).extract().jsonPath().getList("hits.feature");
        assertThat(ids).hasSize(8).allSatisfy(id -> assertThat(id).startsWith("minilm-l6/2/mlp/"));
    }

    @Test
    void badKindsAndLayersAreProblems() {
        given().queryParam("text", TEXT).queryParam("kind", "sae-resid_post-k7").get("/api/search/by-text")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("needs a layer"));
        given().queryParam("text", TEXT).queryParam("kind", "attn").get("/api/search/by-text")
                .then().statusCode(400).body("detail", containsString("kind must be mlp"));
        given().queryParam("text", TEXT).queryParam("layer", 9).get("/api/search/by-text")
                .then().statusCode(400).body("detail", containsString("layer 9 out of range"));
        given().queryParam("text", TEXT).queryParam("kind", "sae-resid_post-k99").queryParam("layer", 1)
                .get("/api/search/by-text").then().statusCode(404).body("status", equalTo(404));
    }
}
