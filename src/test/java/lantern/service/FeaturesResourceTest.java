package lantern.service;

import lantern.core.LanternConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

@QuarkusTest
class FeaturesResourceTest {
    @Inject
    ModelRegistry models;
    @Inject
    LanternConfig config;

    @BeforeEach
    void collect() {
        TestCollections.ensure(models.minilm(), config.dataDir());
    }

    @Test
    void featureRecordsFromTheCollection() {
        given().get("/api/features/minilm-l6/3/mlp/17").then().statusCode(200)
                .body("id", equalTo("minilm-l6/3/mlp/17"))
                .body("model", equalTo("minilm-l6"))
                .body("layer", equalTo(3))
                .body("kind", equalTo("mlp"))
                .body("index", equalTo(17))
                .body("stats.max", greaterThan(0f))
                .body("stats.fractionNonZero", allOf(greaterThan(0f), lessThanOrEqualTo(1f)))
                .body("top.size()", equalTo(20))
                .body("top[0].tokens.size()", greaterThan(3))
                .body("random.size()", greaterThan(0));
    }

    @Test
    void topWindowsAreStrongestFirstAndMatchTheStatsMax() {
        var json = given().get("/api/features/minilm-l6/0/mlp/221").then().statusCode(200).extract().jsonPath();
        float max = json.getFloat("stats.max");
        java.util.List<java.util.List<Float>> acts = json.getList("top.activations");
        float prev = Float.MAX_VALUE;
        for (var w : acts) {
            float m = (float) w.stream().mapToDouble(Float::doubleValue).max().orElseThrow();
            org.assertj.core.api.Assertions.assertThat(m).isLessThanOrEqualTo(prev + 1e-6f);
            prev = m;
        }
        float first = (float) acts.get(0).stream().mapToDouble(Float::doubleValue).max().orElseThrow();
        org.assertj.core.api.Assertions.assertThat(first).isCloseTo(max, org.assertj.core.api.Assertions.within(1e-4f));
    }

    @Test
    void explainStatisticallyThenListed() {
        given().contentType(ContentType.JSON).body("{\"explainer\":\"statistical\"}")
                .post("/api/features/minilm-l6/3/mlp/17/explain").then().statusCode(200)
                .body("feature", equalTo("minilm-l6/3/mlp/17"))
                .body("explainer", equalTo("statistical"))
                .body("text", not(emptyOrNullString()))
                .body("scores.simulator", equalTo("statistical"))
                .body("scores.nHeldOutTop", greaterThan(0))
                .body("scores.nRandom", greaterThan(0));
        given().get("/api/features/minilm-l6/3/mlp/17").then().statusCode(200)
                .body("explanations.size()", greaterThanOrEqualTo(1))
                .body("explanations[0].explainer", equalTo("statistical"));
    }

