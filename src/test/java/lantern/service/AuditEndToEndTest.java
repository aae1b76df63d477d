package lantern.service;

import lantern.core.LanternConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;


import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

/** A real audit: records from a real Brown collection, the statistical explainer and scorer, the Lucene index. */
@QuarkusTest
class AuditEndToEndTest {
    @Inject
    ModelRegistry models;
    @Inject
    LanternConfig config;

    @BeforeEach
    void collect() {
        TestCollections.ensure(models.minilm(), config.dataDir());
    }

    @Test
    void auditExplainsScoresAndIndexesEveryChosenNeuron() throws Exception {
        String id = given().contentType(ContentType.JSON)
                .body("{\"model\":\"minilm-l6\",\"layers\":[0],\"features\":\"0-7\",\"explainer\":\"statistical\",\"simulator\":\"statistical\",\"concurrency\":2}")
                .post("/api/audits").then().statusCode(anyOf(is(200), is(202))).extract().path("id");
        AuditPolling.awaitDone(id);
        given().get("/api/audits/" + id).then().body("done", equalTo(8)).body("total", equalTo(8));
        given().get("/api/audits/" + id + "/report").then().statusCode(200);
        given().accept("text/html").get("/api/audits/" + id + "/report?format=html").then().statusCode(200)
                .contentType(containsString("text/html")).body(containsString("<svg"));
        // every audited neuron that is alive is searchable, filtered to its layer
        var hits = given().get("/api/search?q=tokens&model=minilm-l6&layer=0&limit=50").then().statusCode(200)
                .extract().jsonPath().getList("hits.feature", String.class);
        assertThat(hits).isNotEmpty().allMatch(f -> f.startsWith("minilm-l6/0/mlp/"));
        // the feature page lists the audit's explanation
        given().get("/api/features/minilm-l6/0/mlp/3").then().statusCode(200)
                .body("explanations.size()", greaterThanOrEqualTo(1));
    }

    @Test
    void anAuditAskedForTheCausalCheckReportsItPerFeatureAndPerLayer() throws Exception {
        String id = given().contentType(ContentType.JSON)
                .body("{\"model\":\"minilm-l6\",\"layers\":[3],\"features\":\"100-103\",\"causal\":true}")
                .post("/api/audits").then().statusCode(202).extract().path("id");
        AuditPolling.awaitDone(id);
        var report = given().get("/api/audits/" + id + "/report?format=json").then().statusCode(200)
                .body("request.causal", equalTo(true))
                .body("meanCausal", notNullValue())
                .extract().jsonPath();
        int alive = 4 - report.getList("dead").size();
        assertThat(report.getInt("layers.'3'.causalScored")).isEqualTo(alive).isPositive();
        assertThat(report.getList("best.causal", Float.class)).isNotEmpty().allMatch(c -> c != null && c >= -1 && c <= 1);
        // every score of a line carries its 95% interval, the causal one over the top + random texts
        assertThat(report.getList("best.intervals.simulation.ci95")).isNotEmpty().allSatisfy(ci -> assertThat((List<?>) ci).hasSize(2));
        assertThat(report.getList("best.intervals.simulation.n", Integer.class)).allMatch(n -> n > 0);
        assertThat(report.getList("best.intervals.causal.n", Integer.class)).allMatch(n -> n > 0);
        assertThat(report.getInt("layers.'3'.intervals.simulationIntervals")).isPositive();
        assertThat(report.getFloat("layers.'3'.intervals.meanSimulationWidth")).isPositive();
        given().get("/api/audits/" + id + "/report?format=html").then().statusCode(200)
                .body(containsString("<th>Mean causal</th>")).body(containsString("Layer 3: mean causal"))
                .body(containsString("<th>Score [95% CI]</th>")).body(containsString("<line class=\"ci\""));
        // the stored explanation and the index carry it too
        given().get("/api/features/minilm-l6/3/mlp/100").then().statusCode(200)
                .body("explanations[0].scores.causal.score", notNullValue());
        var hits = given().get("/api/search?model=minilm-l6&layer=3&minCausal=-1&limit=100").then().statusCode(200)
                .body("hits.feature", hasItems("minilm-l6/3/mlp/100")).extract().jsonPath();
        // and the search hit carries every score with its interval
        assertThat(hits.getList("hits.scores.simulation.ci95")).isNotEmpty().allSatisfy(ci -> assertThat((List<?>) ci).hasSize(2));
        assertThat(hits.getList("hits.scores.causal.n", Integer.class)).allMatch(n -> n > 0);
        assertThat(hits.getList("hits.scoreLow", Float.class)).isEqualTo(
                hits.getList("hits.scores.simulation.ci95", List.class).stream().map(ci -> ((Number) ci.get(0)).floatValue()).toList());
    }

    @Test
    void searchByInferenceJoinsExplanations() {
        given().get("/api/search/by-text?text=The jury praised the election&model=minilm-l6").then().statusCode(200);
    }
}
