package lantern.service;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import lantern.train.VerbalizerFixture;
import lantern.subject.bert.BertModel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * {@code "explainer": "verbalizer"} on MiniLM over REST: a neuron of layer 1 (a tiny verbalizer of its resid_post,
 * the fixture's) is explained and scored; a neuron of layer 2 (no verbalizer) is a 404 naming the command.
 */
@QuarkusTest
@TestProfile(VerbalizeEncoderResourceTest.Profile.class)
class VerbalizeEncoderResourceTest {
    static final Path DATA = Path.of("target/verbalizer-encoder-data").toAbsolutePath();

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lantern.data-dir", DATA.toString());
        }
    }

    @BeforeEach
    void prepare() throws Exception {
        assertThat(VerbalizerFixture.encoderData()).isEqualTo(DATA);
        try (BertModel minilm = BertModel.loadMiniLm()) {
            VerbalizerFixture.encoderVerbalizer(DATA, minilm, "blocks.1.hook_resid_post", 30);
        }
        if (!Files.isDirectory(DATA.resolve("activations").resolve(BertModel.MINILM_ID))) {
            int rc = new picocli.CommandLine(new lantern.service.cli.CollectCommand()).execute("--model",
                    BertModel.MINILM_ID, "--layers", "1,2", "--max-tokens", "800", "--checkpoint-seconds", "0",
                    "--data", DATA.toString());
            assertThat(rc).isZero();
        }
    }

    @Test
    void aMiniLmNeuronIsExplainedByItsVerbalizedDirectionAndALayerWithoutAVerbalizerIs404() {
        JsonPath r = given().contentType(ContentType.JSON).body(Map.of("explainer", "verbalizer", "causal", false))
                .post("/api/features/minilm-l6/1/mlp/7/explain").then().statusCode(200)
                .body("explainer", equalTo("verbalizer"))
                .body("text", containsString("(its words)"))
                .extract().jsonPath();
        assertThat(r.getString("rule.kind")).isEqualTo("TOKEN");
        given().contentType(ContentType.JSON).body(Map.of("explainer", "verbalizer", "causal", false))
                .post("/api/features/minilm-l6/2/mlp/7/explain").then().statusCode(404)
                .contentType(containsString("problem+json"))
                .body("detail", containsString("lantern train verbalizer --model minilm-l6 --hook blocks.2.hook_resid_post"));
    }
}
