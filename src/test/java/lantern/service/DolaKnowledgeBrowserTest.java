package lantern.service;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import lantern.subject.decoder.DecoderRegistry;
import lantern.subject.decoder.TinyModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generation page with DoLa, the lens page's DoLa section and the knowledge-neurons table (linking collected
 * neurons to their feature pages), in headless chromium on a random-weight GPT-2 with layer 0 collected from Brown.
 * Screenshots go to {@code target/screenshots/}.
 */
@QuarkusTest
@TestProfile(DecoderResourcesTest.Profile.class)
@EnabledIf(value = "lantern.service.WebViewerBrowserTest#browserInstalled",
        disabledReason = "no chromium / chromedriver on this machine")
class DolaKnowledgeBrowserTest {
    static final Path DATA = DecoderResourcesTest.DATA;
    static final String MODEL = "web-dola-gpt2";
    /** TinyModels.SMALL with a context long enough for collection windows. */
    static final TinyModels.Spec SPEC = new TinyModels.Spec(16, 2, 4, 4, 32, 64, 128);
    private static Chromium browser;
    private static ChromeDriver driver;

    @TestHTTPResource("/")
    URL base;
    @Inject
    ModelRegistry models;
    @Inject
    CollectionService collections;

    @BeforeEach
    void setUp() throws Exception {
        DecoderRegistry decoders = new DecoderRegistry(DATA);
        Path dir = DATA.resolve(MODEL);
        if (!Files.exists(dir.resolve("model.safetensors"))) TinyModels.writeGpt2(dir, SPEC, planted(), "F32", "");
        if (!decoders.contains(MODEL)) decoders.add(MODEL, dir, null);
        Files.createDirectories(DATA.resolve("corpora"));
        Path brown = DATA.resolve("corpora/brown");
        if (!Files.exists(brown)) Files.createSymbolicLink(brown, Path.of("lantern-data/corpora/brown").toAbsolutePath());
        if (lantern.collect.ActivationStore.list(DATA).stream().noneMatch(m -> m.model().equals(MODEL))) {
            collections.run(models.hooked(MODEL), new int[]{0}, 400, p -> { });
        }
        if (browser == null) {
            browser = Chromium.start();
            driver = browser.driver();
        }
    }

    /** Neuron 0/5 fires on every token and writes the embedding of "mat" (id 5): it is a knowledge neuron of "mat". */
    static java.util.Map<String, float[]> planted() {
        var s = SPEC;
        var w = TinyModels.gpt2Weights(s, 9);
        int d = s.d();
        int f = s.dMlp();
        for (int i = 0; i < d; i++) w.get("h.0.mlp.c_fc.weight")[i * f + 5] = 0;
        w.get("h.0.mlp.c_fc.bias")[5] = 3;
        for (int i = 0; i < d; i++) w.get("h.0.mlp.c_proj.weight")[5 * d + i] = 1.5f * w.get("wte.weight")[5 * d + i];
        return w;
    }

    @AfterAll
    static void quit() {
        if (browser != null) browser.close();
        browser = null;
        driver = null;
    }

    @Test
    void generationLensAndKnowledgeNeurons() {
        browser.step("generate-dola", () -> {
            open("/generate?model=" + MODEL + "&prompt=" + enc("the cat sat on") + "&dola=0,1&maxTokens=6&repetitionPenalty=1.2");
            WebElement text = browser.until(d -> d.findElement(By.id("generated")));
            assertThat(text.getText()).startsWith("the cat sat on");
            assertThat(driver.findElement(By.id("candidates")).getText()).isEqualTo("0, 1");
            List<WebElement> rows = driver.findElements(By.cssSelector("#generate-out tbody tr"));
            assertThat(rows).hasSize(6);
            for (WebElement r : rows) {
                assertThat(r.findElements(By.tagName("td")).get(2).getText()).isIn("0", "1");
            }
            browser.accessible();
            browser.noConsoleErrors();
            browser.screenshot(Path.of("target/screenshots/generate-dola.png"));
            // plain decoding: no layer table
            driver.findElement(By.id("dola")).clear();
            driver.findElement(By.id("generate")).click();
            browser.until(d -> d.findElement(By.cssSelector("#generate-out h2")).getText().equals("Plain decoding"));
            assertThat(driver.findElements(By.cssSelector("#generate-out tbody tr"))).isEmpty();
        });
        browser.step("lens-dola", () -> {
            open("/lens?model=" + MODEL + "&prompt=" + enc("the cat sat on the mat") + "&k=3&dola=high");
            WebElement layer = browser.until(d -> d.findElement(By.id("dola-layer")));
            assertThat(layer.getText()).isEqualTo("1"); // two tied layers: "high" is [1]
            assertThat(driver.findElements(By.cssSelector("#dola-out tbody tr"))).hasSize(1);
            browser.accessible();
            browser.noConsoleErrors();
            browser.screenshot(Path.of("target/screenshots/lens-dola.png"));
        });
        browser.step("knowledge-neurons", () -> {
            open("/knowledge?model=" + MODEL + "&prompts=" + enc("the cat sat on the\na cat sat on the") + "&target=mat&steps=8&share=0.4");
            WebElement table = browser.until(d -> d.findElement(By.id("neurons")));
            List<WebElement> rows = table.findElements(By.cssSelector("tbody tr"));
            assertThat(rows).isNotEmpty();
            boolean sawLink = false;
            for (WebElement r : rows) {
                List<WebElement> cells = r.findElements(By.tagName("td"));
                List<WebElement> links = cells.get(0).findElements(By.tagName("a"));
                if (cells.get(1).getText().equals("0")) { // layer 0 is collected: a link to the feature page
                    assertThat(links).hasSize(1);
                    assertThat(links.get(0).getAttribute("href")).contains("/features/" + MODEL + "/0/mlp/");
                    sawLink = true;
                } else {
                    assertThat(links).isEmpty();
                }
            }
            assertThat(driver.findElements(By.cssSelector("#effects tbody tr"))).hasSize(2);
            browser.accessible();
            browser.noConsoleErrors();
            browser.screenshot(Path.of("target/screenshots/knowledge-neurons.png"));
            assertThat(sawLink).as("the planted neuron 0/5 links to its feature page").isTrue();
            assertThat(rows.get(0).getText()).startsWith(MODEL + "/0/mlp/5");
            {
                table.findElement(By.cssSelector("a")).click();
                browser.until(d -> d.getCurrentUrl().contains("/features/" + MODEL + "/0/mlp/"));
            }
        });
    }

    private void open(String path) {
        browser.open(base.toString().replaceAll("/$", "") + path);
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
