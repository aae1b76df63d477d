package lantern.service;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The /verbalize page in headless Chromium against the real service, with the tiny subject and verbalizer of
 * {@link VerbalizeResourceTest} (same profile, same data folder): type a sentence, pick a token, read what the state
 * says and its round-trip cosine; an unknown layer shows the API's message. Accessible, no console errors.
 */
@QuarkusTest
@TestProfile(VerbalizeResourceTest.Profile.class)
@EnabledIf(value = "lantern.service.WebViewerBrowserTest#browserInstalled", disabledReason = "no chromium / chromedriver")
class VerbalizePageBrowserTest {
    private static Chromium browser;

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void setUp() throws Exception {
        new VerbalizeResourceTest().register();
        if (browser == null) browser = Chromium.start();
    }

    @AfterAll
    static void quit() {
        if (browser != null) browser.close();
        browser = null;
    }

    @Test
    void typeASentenceAndReadWhatTheStateSays() {
        browser.step("verbalize", () -> {
            open("/verbalize?model=" + VerbalizeResourceTest.SUBJECT + "&layer=0&position=2&text="
                    + URLEncoder.encode("The jury said that", StandardCharsets.UTF_8));
            List<WebElement> rows = browser.driver().findElements(By.cssSelector("#verbalize-out tbody tr"));
            assertThat(rows).hasSize(2); // the verbalizer and the logit lens (the Patchscope prompt does not fit)
            assertThat(rows.get(0).getText()).startsWith("verbalizer");
            assertThat(browser.driver().findElement(By.cssSelector("#verbalize-out .truth")).getText())
                    .isNotBlank();
            browser.accessible();
            browser.noConsoleErrors();
            browser.screenshot(Path.of("target/screenshots/verbalize.png"));
            open("/verbalize?model=" + VerbalizeResourceTest.SUBJECT + "&layer=7&text=hello");
            assertThat(browser.driver().findElement(By.cssSelector("#verbalize-out .error")).getText())
                    .contains("blocks.7.hook_resid_post");
            browser.consoleErrors(); // the failed request is logged by the browser itself
        });
    }

    private void open(String path) {
        browser.open(base.toString().replaceAll("/$", "") + path);
    }
}
