package lantern.service;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import lantern.subject.decoder.DecoderRegistry;
import lantern.subject.decoder.TinyModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The model page's head tables (and the graph pages) in headless Chromium, against the service with the small
 * random-weight GPT-2 of {@link DecoderResourcesTest} (same profile, so no extra start). As in
 * {@link WebViewerBrowserTest}: the page's flow, its accessibility, and a console free of errors.
 */
@QuarkusTest
@TestProfile(DecoderResourcesTest.Profile.class)
@EnabledIf(value = "lantern.service.WebViewerBrowserTest#browserInstalled",
        disabledReason = "no chromium / chromedriver on this machine")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CircuitsBrowserTest {
    static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static Chromium browser;
    private static ChromeDriver driver;

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void setUp() throws Exception {
        Path dir = DecoderResourcesTest.DATA.resolve("tiny-gpt2");
        if (!Files.exists(dir.resolve("model.safetensors"))) {
            TinyModels.writeGpt2(dir, TinyModels.SMALL, TinyModels.gpt2Weights(TinyModels.SMALL, 5), "F32", "");
        }
        new DecoderRegistry(DecoderResourcesTest.DATA).add("tiny-gpt2", dir, null);
        if (browser == null) {
            browser = Chromium.start();
            driver = browser.driver();
        }
    }

    @AfterAll
    static void quit() {
        if (browser != null) browser.close();
        browser = null;
        driver = null;
    }

    @Test
    @Order(1)
    void theModelPageShowsEveryHeadsScoresAsTheApiGivesThem() {
        browser.step("model-heads", () -> {
            open("/");
            driver.findElement(By.linkText("tiny-gpt2")).click();
            browser.until(d -> d.getCurrentUrl().contains("/models/tiny-gpt2"));
            browser.ready();
            assertThat(driver.findElement(By.id("title")).getText()).isEqualTo("Model tiny-gpt2");
            // the defaults ran on load; now a smaller probe through the form, which goes into the URL
            browser.until(d -> d.findElements(By.cssSelector("table.heat")).size() == 4);
            driver.findElement(By.id("length")).sendKeys("8");
            driver.findElement(By.id("batch")).sendKeys("2");
            driver.findElement(By.id("seed")).sendKeys("4");
            driver.findElement(By.id("score-heads")).click();
            browser.until(d -> d.getCurrentUrl().contains("length=8") && d.findElement(By.id("heads-status")).getText().contains("seed 4"));
            var api = given().contentType(ContentType.JSON).body("{\"length\":8,\"batch\":2,\"seed\":4,\"ablation\":\"zero\"}")
                    .post("/api/models/tiny-gpt2/heads").then().statusCode(200).extract().jsonPath();
            List<WebElement> tables = driver.findElements(By.cssSelector("table.heat"));
            assertThat(tables).extracting(t -> t.getAttribute("data-score"))
                    .containsExactly("previousToken", "duplicateToken", "induction", "lossChange");
            for (WebElement table : tables) {
                String key = table.getAttribute("data-score");
                List<WebElement> cells = table.findElements(By.cssSelector("td.heat"));
                assertThat(cells).hasSize(8);
                assertThat(table.findElements(By.cssSelector("tbody tr"))).hasSize(2);
                for (WebElement cell : cells) {
                    int i = Integer.parseInt(cell.getAttribute("data-layer")) * 4 + Integer.parseInt(cell.getAttribute("data-head"));
                    assertThat(Double.parseDouble(cell.getAttribute("data-value"))).as(key + " cell " + i)
                            .isCloseTo(api.getDouble("heads[" + i + "]." + key), within(1e-6));
                }
            }
            // the strongest head of a score is drawn strongest
            WebElement induction = tables.get(2);
            WebElement best = induction.findElements(By.cssSelector("td.heat")).stream()
                    .max(java.util.Comparator.comparingDouble(c -> Double.parseDouble(c.getAttribute("data-value")))).orElseThrow();
            assertThat(best.getCssValue("background-color")).startsWith("rgba(255, 140, 0, 0.");
            assertThat(driver.findElement(By.id("strongest")).getText()).contains("Strongest induction heads: L");
            assertThat(driver.findElement(By.id("clean-loss")).getText()).contains("repeated copy");
            browser.accessible();
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(1100, 1000));
            browser.screenshot(SCREENSHOTS.resolve("model-heads.png"));
            driver.navigate().refresh(); // the URL holds the probe
            browser.ready();
            browser.until(d -> d.findElement(By.id("heads-status")).getText().contains("seed 4"));
            assertThat(driver.findElement(By.id("length")).getAttribute("value")).isEqualTo("8");
            browser.noConsoleErrors();
        });
    }

    @Test
    @Order(2)
    void anEncoderGetsScoresWithoutLossAndAnUnknownModelAReadableError() {
        browser.step("model-encoder", () -> {
            open("/models/minilm-l6?length=5&batch=1");
            browser.until(d -> d.findElements(By.cssSelector("table.heat")).size() == 3);
            assertThat(driver.findElements(By.cssSelector("table.heat[data-score=previousToken] tbody tr"))).hasSize(6);
            assertThat(driver.findElements(By.cssSelector("table.heat[data-score=previousToken] td.heat"))).hasSize(72);
            assertThat(driver.findElements(By.id("clean-loss"))).isEmpty();
            browser.accessible();
            browser.noConsoleErrors();
            open("/models/no-such-model");
            assertThat(driver.findElement(By.cssSelector("#app .error[role=alert]")).getText()).contains("(404)")
                    .contains("unknown model 'no-such-model'");
        });
    }

    /** A small graph in circuit-tracer's JSON: "the United" → " States" through two features and an error node. */
    static final String GRAPH = """
            {"metadata": {"slug": "g-test", "scan": "tiny-gpt2", "prompt": "the United", "prompt_tokens": ["<bos>", "the", "United"],
                          "transcoder_list": ["tc"], "node_threshold": 0.8},
             "qParams": {"pinnedIds": [], "supernodes": [], "linkType": "both", "clickedId": "", "sg_pos": ""},
             "nodes": [
               {"node_id": "E_1_1", "feature": 1, "layer": "E", "ctx_idx": 1, "feature_type": "embedding", "jsNodeId": "E_1-1", "clerp": ""},
               {"node_id": "E_7_2", "feature": 2, "layer": "E", "ctx_idx": 2, "feature_type": "embedding", "jsNodeId": "E_7-2", "clerp": ""},
               {"node_id": "0_17_2", "feature": 17, "layer": "0", "ctx_idx": 2, "feature_type": "cross layer transcoder",
                "jsNodeId": "0_17-0", "clerp": "the word United", "activation": 2.5, "influence": 0.4,
                "featureId": "tiny-gpt2/0/mlp/17"},
               {"node_id": "1_5_2", "feature": 5, "layer": "1", "ctx_idx": 2, "feature_type": "cross layer transcoder",
                "jsNodeId": "1_5-0", "clerp": "country names after 'the'", "activation": 1.25, "influence": 0.3,
                "featureId": "tiny-gpt2/1/mlp/5"},
               {"node_id": "1_-1_2", "feature": -1, "layer": "1", "ctx_idx": 2, "feature_type": "mlp reconstruction error", "jsNodeId": "1_2-0"},
               {"node_id": "3_42_2", "feature": 42, "layer": "3", "ctx_idx": 2, "feature_type": "logit", "token_prob": 0.6,
                "is_target_logit": true, "jsNodeId": "L_42-2", "clerp": "Output \\\" States\\\" (p=0.600)"}],
             "links": [
               {"source": "E_7_2", "target": "0_17_2", "weight": 3.0},
               {"source": "E_1_1", "target": "1_5_2", "weight": 0.5},
               {"source": "0_17_2", "target": "1_5_2", "weight": 1.5},
               {"source": "1_5_2", "target": "3_42_2", "weight": 2.0},
               {"source": "1_-1_2", "target": "3_42_2", "weight": -0.75}]}""";

    @Test
    @Order(3)
    void aGraphIsDrawnByLayerAndPositionWithLabelsEdgeWidthsAndFeatureLinks() {
        browser.step("graph-draw", () -> {
            open("/models/tiny-gpt2?length=4&batch=1&ablation=none"); // any page: graph.js is loaded next, by hand
            browser.noConsoleErrors();
            driver.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    const s = document.createElement('script');
                    s.src = '/web/graph.js';
                    s.onload = () => done(true);
                    document.head.append(s);""");
            // graph.js's own page call asks the API for a graph named after this URL: it fails, and is cleared here
            browser.until(d -> !d.findElements(By.cssSelector("#app .error")).isEmpty());
            browser.consoleErrors();
            driver.executeScript("document.getElementById('app').replaceChildren(...LG.render(JSON.parse(arguments[0])))", GRAPH);
            List<WebElement> nodes = driver.findElements(By.cssSelector("#graph-svg g.node"));
            assertThat(nodes).hasSize(6);
            assertThat(driver.findElements(By.cssSelector("#graph-svg path.edge"))).hasSize(5);
            // rows by layer: embeddings at the bottom, then L0, L1, the logit on top; columns by position
            double yEmb = y("E_7_2"), y0 = y("0_17_2"), y1 = y("1_5_2"), yLogit = y("3_42_2");
            assertThat(yEmb).isGreaterThan(y0);
            assertThat(y0).isGreaterThan(y1);
            assertThat(y1).isGreaterThan(yLogit);
            assertThat(x("E_1_1")).isLessThan(x("E_7_2"));
            assertThat(y("1_-1_2")).isEqualTo(y1);
            // labels: the explanation (clerp), the embedded token, the logit's clerp
            assertThat(text("0_17_2")).isEqualTo("the word United");
            assertThat(text("E_7_2")).isEqualTo("Emb: \"United\"");
            assertThat(driver.findElement(By.cssSelector("#graph-svg [data-node='1_5_2'] title")).getAttribute("textContent"))
                    .startsWith("country names after 'the'");
            // edge width by |weight|: the largest is 6 px, a quarter of it 0.4 + 5.6 / 4
            assertThat(width("E_7_2", "0_17_2")).isCloseTo(6.0, within(1e-6));
            assertThat(width("1_-1_2", "3_42_2")).isCloseTo(0.4 + 5.6 * 0.25, within(1e-6));
            assertThat(driver.findElement(By.cssSelector("path.edge[data-source='1_-1_2']")).getAttribute("class")).contains("neg");
            assertThat(driver.findElements(By.cssSelector("#graph-svg a.node-link"))).hasSize(2);
            assertThat(driver.findElement(By.id("graph-counts")).getText()).startsWith("6 nodes (2 embedding, 2 cross layer transcoder");
            browser.accessible();
            browser.noConsoleErrors();
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(1100, 1000));
            browser.screenshot(SCREENSHOTS.resolve("graph-draw.png"));
            // a click on a feature opens its feature page
            driver.findElement(By.cssSelector("#graph-svg a.node-link[href='/features/tiny-gpt2/1/mlp/5'] circle")).click();
            browser.until(d -> d.getCurrentUrl().endsWith("/features/tiny-gpt2/1/mlp/5"));
        });
    }

    @Test
    @Order(4)
    void aGraphBuiltByTheCircuitTracerIsDrawnNodeForNodeAndEdgeForEdge() {
        browser.step("graph-real", () -> {
            String json = lantern.subject.circuits.GraphSamples.prunedJson(Files.createTempDirectory("graph-sample"));
            var graph = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
            open("/models/tiny-gpt2?length=4&batch=1&ablation=none");
            driver.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    const s = document.createElement('script');
                    s.src = '/web/graph.js';
                    s.onload = () => done(true);
                    document.head.append(s);""");
            browser.until(d -> !d.findElements(By.cssSelector("#app .error")).isEmpty());
            browser.consoleErrors();
            driver.executeScript("document.getElementById('app').replaceChildren(...LG.render(JSON.parse(arguments[0])))", json);
            assertThat(driver.findElements(By.cssSelector("#graph-svg g.node"))).hasSize(graph.get("nodes").size());
            assertThat(driver.findElements(By.cssSelector("#graph-svg path.edge"))).hasSize(graph.get("links").size());
            int features = 0;
            for (var n : graph.get("nodes")) {
                String id = n.get("node_id").asText();
                String kind = n.get("feature_type").asText();
                String title = driver.findElement(By.cssSelector("#graph-svg [data-node='" + id + "'] title")).getAttribute("textContent");
                if (kind.equals("cross layer transcoder")) {
                    features++;
                    assertThat(title).startsWith(n.get("clerp").asText()); // "feature {index}"
                } else if (kind.equals("embedding")) {
                    assertThat(title).startsWith("Emb: \"" + graph.get("metadata").get("prompt_tokens").get(n.get("ctx_idx").asInt()).asText());
                } else if (kind.equals("logit")) {
                    assertThat(title).startsWith("Output \"");
                    assertThat(y(id)).isLessThan(y("E_" + graph.get("metadata").get("lantern").get("prompt_ids").get(0).asLong() + "_0"));
                }
            }
            assertThat(features).isPositive();
            // feature nodes link to {model}/{layer}/tc-{set}/{index}
            assertThat(driver.findElements(By.cssSelector("#graph-svg a.node-link"))).hasSize(features)
                    .allSatisfy(a -> assertThat(a.getDomAttribute("href")).matches("/features/gpt2/\\d/tc-test/\\d+"));
            assertThat(driver.findElement(By.cssSelector("#app table")).getText()).contains("replacement score").contains("completeness score");
            browser.accessible();
            browser.noConsoleErrors();
            browser.screenshot(SCREENSHOTS.resolve("graph-real.png"));
        });
    }

    private double x(String node) {
        return Double.parseDouble(shape(node).getAttribute(shape(node).getTagName().equals("circle") ? "cx" : "x"))
                + (shape(node).getTagName().equals("circle") ? 0 : Double.parseDouble(shape(node).getAttribute("width")) / 2);
    }

    private double y(String node) {
        return Double.parseDouble(shape(node).getAttribute(shape(node).getTagName().equals("circle") ? "cy" : "y"))
                + (shape(node).getTagName().equals("circle") ? 0 : Double.parseDouble(shape(node).getAttribute("height")) / 2);
    }

    private WebElement shape(String node) {
        return driver.findElement(By.cssSelector("#graph-svg [data-node='" + node + "'] > :first-child"));
    }

    private String text(String node) {
        return driver.findElement(By.cssSelector("#graph-svg [data-node='" + node + "'] text")).getText();
    }

    private double width(String source, String target) {
        return Double.parseDouble(driver.findElement(By.cssSelector("path.edge[data-source='" + source + "'][data-target='"
                + target + "']")).getAttribute("stroke-width"));
    }

    private void open(String path) {
        browser.open(base.toString().replaceAll("/$", "") + path);
    }
}
