package lantern.service;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

/** Directions from examples and steering through REST, on the real MiniLM. */
@QuarkusTest
class SteerResourceTest {
    static final String DIRECTION = """
            {"name": "test-food", "model": "minilm-l6", "hook": "blocks.3.hook_resid_post",
             "positive": ["She baked bread and a lemon cake.", "The soup was full of vegetables.", "We ate pasta with cheese."],
             "negative": ["The bank raised interest rates.", "Stock prices fell on Monday.", "The loan must be repaid."]}""";

    @Test
    void directionThenSteerTowardIt() {
        given().contentType(ContentType.JSON).body(DIRECTION).post("/api/directions").then().statusCode(200)
                .body("name", equalTo("test-food")).body("dimensions", equalTo(384)).body("norm", greaterThan(0f))
                .body("positives", equalTo(3));
        given().get("/api/directions").then().statusCode(200).body("$", hasItem("test-food"));
        String steer = """
                {"model": "minilm-l6", "prompt": "The treasury issued new bonds.",
                 "interventions": [{"type": "add-direction", "direction": "test-food", "scale": 2.0},
                                   {"type": "ablate-neuron", "feature": "minilm-l6/3/mlp/17"}],
                 "candidates": ["A warm pie cooled on the table.", "Investors bought government debt.", "He ordered noodles."]}""";
        given().contentType(ContentType.JSON).body(steer).post("/api/steer").then().statusCode(200)
                .body("applied.size()", equalTo(2))
                .body("cosine", lessThan(0.999f))
                .body("clean[0].text", equalTo("Investors bought government debt."))
                .body("steered.size()", equalTo(3));
    }

    @Test
    void badRequestsAreProblems() {
        given().contentType(ContentType.JSON).body("{\"model\":\"minilm-l6\",\"prompt\":\"hi\",\"interventions\":[{\"type\":\"explode\"}]}")
                .post("/api/steer").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("unknown intervention type"));
        given().contentType(ContentType.JSON).body("{\"model\":\"minilm-l6\",\"prompt\":\"hi\",\"interventions\":[{\"type\":\"add-direction\",\"direction\":\"no-such\"}]}")
                .post("/api/steer").then().statusCode(404);
        given().contentType(ContentType.JSON).body("{\"model\":\"minilm-l6\",\"prompt\":\"hi\",\"interventions\":[{\"type\":\"clamp-sae\",\"feature\":\"minilm-l6/3/sae-resid_post-k999/1\",\"value\":3}]}")
                .post("/api/steer").then().statusCode(404).body("detail", containsString("sae train"));
        given().contentType(ContentType.JSON).body("{\"name\":\"../x\",\"model\":\"minilm-l6\",\"hook\":\"blocks.3.hook_resid_post\",\"positive\":[\"a\"],\"negative\":[\"b\"]}")
                .post("/api/directions").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"name\":\"x\",\"model\":\"minilm-l6\",\"hook\":\"blocks.9.hook_resid_post\",\"positive\":[\"a\"],\"negative\":[\"b\"]}")
                .post("/api/directions").then().statusCode(400).body("detail", containsString("unknown hook"));
    }
}
