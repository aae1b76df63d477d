package lantern.service;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

@QuarkusTest
class ModelsResourceTest {

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
}
