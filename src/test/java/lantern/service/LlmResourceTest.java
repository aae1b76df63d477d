package lantern.service;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

/** {@code GET /api/llm} in the default test profile, where no LLM is configured (the probe itself: LlmServerMatrixTest). */
@QuarkusTest
class LlmResourceTest {
    @Test
    void withoutAnLlmTheCheckNamesTheSettingsToSet() {
        given().get("/api/llm").then().statusCode(503).contentType("application/problem+json")
                .body("detail", containsString("lantern.llm.base-url")).body("detail", containsString("lantern.llm.model"));
    }
}
