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

    private void open(String path) {
        browser.open(base.toString().replaceAll("/$", "") + path);
    }
}