    @Test
    void aGivenExplanationIsScoredAndKeptAsTheUsersWhileUnreadableOnesGetA400() {
        String url = "/api/features/minilm-l6/3/mlp/17/score";
        given().contentType(ContentType.JSON).body("{\"explanation\": \"the tokens 'the', 'of'\"}").post(url).then().statusCode(200)
                .body("explainer", equalTo("user"))
                .body("text", equalTo("the tokens 'the', 'of'"))
                .body("scores.simulator", equalTo("statistical"))
                .body("scores.simulation.n", greaterThan(0));
        given().get("/api/features/minilm-l6/3/mlp/17").then().statusCode(200).body("explanations[0].explainer", equalTo("user"));
        given().contentType(ContentType.JSON).body("{\"explanation\": \"something about moods\"}").post(url).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"explanation\": \"commas\", \"simulatr\": \"x\"}").post(url).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{}").post(url).then().statusCode(400);
        // fewer (or more, where the collection holds them) scoring windows on request
        given().contentType(ContentType.JSON).body("{\"explanation\": \"the tokens 'the', 'of'\", \"windows\": 4}").post(url).then().statusCode(200)
                .body("scores.nHeldOutTop", lessThanOrEqualTo(4)).body("scores.nRandom", lessThanOrEqualTo(4));
        given().contentType(ContentType.JSON).body("{\"explanation\": \"commas\", \"windows\": 0}").post(url).then().statusCode(400)
                .body("detail", containsString("windows must lie in"));
        given().contentType(ContentType.JSON).body("{\"causal\": false, \"windows\": 3}").post("/api/features/minilm-l6/3/mlp/17/explain")
                .then().statusCode(200).body("scores.nHeldOutTop", lessThanOrEqualTo(3)).body("scores.nRandom", lessThanOrEqualTo(3));
    }

    @Test
    void explainStoresAndIndexesTheCausalCheckBesideTheScoresUnlessTurnedOff() {
        String feature = "minilm-l6/0/mlp/221";
        var scores = given().contentType(ContentType.JSON).body("{}").post("/api/features/" + feature + "/explain")
                .then().statusCode(200)
                .body("scores.simulation", notNullValue())
                .body("scores.causal.score", allOf(greaterThanOrEqualTo(-1f), lessThanOrEqualTo(1f)))
                .body("scores.causal.topTexts", equalTo(16))
                .body("scores.causal.randomTexts", equalTo(16))
                .body("scores.causal.topEffect", greaterThan(0f))
                .body("scores.causal.intervention", equalTo("zero-ablate " + feature))
                .extract().jsonPath();
        float causal = scores.getFloat("scores.causal.score");
        // the same check as POST /causal: same windows, same ablation, same number
        var direct = given().post("/api/features/" + feature + "/causal").then().statusCode(200).extract().jsonPath();
        org.assertj.core.api.Assertions.assertThat(direct.getFloat("selectivity"))
                .isCloseTo(causal, org.assertj.core.api.Assertions.within(1e-5f));
        org.assertj.core.api.Assertions.assertThat(direct.getFloat("ratio"))
                .isCloseTo(scores.getFloat("scores.causal.ratio"), org.assertj.core.api.Assertions.within(1e-3f));
        given().get("/api/features/" + feature).then().statusCode(200)
                .body("explanations[0].scores.causal.score", equalTo(causal));
        // indexed: the search hit carries it, and minCausal filters on it
        given().get("/api/search?model=minilm-l6&layer=0&minCausal=" + (causal - 0.001f) + "&limit=100").then().statusCode(200)
                .body("hits.feature", hasItem(feature))
                .body("hits.find { it.feature == '" + feature + "' }.causal", equalTo(causal))
                .body("hits.causal", everyItem(greaterThanOrEqualTo(causal - 0.001f)));
        given().get("/api/search?model=minilm-l6&layer=0&minCausal=" + (causal + 0.001f) + "&limit=100").then().statusCode(200)
                .body("hits.feature", not(hasItem(feature)));

        given().contentType(ContentType.JSON).body("{\"explainer\":\"statistical\",\"causal\":false}")
                .post("/api/features/" + feature + "/explain").then().statusCode(200)
                .body("scores.simulation", notNullValue())
                .body("scores", hasKey("causal"))
                .body("scores.causal", nullValue());
        given().get("/api/search?model=minilm-l6&layer=0&minCausal=-1&limit=100").then().statusCode(200)
                .body("hits.feature", not(hasItem(feature))); // re-indexed without it
    }

    @Test
    void explainRequestsAreParsedStrictly() {
        String url = "/api/features/minilm-l6/3/mlp/17/explain";
        given().contentType(ContentType.JSON).body("{\"casual\":false}").post(url).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("unknown field in request body: casual"));
        given().contentType(ContentType.JSON).body("{\"causal\":\"no\"}").post(url).then().statusCode(400)
                .body("detail", equalTo("causal must be true or false"));
        given().contentType(ContentType.JSON).body("{\"explainer\":7}").post(url).then().statusCode(400)
                .body("detail", equalTo("explainer must be a string"));
        given().contentType(ContentType.JSON).body("[]").post(url).then().statusCode(400)
                .body("detail", containsString("JSON object"));
        given().contentType(ContentType.JSON).body("{\"causal\":").post(url).then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void llmWithoutConfigurationSaysWhatToSet() {
        given().contentType(ContentType.JSON).body("{\"explainer\":\"llm\"}")
                .post("/api/features/minilm-l6/3/mlp/17/explain").then().statusCode(503) // the server's configuration, not the caller's input
                .contentType("application/problem+json")
                .body("detail", containsString("lantern.llm"));
    }

    @Test
    void missingAndInvalidFeatures() {
        given().get("/api/features/minilm-l6/5/mlp/17").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("lantern collect"));
        given().get("/api/features/minilm-l6/9/mlp/17").then().statusCode(400);
        given().get("/api/features/minilm-l6/3/mlp/5000").then().statusCode(400);
        given().get("/api/features/not-a-feature").then().statusCode(400);
        given().get("/api/features/nope/3/mlp/1").then().statusCode(404);
        given().contentType(ContentType.JSON).body("{\"explainer\":\"oracle\"}")
                .post("/api/features/minilm-l6/3/mlp/17/explain").then().statusCode(400);
    }

    @Test
    void causalCheckAblatesTheNeuron() {
        given().post("/api/features/minilm-l6/3/mlp/17/causal").then().statusCode(200)
                .body("feature", equalTo("minilm-l6/3/mlp/17"))
                .body("topTexts", greaterThan(0))
                .body("randomTexts", greaterThan(0))
                .body("topEffect", greaterThan(0f));
        given().post("/api/features/minilm-l6/5/mlp/17/causal").then().statusCode(404);
    }
}
