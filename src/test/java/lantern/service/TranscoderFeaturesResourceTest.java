package lantern.service;

import ai.djl.ndarray.NDManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import lantern.core.LanternConfig;
import lantern.api.Manifest;
import lantern.subject.decoder.DecoderRegistry;
import lantern.subject.decoder.TinyModels;
import lantern.subject.sae.SaeArchitecture;
import lantern.subject.sae.SaeWeights;
import lantern.subject.transcoder.FeatureDictionaries;
import lantern.subject.transcoder.Transcoder;
import lantern.subject.transcoder.TranscoderFormat;
import lantern.subject.transcoder.TranscoderSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.*;

/**
 * Transcoder features are Lantern features ({@code {model}/{layer}/tc-{set}/{index}}), round trip on the tiny GPT-2
 * of {@link DecoderResourcesTest} with a random transcoder set: an attribution graph names a feature node, its
 * feature is collected over Brown, shown, explained statistically (with the causal check), stored, indexed and
 * found, and the graph then carries that explanation as the node's clerp. Also: the graph JSON streams the same bytes
 * the buffered writer gives.
 */
@QuarkusTest
@TestProfile(DecoderResourcesTest.Profile.class)
class TranscoderFeaturesResourceTest {
    static final Path DATA = DecoderResourcesTest.DATA;
    static final String MODEL = "tiny-gpt2", SET = "rt", KIND = "tc-rt";
    static final String PROMPT = "the cat sat on the mat";

    @Inject
    CollectionService collections;
    @Inject
    lantern.core.AttributionGraphs circuits;
    @Inject
    FeatureRecordsService records;
    @Inject
    LanternConfig config;

