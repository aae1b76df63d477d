package lantern.service;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

/** An audit through REST whose task indexes real MiniLM-embedded explanations, then searching them. */
@QuarkusTest
@TestProfile(AuditTestProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditAndSearchResourceTest {
    @TestHTTPResource("/")
    URL root;

    static String id;

    @Test
    @Order(1)
    void auditRunsStreamsEventsAndReports() throws Exception {
        id = given().contentType(ContentType.JSON)
                .body("{\"model\":\"minilm-l6\",\"layers\":[0,2],\"features\":\"0-9\",\"concurrency\":2,\"watchedConcepts\":[\"plural\"]}")
                .post("/api/audits").then().statusCode(202).extract().path("id");

        HttpResponse<java.util.stream.Stream<String>> sse = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(root + "api/audits/" + id + "/events")).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(sse.statusCode()).isEqualTo(200);
        List<String> data = sse.body().filter(l -> l.startsWith("data:")).toList(); // ends when the job ends
        assertThat(data.getFirst()).contains("\"type\":\"state\"");
        assertThat(data.stream().filter(l -> l.contains("\"type\":\"feature\""))).isNotEmpty();
        assertThat(data.getLast()).contains("\"state\":\"done\"").contains("\"done\":20");

        given().get("/api/audits/" + id).then().statusCode(200)
                .body("state", equalTo("done")).body("done", equalTo(20)).body("failed", equalTo(0))
                .body("total", equalTo(20)).body("startedAt", notNullValue());
        given().get("/api/audits").then().statusCode(200).body("id", hasItem(id));

        given().get("/api/audits/" + id + "/report").then().statusCode(200).contentType(ContentType.JSON)
                .body("layers.keySet()", containsInAnyOrder("0", "2"))
                .body("dead.feature", containsInAnyOrder("minilm-l6/0/mlp/3", "minilm-l6/2/mlp/3"))
                .body("best[0].feature", equalTo("minilm-l6/0/mlp/0"))
                .body("watched.plural.feature", hasItems("minilm-l6/0/mlp/0", "minilm-l6/2/mlp/7"));
        String html = given().get("/api/audits/" + id + "/report?format=html").then().statusCode(200)
                .contentType(ContentType.HTML).extract().asString();
        assertThat(html).contains("<svg").contains("nouns in the plural form").contains("Dead features (2)");
        given().accept("text/html").get("/api/audits/" + id + "/report").then().statusCode(200).contentType(ContentType.HTML);
        // cancelling a finished job changes nothing
        given().delete("/api/audits/" + id).then().statusCode(200).body("state", equalTo("done"));
    }

    @Test
    @Order(2)
    void searchFindsWhatTheAuditIndexed() {
        given().get("/api/search?q=plural nouns&limit=5").then().statusCode(200)
                .body("hits[0].text", equalTo("nouns in the plural form"))
                .body("hits[0].match", equalTo("both"))
                .body("hits[0].feature", startsWith("minilm-l6/"))
                .body("hits[0].score", notNullValue())
                .body("total", greaterThanOrEqualTo(4));
        // "calendar" shares no word with "names of months": only the vector side finds it
        given().get("/api/search?q=calendar&limit=1").then().statusCode(200)
                .body("hits[0].text", equalTo("names of months")).body("hits[0].match", equalTo("vector"));
        given().get("/api/search?q=plural nouns&layer=2&limit=50").then().statusCode(200)
                .body("hits.layer", everyItem(equalTo(2)))
                .body("facets.layer.keySet()", contains("2"));
        given().get("/api/search?minScore=0.85&limit=50").then().statusCode(200)
                .body("hits.score", everyItem(greaterThanOrEqualTo(0.85f)))
                .body("total", equalTo(4)); // features 0 and 1 of both layers (0.9, 0.85)
        given().get("/api/search?limit=3&offset=3").then().statusCode(200).body("hits.size()", equalTo(3)).body("total", equalTo(20));
    }

    @Test
    @Order(3)
    void badInputIsA400AndUnknownJobsA404() {
        given().get("/api/search?q=x&layer=abc").then().statusCode(400).body("detail", containsString("layer"));
        given().get("/api/search?q=x&limit=0").then().statusCode(400).body("detail", containsString("limit"));
        given().get("/api/search?q=x&minScore=5").then().statusCode(400).body("detail", containsString("minScore"));
        given().get("/api/search?q=x&minCausal=1.5").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("minCausal"));
        given().get("/api/search?q=x&minCausal=high").then().statusCode(400).body("detail", containsString("minCausal"));
        given().contentType(ContentType.JSON).body("{\"model\":\"minilm-l6\",\"causal\":\"yes\"}")
                .post("/api/audits").then().statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("causal must be true or false"));
        given().contentType(ContentType.JSON).body("{\"model\":\"minilm-l6\",\"features\":\"0-5000\"}")
                .post("/api/audits").then().statusCode(400).body("detail", containsString("exceeds"));
        given().contentType(ContentType.JSON).body("{\"model\":\"minilm-l6\",\"bogus\":1}")
                .post("/api/audits").then().statusCode(400).body("detail", containsString("unknown field"));
        given().get("/api/audits/a0-ffff").then().statusCode(404);
        given().get("/api/audits/" + id + "/report?format=pdf").then().statusCode(400);
    }
}
