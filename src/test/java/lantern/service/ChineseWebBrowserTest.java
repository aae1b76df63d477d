package lantern.service;

import lantern.core.LanternConfig;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import lantern.collect.CollectOptions;
import lantern.collect.CollectionRun;
import lantern.corpus.ChinesePoetryCorpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
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

/**
 * A Chinese feature page in headless Chromium: bge-small-zh's layer 0 collected over the sample poems, one neuron
 * explained by the Chinese statistical explainer through the API, its page opened: windows read as the poems are
 * written (no spaces between characters), the Chinese label shows, and the console stays free of errors. Fonts come
 * from Debian's fonts-noto-cjk (installed by .ci/run beside chromium); the screenshot goes to target/screenshots/.
 */
@QuarkusTest
@EnabledIf(value = "lantern.service.WebViewerBrowserTest#browserInstalled", disabledReason = "no chromium / chromedriver on this machine")
class ChineseWebBrowserTest {
    static final Path SAMPLE = Path.of("src/test/resources/chinese-poetry-sample");
    static final String MODEL = "bge-small-zh";
    private static Chromium browser;

    @TestHTTPResource("/")
    URL base;
    @Inject
    ModelRegistry models;
    @Inject
    LanternConfig config;
    @Inject
    FeaturesResource features;

    @AfterAll
    static void quit() {
        if (browser != null) browser.close();
        browser = null;
    }

    /** The neuron of layer 0 that fires most over the sample (so its windows are real lines of the poems). */
    private String feature() {
        if (!Files.exists(config.dataDir().resolve("activations/" + MODEL + "/chinese-poetry/manifest.json"))) {
            CollectOptions opt = CollectOptions.defaults().withLayers(0).withTopK(6);
            new CollectionRun(new ChinesePoetryCorpus(SAMPLE), "chinese-poetry", opt, 0, 64)
                    .run(models.hooked(MODEL), config.dataDir(), p -> { });
        }
        return MODEL + "/0/mlp/" + 7;
    }

    @Test
    void aChineseFeaturePageShowsPoemLinesAndAChineseLabel() throws Exception {
        String feature = feature();
        // the resource itself (no HTTP read timeout: on a loaded machine scoring may take a while)
        String label = features.explain(feature, new FeaturesResource.ExplainRequest(null, null, false)).text();
        assertThat(label).contains(" / ").matches("(?s)^\\P{IsLatin}*[\\p{IsHan}].*");  // Chinese first, the English beside it
        List<String> tokens = given().get("/api/features/" + feature).then().statusCode(200).extract().jsonPath()
                .getList("top[0].tokens", String.class);
        String firstWindow = String.join("", tokens.stream().filter(t -> !t.startsWith("[")).toList());

        browser = Chromium.start();
        ChromeDriver driver = browser.driver();
        browser.step("feature-zh", () -> {
            browser.open(base.toString().replaceAll("/$", "") + "/features/" + feature);
            assertThat(driver.findElement(By.id("title")).getText()).isEqualTo(feature);
            List<WebElement> windows = driver.findElements(By.cssSelector("#top-windows .window"));
            assertThat(windows).isNotEmpty();
            // the window reads as the poem is written: characters side by side, no spaces between them
            String shown = (String) driver.executeScript(
                    "return Array.from(arguments[0].querySelectorAll('.tok')).map(t => t.textContent).join('')", windows.get(0));
            assertThat(shown).isEqualTo(firstWindow.replace("[CLS]", "").replace("[SEP]", ""));
            String text = windows.get(0).getText().replaceAll("\\s*\\n\\s*", "");
            assertThat(text).doesNotContainPattern("\\p{IsHan} \\p{IsHan}");
            assertThat(driver.findElement(By.id("explanations")).getText()).contains(label.substring(0, 3));
            browser.accessible();
            driver.executeScript("window.scrollTo(0, 0)");
            browser.screenshot(Path.of("target/screenshots/feature-zh.png"));
            browser.noConsoleErrors();
        });
    }
}