    @BeforeEach
    void register() throws Exception {
        Path dir = DATA.resolve("tiny-gpt2");
        if (!Files.exists(dir.resolve("model.safetensors"))) {
            TinyModels.writeGpt2(dir, TinyModels.SMALL, TinyModels.gpt2Weights(TinyModels.SMALL, 5), "F32", "");
        }
        new DecoderRegistry(DATA).add(MODEL, dir, null);
        Path corpus = config.dataDir().resolve("corpora/brown");
        if (!Files.exists(corpus)) {
            Files.createDirectories(corpus.getParent());
            Files.createSymbolicLink(corpus, TestCollections.BROWN.toAbsolutePath());
        }
        int d = TinyModels.SMALL.d(), f = 24;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (int l = 0; l < TinyModels.SMALL.layers(); l++) {
                Path out = TranscoderSet.layerDir(DATA, MODEL, SET, l);
                if (Files.exists(out.resolve("cfg.json"))) continue;
                Random r = new Random(11 + l);
                SaeWeights w = new SaeWeights(GraphsResourceTest.g(r, d * f, 0.5), GraphsResourceTest.g(r, f, 0.1),
                        GraphsResourceTest.g(r, f * d, 0.3), GraphsResourceTest.g(r, d, 0.05), null);
                try (Transcoder t = Transcoder.of(MODEL, l, d, f, SaeArchitecture.TOPK, 4, w, m)) {
                    TranscoderFormat.save(t, out);
                }
            }
        }
    }

    private static String graph() {
        return given().contentType(ContentType.JSON)
                .body(Map.of("model", MODEL, "transcoders", SET, "prompt", PROMPT))
                .post("/api/graphs").then().statusCode(200).extract().path("id");
    }

    @Test
    void aGraphNodesFeatureIsCollectedExplainedIndexedAndBecomesItsClerp() throws Exception {
        // explanations of an earlier run in this data folder would label the nodes already
        org.apache.commons.io.FileUtils.deleteDirectory(DATA.resolve("explanations").resolve(MODEL).toFile());
        String id = graph();
        JsonPath before = given().get("/api/graphs/" + id + "?pruned=false").then().statusCode(200)
                .body("metadata.lantern.feature_kind", equalTo(KIND)).extract().jsonPath();
        List<Map<String, Object>> features = before.getList("nodes.findAll { it.feature_type == 'cross layer transcoder' }");
        assertThat(features).isNotEmpty().allSatisfy(n -> assertThat(n.get("clerp")).isEqualTo(""));
        // the strongest feature node of layer 0
        Map<String, Object> node = features.stream().filter(n -> String.valueOf(n.get("layer")).equals("0"))
                .max(Comparator.comparingDouble(n -> ((Number) n.get("activation")).doubleValue())).orElseThrow();
        String[] parts = ((String) node.get("node_id")).split("_");
        int layer = Integer.parseInt(parts[0]), index = Integer.parseInt(parts[1]), pos = Integer.parseInt(parts[2]);
        String feature = MODEL + "/" + layer + "/" + KIND + "/" + index;

        // the activation the feature id reads is the one the graph found (another code path: the local replacement)
        List<Float> acts = given().contentType(ContentType.JSON).body(Map.of("text", PROMPT, "features", List.of(feature)))
                .post("/api/models/" + MODEL + "/activations").then().statusCode(200)
                .extract().jsonPath().getList("activations['" + feature + "']", Float.class);
        assertThat((double) acts.get(pos)).isCloseTo(((Number) node.get("activation")).doubleValue(), within(1e-4));

        // collect (as audits do), then the feature is shown like any other
        collections.ensureSae(MODEL, layer, KIND, 3000);
        Manifest m = records.collections().stream().filter(c -> c.model().equals(MODEL) && c.kind().equals(KIND)
                && c.layers().contains(layer)).findFirst().orElseThrow();
        assertThat(m.saeFingerprint()).isEqualTo(FeatureDictionaries.fingerprintOfFolder(
                TranscoderSet.layerDir(DATA, MODEL, SET, layer), KIND));
        given().get("/api/features/" + feature).then().statusCode(200)
                .body("kind", equalTo(KIND)).body("index", equalTo(index))
                .body("stats.max", greaterThan(0f))
                .body("top.size()", greaterThan(0))
                .body("vocab.promoted.size()", equalTo(10));
        given().get("/api/features/" + MODEL + "/" + layer + "/" + KIND + "/999").then().statusCode(400)
                .contentType(containsString("problem+json"));

        // explained statistically with the causal check (the decoder row taken off the MLP output), stored, indexed
        String text = given().contentType(ContentType.JSON).body("{\"causal\":true}")
                .post("/api/features/" + feature + "/explain").then().statusCode(200)
                .body("feature", equalTo(feature))
                .body("scores.causal.intervention", containsString("ablate " + feature))
                .body("scores.causal.intervention", containsString("next-token KL"))
                .extract().path("text");
        assertThat(text).isNotBlank();
        given().get("/api/features/" + feature).then().body("explanations[0].text", equalTo(text));
        given().queryParam("q", text).queryParam("model", MODEL).queryParam("kind", KIND).get("/api/search")
                .then().statusCode(200).body("hits.feature", hasItem(feature));
        given().queryParam("text", PROMPT).queryParam("model", MODEL).queryParam("kind", KIND).queryParam("layer", layer)
                .queryParam("limit", 3).get("/api/search/by-text").then().statusCode(200)
                .body("hits.size()", equalTo(3)).body("hits.feature", everyItem(startsWith(MODEL + "/" + layer + "/" + KIND + "/")));

        // the graph now labels that node (and the same feature at other positions) with the stored explanation
        JsonPath after = given().get("/api/graphs/" + id + "?pruned=false").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> labelled = after.getList("nodes.findAll { it.feature_type == 'cross layer transcoder' }");
        for (Map<String, Object> n : labelled) {
            String[] p = ((String) n.get("node_id")).split("_");
            boolean same = Integer.parseInt(p[0]) == layer && Integer.parseInt(p[1]) == index;
            assertThat(n.get("clerp")).as((String) n.get("node_id")).isEqualTo(same ? text : "");
        }
    }

    @Test
    void aTranscoderKindIsAuditable() throws Exception {
        String audit = given().contentType(ContentType.JSON)
                .body("{\"model\":\"" + MODEL + "\",\"layers\":[1],\"kind\":\"" + KIND + "\",\"features\":\"0-1\",\"causal\":false}")
                .post("/api/audits").then().statusCode(202).extract().path("id");
        AuditPolling.awaitDone(audit);
        given().get("/api/audits/" + audit).then().body("done", equalTo(2)).body("failed", equalTo(0));
        given().get("/api/features/" + MODEL + "/1/" + KIND + "/0").then().statusCode(200)
                .body("explanations.size()", greaterThan(0));
        given().contentType(ContentType.JSON)
                .body("{\"model\":\"" + MODEL + "\",\"layers\":[1],\"kind\":\"tc-none\",\"features\":\"0-1\"}")
                .post("/api/audits").then().statusCode(400).body("detail", containsString("lantern train transcoder"));
    }

    @Test
    void graphJsonStreamsTheBytesTheBufferedWriterGives() throws Exception {
        String id = graph();
        for (boolean pruned : new boolean[]{true, false}) {
            ByteArrayOutputStream buffered = new ByteArrayOutputStream();
            circuits.writeJson(id, pruned, buffered);
            var response = given().get("/api/graphs/" + id + "?pruned=" + pruned).then().statusCode(200)
                    .contentType(containsString("json")).extract();
            assertThat(response.asByteArray()).isEqualTo(buffered.toByteArray());
            assertThat(buffered.size()).isGreaterThan(1000);
            // written as it is made: chunked, no length known up front
            assertThat(response.header("Content-Length")).isNull();
            assertThat(response.header("Transfer-Encoding")).isEqualTo("chunked");
        }
    }
}
