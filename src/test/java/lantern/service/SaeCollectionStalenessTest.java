package lantern.service;

import lantern.core.LanternConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import lantern.api.Manifest;
import lantern.subject.sae.SaeArchitecture;
import lantern.subject.sae.SaeConfig;
import lantern.subject.sae.SaeFingerprint;
import lantern.subject.sae.SaeLensFormat;
import lantern.subject.sae.SaeWeights;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

/**
 * A collection of SAE features remembers which weights it was read with; once the SAE is retrained on disk its
 * records answer 409 instead of old windows, and an audit of those features collects them again by itself.
 */
@QuarkusTest
class SaeCollectionStalenessTest {
    static final int D_IN = 384, D_SAE = 40, K = 5;
    static final SaeConfig CFG = new SaeConfig("minilm-l6", "blocks.2.hook_resid_post", D_IN, D_SAE,
            SaeArchitecture.TOPK, K, true, "none");
    static final String KIND = CFG.kind(); // sae-resid_post-k5
    static final String FEATURE = "minilm-l6/2/" + KIND + "/3";

    @Inject
    ModelRegistry models;
    @Inject
    CollectionService collections;
    @Inject
    FeatureRecordsService records;
    @Inject
    LanternConfig config;

    static SaeWeights weights(long seed) {
        Random r = new Random(seed);
        float[] wEnc = new float[D_IN * D_SAE], wDec = new float[D_SAE * D_IN];
        for (int i = 0; i < wEnc.length; i++) wEnc[i] = (float) r.nextGaussian() * 0.05f;
        for (int i = 0; i < wDec.length; i++) wDec[i] = (float) r.nextGaussian() * 0.05f;
        return new SaeWeights(wEnc, new float[D_SAE], wDec, new float[D_IN], null);
    }

    private Manifest manifest() {
        return records.collections().stream().filter(m -> m.kind().equals(KIND)).findFirst().orElseThrow();
    }

    @Test
    void aRetrainedSaeMakesItsCollectionStaleUntilItIsCollectedAgain() throws Exception {
        // the service collects from {data}/corpora/brown: point it at the checked-out corpus
        Path corpus = config.dataDir().resolve("corpora/brown");
        if (!Files.exists(corpus)) {
            Files.createDirectories(corpus.getParent());
            Files.createSymbolicLink(corpus, TestCollections.BROWN.toAbsolutePath());
        }
        Path dir = models.saes().dir("minilm-l6", 2, KIND);
        SaeWeights first = weights(1);
        SaeLensFormat.save(CFG, first, dir);
        collections.ensureSae("minilm-l6", 2, KIND, 3000);
        assertThat(manifest().saeFingerprint()).isEqualTo(SaeFingerprint.of(CFG, first))
                .isEqualTo(SaeFingerprint.ofFolder(dir));
        given().get("/api/features/" + FEATURE).then().statusCode(200).body("kind", equalTo(KIND));

        // retrained behind the service's back (as `lantern sae train` in another process would)
        SaeWeights second = weights(2);
        SaeLensFormat.save(CFG, second, dir);
        for (var call : new String[]{"GET", "explain", "causal"}) {
            var response = call.equals("GET") ? given().get("/api/features/" + FEATURE)
                    : given().contentType(ContentType.JSON).body("{}").post("/api/features/" + FEATURE + "/" + call);
            response.then().statusCode(409).contentType("application/problem+json")
                    .body("status", equalTo(409))
                    .body("detail", containsString("was made with SAE weights " + SaeFingerprint.of(CFG, first).substring(0, 19)))
                    .body("detail", containsString("Collect it again: ./lantern collect --sae " + KIND + " --layers 2"));
        }

        // an audit of the SAE's features collects them again with the new weights, then explains them
        String id = given().contentType(ContentType.JSON)
                .body("{\"model\":\"minilm-l6\",\"layers\":[2],\"kind\":\"" + KIND + "\",\"features\":\"0-3\",\"causal\":true}")
                .post("/api/audits").then().statusCode(202).extract().path("id");
        AuditPolling.awaitDone(id);
        given().get("/api/audits/" + id).then().body("done", equalTo(4)).body("failed", equalTo(0));
        assertThat(manifest().saeFingerprint()).isEqualTo(SaeFingerprint.of(CFG, second));
        given().get("/api/features/" + FEATURE).then().statusCode(200)
                .body("explanations[0].scores.causal.intervention", containsString("clamp " + FEATURE));
    }
}
