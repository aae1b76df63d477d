package lantern.service;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Waits for an audit started through REST to end, and checks that it ended done. */
final class AuditPolling {
    private AuditPolling() {
    }

    static void awaitDone(String auditId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        String state;
        do {
            Thread.sleep(300);
            state = given().get("/api/audits/" + auditId).then().statusCode(200).extract().path("state");
        } while (!state.equals("done") && !state.equals("failed") && System.nanoTime() < deadline);
        assertThat(state).as("state of audit %s", auditId).isEqualTo("done");
    }
}
