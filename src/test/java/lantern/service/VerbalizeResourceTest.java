package lantern.service;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import lantern.train.VerbalizerFixture;
import lantern.train.VerbalizerTrainingRun;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderRegistry;
import lantern.subject.lens.Patchscope;
import lantern.subject.selfreport.Pool;
import lantern.subject.selfreport.VerbalizerNames;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** /api/verbalize over a tiny decoder trained here and a tiny verbalizer trained on it. */
@QuarkusTest
@TestProfile(VerbalizeResourceTest.Profile.class)
class VerbalizeResourceTest {
    static final Path DATA = Path.of("target/verbalize-rest-data").toAbsolutePath();
    static final String SUBJECT = VerbalizerFixture.SUBJECT;
    static final String HOOK = VerbalizerFixture.HOOK;
    static final List<String> TEXTS = List.of("The jury said", "She poured the tea", "Prices fell sharply",
            "The committee will meet", "A small dog barked");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lantern.data-dir", DATA.toString());
        }
    }

    @BeforeEach
    void register() throws Exception {
        new DecoderRegistry(DATA).add(SUBJECT, VerbalizerFixture.subject(), null);
        String name = VerbalizerNames.of(SUBJECT, HOOK, Pool.LAST, true);
        VerbalizerTrainingRun run = new VerbalizerTrainingRun(DATA);
        if (!run.trained(name)) {
            try (DecoderModel subject = VerbalizerFixture.load()) {
                run.run(VerbalizerFixture.options(name, 30, 0), VerbalizerFixture.data(subject),
                        VerbalizerFixture.quiet());
            }
        }
    }

    @Test
    void theReportedFveIsWhatAnIndependentForwardPassOfTheReturnedTextGives() throws Exception {
        JsonPath r = given().contentType(ContentType.JSON)
                .body(Map.of("model", SUBJECT, "hook", HOOK, "texts", TEXTS))
                .post("/api/verbalize").then().statusCode(200)
                .body("model", equalTo(SUBJECT)).body("pool", equalTo("last"))
                .body("items.size()", equalTo(TEXTS.size()))
                .extract().jsonPath();
        List<float[]> a = new ArrayList<>(), b = new ArrayList<>();
        try (DecoderModel d = VerbalizerFixture.load()) {
            long bos = d.bosId();
            for (int i = 0; i < TEXTS.size(); i++) {
                a.add(Patchscope.residPost(d, withBos(bos, d.tokenizer().encode(TEXTS.get(i), false).ids()), 0, -1));
                String said = r.getString("items[" + i + "].text");
                b.add(Patchscope.residPost(d, withBos(bos, d.tokenizer().encode(said, false).ids()), 0, -1));
                assertThat(r.getString("items[" + i + "].trueText")).isEqualTo(TEXTS.get(i));
            }
        }
        double sse = 0, sst = 0;
        int w = a.get(0).length;
        for (int k = 0; k < w; k++) {
            double mean = 0;
            for (float[] x : a) mean += x[k] / a.size();
            for (int i = 0; i < a.size(); i++) {
                sse += Math.pow(a.get(i)[k] - b.get(i)[k], 2);
                sst += Math.pow(a.get(i)[k] - mean, 2);
            }
        }
        assertThat(r.getDouble("fve")).isCloseTo(1 - sse / sst, within(1e-4));
        // the identity Patchscope's prompt does not fit the tiny subject's 24 tokens: the lens is read beside it
        assertThat(r.getList("methods.method")).containsExactly("verbalizer", "logit-lens");
        assertThat(r.getString("items[0].others[0].method")).isEqualTo("logit-lens");
    }

    /** BOS then the ids (the subject frames its texts so; residPost reads index -1, the last token). */
    private static long[] withBos(long bos, long[] ids) {
        long[] out = new long[ids.length + 1];
        out[0] = bos;
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    @Test
    void oneTextGetsItsReadingAndCosine() {
        given().contentType(ContentType.JSON)
                .body(Map.of("model", SUBJECT, "hook", HOOK, "text", "The jury said that", "position", 2))
                .post("/api/verbalize").then().statusCode(200)
                .body("items[0].position", equalTo(2))
                .body("items.size()", equalTo(1));
    }

    @Test
    void badInputGets400sAndAMissingVerbalizer404() {
        given().contentType(ContentType.JSON).body(Map.of("model", SUBJECT, "hook", "blocks.0.hook_resid_postt",
                "text", "The jury")).post("/api/verbalize").then().statusCode(400)
                .body("detail", containsString("hook_resid_post"));
        given().contentType(ContentType.JSON).body(Map.of("model", SUBJECT, "hook", HOOK, "text", "The jury",
                "position", 40)).post("/api/verbalize").then().statusCode(400)
                .body("detail", containsString("out of range"));
        given().contentType(ContentType.JSON).body(Map.of("model", SUBJECT, "hook", HOOK, "text", ""))
                .post("/api/verbalize").then().statusCode(400).body("detail", containsString("empty"));
        given().contentType(ContentType.JSON).body(Map.of("model", SUBJECT, "hook", HOOK, "text", "The jury",
                "position", 0)).post("/api/verbalize").then().statusCode(400).body("detail", containsString("BOS"));
        given().contentType(ContentType.JSON).body(Map.of("model", SUBJECT, "hook", HOOK, "text", "a", "extra", 1))
                .post("/api/verbalize").then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("model", SUBJECT, "hook", "blocks.0.hook_mlp_out",
                "text", "The jury")).post("/api/verbalize").then().statusCode(404)
                .body("detail", containsString("lantern train verbalizer"));
    }

    /**
     * {@code "explainer": "verbalizer"} on a neuron of the tiny subject (collected here): the label is the verbalized
     * output direction, scored like any explanation (its rule: the token the text ends on).
     */
    @Test
    void aNeuronIsExplainedByItsVerbalizedDirection() throws Exception {
        Path brown = DATA.resolve("corpora").resolve("brown");
        if (!java.nio.file.Files.exists(brown)) {
            java.nio.file.Files.createDirectories(brown.getParent());
            java.nio.file.Files.createSymbolicLink(brown, Path.of("lantern-data/corpora/brown").toAbsolutePath());
        }
        if (!java.nio.file.Files.isDirectory(DATA.resolve("activations").resolve(SUBJECT))) {
            int rc = new picocli.CommandLine(new lantern.service.cli.CollectCommand()).execute("--model", SUBJECT,
                    "--layers", "0", "--max-tokens", "800", "--seq-len", "24", "--checkpoint-seconds", "0", "--data", DATA.toString());
            assertThat(rc).isZero();
        }
        JsonPath r = given().contentType(ContentType.JSON).body(Map.of("explainer", "verbalizer", "causal", false))
                .post("/api/features/" + SUBJECT + "/0/mlp/5/explain").then().statusCode(200)
                .body("explainer", equalTo("verbalizer"))
                .body("text", containsString("verbalized direction: \""))
                .extract().jsonPath();
        assertThat(r.getString("rule.kind")).isEqualTo("TOKEN");
        assertThat(r.getString("scores.simulator")).isEqualTo("statistical");
    }
}
