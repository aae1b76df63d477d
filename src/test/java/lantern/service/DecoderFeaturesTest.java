package lantern.service;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import lantern.subject.decoder.ReferenceDecoder;
import lantern.subject.decoder.TinyModels;
import lantern.subject.llama2c.Llama2cTokenizer;
import lantern.subject.tokenize.HfTextTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

/**
 * Decoders are first-class over REST: on a GPT-2 layout, a Llama layout and a llama2.c checkpoint (random weights)
 * activations equal the plain-Java reference decoder, audits collect Brown and explain, features show their windows
 * and the tokens they promote, explain / causal / search work with the same calls as MiniLM.
 */
@QuarkusTest
@TestProfile(DecoderFeaturesTest.Profile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DecoderFeaturesTest {
    static final Path DATA = Path.of("target/decoder-features-data");
    static DecoderModelsFixture models;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lantern.data-dir", DATA.toString(), "lantern.audit.collect-tokens", "1500",
                    "quarkus.http.test-port", "0");  // other builds on this machine may hold 8081
        }
    }

    @BeforeAll
    static void register() throws Exception {
        java.nio.file.Files.createDirectories(DATA.resolve("corpora"));
        Path brown = DATA.resolve("corpora/brown");
        if (!java.nio.file.Files.exists(brown)) {
            java.nio.file.Files.createSymbolicLink(brown, Path.of("lantern-data/corpora/brown").toAbsolutePath());
        }
        models = DecoderModelsFixture.register(DATA);
    }

    @SuppressWarnings("unchecked")
    static Map<String, List<Float>> activations(String model, String text, String... features) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("text", text, "features", List.of(features)))
                .post("/api/models/" + model + "/activations").then().statusCode(200)
                .body("model", equalTo(model)).extract().jsonPath().getMap("activations");
    }

    static void assertMatches(List<Float> served, float[][][] ref, int layer, int neuron) {
        assertThat(served).hasSize(ref[layer].length);
        for (int t = 0; t < served.size(); t++) {
            assertThat((double) served.get(t)).as("position %d", t)
                    .isCloseTo(ref[layer][t][neuron], org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    static int[] withPrefix(long[] prefix, long[] ids) {
        int[] out = new int[prefix.length + ids.length];
        for (int i = 0; i < prefix.length; i++) out[i] = (int) prefix[i];
        for (int i = 0; i < ids.length; i++) out[prefix.length + i] = (int) ids[i];
        return out;
    }

    @Test
    @Order(1)
    void activationsEqualThePlainJavaReferenceDecoder() {
        String text = "The café on the corner — naïve, but the cat sat.";
        try (HfTextTokenizer tok = HfTextTokenizer.load(DATA.resolve("models/tiny-gpt2/tokenizer.json"),
                HfTextTokenizer.Options.DECODER)) {
            int[] ids = withPrefix(new long[]{50256}, tok.encode(text, false).ids());
            float[][][] ref = ReferenceDecoder.mlpPost(ReferenceDecoder.Kind.GPT2, DecoderModelsFixture.GPT2, models.gpt2,
                    ids, 0, 1e-5f);
            var served = activations("tiny-gpt2", text, "tiny-gpt2/1/mlp/5", "tiny-gpt2/0/mlp/17");
            assertMatches(served.get("tiny-gpt2/1/mlp/5"), ref, 1, 5);
            assertMatches(served.get("tiny-gpt2/0/mlp/17"), ref, 0, 17);
        }
        String words = "the cat sat on the mat";
        try (HfTextTokenizer tok = HfTextTokenizer.load(DATA.resolve("models/tiny-llama/tokenizer.json"),
                HfTextTokenizer.Options.DECODER)) {
            int[] ids = withPrefix(new long[0], tok.encode(words, false).ids());
            float[][][] ref = ReferenceDecoder.mlpPost(ReferenceDecoder.Kind.HF_LLAMA, DecoderModelsFixture.LLAMA,
                    models.llama, ids, 10000, 1e-6f);
            assertMatches(activations("tiny-llama", words, "tiny-llama/1/mlp/3").get("tiny-llama/1/mlp/3"), ref, 1, 3);
        }
        Llama2cTokenizer l2c = Llama2cTokenizer.load(DATA.resolve("models/tiny-l2c/tokenizer.bin"), DecoderModelsFixture.L2C.vocab());
        int[] ids = withPrefix(new long[]{Llama2cTokenizer.BOS}, l2c.encode("the end of an era", false).ids());
        float[][][] ref = ReferenceDecoder.mlpPost(ReferenceDecoder.Kind.LLAMA2C, DecoderModelsFixture.L2C, models.l2c,
                ids, 10000, 1e-5f);
        assertMatches(activations("tiny-l2c", "the end of an era", "tiny-l2c/0/mlp/9").get("tiny-l2c/0/mlp/9"), ref, 0, 9);
    }

    @Test
    @Order(2)
    void auditsCollectExplainAndIndexDecoderFeatures() throws Exception {
        for (String model : List.of("tiny-gpt2", "tiny-llama", "tiny-l2c")) {
            String id = given().contentType(ContentType.JSON)
                    .body("{\"model\":\"" + model + "\",\"layers\":[1],\"features\":{\"sample\":2,\"seed\":1},\"causal\":true}")
                    .post("/api/audits").then().statusCode(202).extract().path("id");
            AuditPolling.awaitDone(id);
            given().get("/api/audits/" + id).then().statusCode(200).body("done", equalTo(2)).body("failed", equalTo(0));
        }
    }

    @Test
    @Order(3)
    void aNeuronWritingTheUnembeddingOfTheListsItFirstAndExplainsAndSearches() {
        given().get("/api/features/tiny-gpt2/1/mlp/5").then().statusCode(200)
                .body("vocab.promoted[0].token", equalTo(" the"))
                .body("vocab.promoted.size()", equalTo(10))
                .body("vocab.suppressed.size()", equalTo(10))
                .body("vocab.promoted[0].logit", greaterThan(0f))
                .body("top.size()", greaterThan(0))
                .body("top[0].tokens", everyItem(not(containsString("\uFFFD"))))
                .body("top[0].tags", hasItem(notNullValue()));  // Brown tag families carried per token
        given().contentType(ContentType.JSON).body("{\"causal\":true}")
                .post("/api/features/tiny-gpt2/1/mlp/5/explain").then().statusCode(200)
                .body("feature", equalTo("tiny-gpt2/1/mlp/5"))
                .body("text", not(emptyOrNullString()))
                .body("scores.causal.intervention", containsString("next-token KL"))
                .body("scores.causal.topTexts", greaterThan(0))
                // the output side: amplified, the neuron raises ' the' more than any random unit, and the label says so
                .body("output.promotes[0]", equalTo(" the"))
                .body("output.rank", equalTo(1.0f))
                .body("output.score", greaterThan(0f))
                .body("text", endsWith("; promotes ' the'"));
        given().get("/api/features/tiny-gpt2/1/mlp/5").then().statusCode(200)
                .body("explanations[0].output.promotes[0]", equalTo(" the"));
        given().get("/api/search?q=promotes the token 'the'&model=tiny-gpt2").then().statusCode(200)
                .body("hits.feature", hasItem("tiny-gpt2/1/mlp/5"))
                .body("hits.find { it.feature == 'tiny-gpt2/1/mlp/5' }.match", anyOf(equalTo("text"), equalTo("both")));
        given().get("/api/search/by-text?text=the cat sat on the mat&model=tiny-gpt2&layer=1&limit=5").then().statusCode(200)
                .body("hits.size()", equalTo(5))
                .body("hits[0].feature", startsWith("tiny-gpt2/1/mlp/"));
    }

    @Test
    @Order(4)
    void causalChecksRunOnLlamaAndLlama2c() {
        for (String f : List.of("tiny-llama/1/mlp/3", "tiny-l2c/1/mlp/3")) {
            given().post("/api/features/" + f + "/causal").then().statusCode(200)
                    .body("feature", equalTo(f))
                    .body("intervention", containsString("zero-ablate " + f))
                    .body("topTexts", greaterThan(0)).body("randomTexts", greaterThan(0))
                    .body("selectivity", both(greaterThanOrEqualTo(-1f)).and(lessThanOrEqualTo(1f)));
        }
    }
}
