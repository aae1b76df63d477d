package lantern.service;

import ai.djl.ndarray.NDManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import lantern.subject.decoder.TinyModels;
import lantern.subject.sae.SaeArchitecture;
import lantern.subject.sae.SaeWeights;
import lantern.subject.transcoder.Transcoder;
import lantern.subject.transcoder.TranscoderFormat;
import lantern.subject.transcoder.TranscoderSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

/** /api/graphs over the tiny GPT-2 of {@link DecoderResourcesTest} (same profile, same app) with random transcoders. */
@QuarkusTest
@TestProfile(DecoderResourcesTest.Profile.class)
class GraphsResourceTest {
    static final Path DATA = DecoderResourcesTest.DATA;

    @BeforeEach
    void register() throws Exception {
        DecoderResourcesTest.registerTinyGpt2();
        int d = TinyModels.SMALL.d(), f = 40;
        Random r = new Random(2);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (int l = 0; l < TinyModels.SMALL.layers(); l++) {
                Path out = TranscoderSet.layerDir(DATA, "tiny-gpt2", "t", l);
                if (Files.exists(out.resolve("cfg.json"))) continue;
                SaeWeights w = new SaeWeights(g(r, d * f, 0.4), g(r, f, 0.2), g(r, f * d, 0.3), g(r, d, 0.1), null);
                try (Transcoder t = Transcoder.of("tiny-gpt2", l, d, f, SaeArchitecture.TOPK, 4, w, m)) {
                    TranscoderFormat.save(t, out);
                }
            }
        }
    }

    static float[] g(Random r, int n, double s) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * s);
        return a;
    }

    @Test
    void buildListReadAndIntervene() {
        String id = given().contentType(ContentType.JSON)
                .body("{\"model\":\"tiny-gpt2\",\"transcoders\":\"t\",\"prompt\":\"the cat sat on the mat\"}")
                .post("/api/graphs").then().statusCode(200)
                .body("id", notNullValue())
                .body("replacementScore", both(greaterThanOrEqualTo(0f)).and(lessThanOrEqualTo(1f)))
                .body("completenessScore", both(greaterThanOrEqualTo(0f)).and(lessThanOrEqualTo(1f)))
                .body("featureNodes", greaterThan(0))
                .body("topPath.size()", greaterThan(1))
                .extract().path("id");
        given().get("/api/graphs").then().statusCode(200).body("id", hasItem(id));
        given().get("/api/graphs/" + id).then().statusCode(200)
                .body("metadata.slug", equalTo(id))
                .body("metadata.prompt_tokens", contains("the", "cat", "sat", "on", "the", "mat"))
                .body("nodes.feature_type", hasItem("logit"))
                .body("links.size()", greaterThan(0));
        int all = given().get("/api/graphs/" + id + "?pruned=false").then().statusCode(200).extract().path("links.size()");
        int pruned = given().get("/api/graphs/" + id).then().extract().path("links.size()");
        org.assertj.core.api.Assertions.assertThat(all).isGreaterThan(pruned);
        String feature = given().get("/api/graphs/" + id + "?pruned=false").then().extract()
                .path("nodes.find { it.feature_type == 'cross layer transcoder' }.node_id");
        given().contentType(ContentType.JSON).body("{\"nodes\":[\"" + feature + "\"],\"scale\":0}")
                .post("/api/graphs/" + id + "/intervene").then().statusCode(200)
                .body("logits.size()", greaterThan(0))
                .body("logits[0].predictedDirect", notNullValue())
                .body("logits[0].actualDelta", notNullValue());
    }

    @Test
    void badInputIsAProblem() {
        given().contentType(ContentType.JSON).body("{\"model\":\"tiny-gpt2\",\"prompt\":\"the cat\"}")
                .post("/api/graphs").then().statusCode(400).contentType(containsString("problem+json"))
                .body("detail", containsString("transcoders"));
        given().contentType(ContentType.JSON).body("{\"model\":\"tiny-gpt2\",\"transcoders\":\"none\",\"prompt\":\"the cat\"}")
                .post("/api/graphs").then().statusCode(404).body("detail", containsString("lantern train transcoder"));
        given().contentType(ContentType.JSON)
                .body("{\"model\":\"tiny-gpt2\",\"transcoders\":\"t\",\"prompt\":\"the cat\",\"nodeThreshold\":2}")
                .post("/api/graphs").then().statusCode(400).body("detail", containsString("between 0 and 1"));
        given().contentType(ContentType.JSON).body("{\"model\":\"nope\",\"transcoders\":\"t\",\"prompt\":\"the cat\"}")
                .post("/api/graphs").then().statusCode(404);
        given().get("/api/graphs/zz-missing").then().statusCode(404).contentType(containsString("problem+json"));
        given().get("/api/graphs/zz-missing?pruned=maybe").then().statusCode(400);
        String id = given().contentType(ContentType.JSON)
                .body("{\"model\":\"tiny-gpt2\",\"transcoders\":\"t\",\"prompt\":\"the cat\"}")
                .post("/api/graphs").then().statusCode(200).extract().path("id");
        given().contentType(ContentType.JSON).body("{\"nodes\":[\"9_9_9\"]}")
                .post("/api/graphs/" + id + "/intervene").then().statusCode(400).body("detail", containsString("not a feature node"));
        given().contentType(ContentType.JSON).body("{}")
                .post("/api/graphs/" + id + "/intervene").then().statusCode(400);
    }
}
