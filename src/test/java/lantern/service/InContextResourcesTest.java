package lantern.service;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import lantern.subject.decoder.PlantedTaskModel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

/** /api/function-vectors and /api/lre over the planted decoders: results, shipped names, problems for bad input. */
@QuarkusTest
@TestProfile(InContextProfile.class)
class InContextResourcesTest {
    @BeforeEach
    void register() throws Exception {
        InContextProfile.register();
    }

    static String copyTask() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < PlantedTaskModel.WORDS; i++) {
            String w = PlantedTaskModel.word(i);
            b.append(i == 0 ? "" : ",").append("{\"input\":\"").append(w).append("\",\"output\":\"").append(w).append("\"}");
        }
        return b.append("]").toString();
    }

    @Test
    void functionVectorFindsThePlantedHead() {
        given().contentType(ContentType.JSON)
                .body("{\"model\":\"planted-task\",\"task\":" + copyTask() + ",\"heads\":2,\"layer\":0,\"shots\":6,"
                        + "\"meanTrials\":12,\"aieTrials\":4,\"seed\":2}")
                .post("/api/function-vectors").then().statusCode(200)
                .body("heads.size()", equalTo(2))
                .body("heads[0].layer", equalTo(PlantedTaskModel.TASK_LAYER))
                .body("heads[0].head", equalTo(PlantedTaskModel.TASK_HEAD))
                .body("heads[0].aie", greaterThan(0.5f))
                .body("aie.size()", equalTo(2))
                .body("zeroShotWithFv", equalTo(1.0f))
                .body("items.size()", equalTo(5));
        given().get("/api/function-vectors/tasks").then().statusCode(200).body("", hasItems("first-copy", "antonym"));
    }

    @Test
    void functionVectorProblems() {
        given().contentType(ContentType.JSON).body("{\"model\":\"planted-task\",\"task\":{\"x\":1}}")
                .post("/api/function-vectors").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("JSON list"));
        given().contentType(ContentType.JSON).body("{\"model\":\"planted-task\",\"taskName\":\"nope\"}")
                .post("/api/function-vectors").then().statusCode(400).body("detail", containsString("shipped"));
        given().contentType(ContentType.JSON).body("{\"model\":\"planted-task\",\"taskName\":\"first-copy\",\"layer\":9}")
                .post("/api/function-vectors").then().statusCode(400).body("detail", containsString("out of range"));
        given().contentType(ContentType.JSON).body("{\"model\":\"minilm-l6\",\"taskName\":\"first-copy\"}")
                .post("/api/function-vectors").then().statusCode(400).body("detail", containsString("encoder"));
        given().contentType(ContentType.JSON).body("{\"model\":\"nope\",\"taskName\":\"first-copy\"}")
                .post("/api/function-vectors").then().statusCode(404).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"model\":\"planted-task\",\"taskName\":\"first-copy\",\"heads\":\"x\"}")
                .post("/api/function-vectors").then().statusCode(400);
    }

    @Test
    void lreIsFaithfulOnTheLinearModelAndValidates() {
        StringBuilder samples = new StringBuilder();
        for (int t = 33; t < 45; t++) {
            samples.append(t == 33 ? "" : ",").append("{\"subject\":\"w").append(t).append("\",\"object\":\"w").append(t).append("\"}");
        }
        given().contentType(ContentType.JSON)
                .body("{\"model\":\"planted-linear\",\"relation\":{\"prompt_templates\":[\"the {}\"],\"samples\":["
                        + samples + "]},\"layer\":0,\"beta\":1,\"train\":4}")
                .post("/api/lre").then().statusCode(200)
                .body("faithfulness", equalTo(1.0f))
                .body("subjects.size()", equalTo(8))
                .body("trainSubjects.size()", equalTo(4));
        given().get("/api/lre/relations").then().statusCode(200).body("", hasItem("country-capital"));
        given().contentType(ContentType.JSON).body("{\"model\":\"planted-linear\",\"relationName\":\"country-capital\",\"layer\":5}")
                .post("/api/lre").then().statusCode(400).body("detail", containsString("out of range"));
        given().contentType(ContentType.JSON).body("{\"model\":\"planted-linear\",\"relation\":{\"prompt_templates\":[\"x\"],"
                        + "\"samples\":[{\"subject\":\"a\",\"object\":\"b\"}]},\"layer\":0}")
                .post("/api/lre").then().statusCode(400).body("detail", containsString("{}"));
        given().contentType(ContentType.JSON).body("{\"model\":\"planted-linear\",\"relationName\":\"country-capital\"}")
                .post("/api/lre").then().statusCode(400).body("detail", containsString("layer"));
        given().contentType(ContentType.JSON).body("{\"model\":\"nope\",\"relationName\":\"country-capital\",\"layer\":0}")
                .post("/api/lre").then().statusCode(404);
    }
}
