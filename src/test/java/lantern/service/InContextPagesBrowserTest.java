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
import org.openqa.selenium.chrome.ChromeDriver;

import java.net.URL;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The function-vector and LRE pages in headless Chromium (as {@link WebViewerBrowserTest}) over the planted decoders:
 * the form runs, the tables render, the page is accessible and the console stays clean.
 */
@QuarkusTest
@TestProfile(InContextProfile.class)
@EnabledIf(value = "lantern.service.WebViewerBrowserTest#browserInstalled",
        disabledReason = "no chromium / chromedriver on this machine")
class InContextPagesBrowserTest {
    private static Chromium browser;
    private static ChromeDriver driver;

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void setUp() throws Exception {
        InContextProfile.register();
        if (browser == null) {
            browser = Chromium.start();
            driver = browser.driver();
        }
    }

    @AfterAll
    static void quit() {
        if (browser != null) browser.close();
        browser = null;
    }

    @Test
    void functionVectorPageShowsAccuraciesAndHeads() {
        browser.step("function-vectors", () -> {
            // the form is filled from the URL; submitting runs it (a long wait: the machine may be busy)
            open("/function-vectors?model=planted-task&heads=3&layer=0&shots=4&meanTrials=6&aieTrials=2");
            new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("task"))).selectByValue("first-copy");
            driver.findElement(By.cssSelector("#fv-form button[type=submit]")).click();
            slowly(d -> d.findElements(By.cssSelector("#fv-out table")).size() == 3);
            List<WebElement> tables = driver.findElements(By.cssSelector("#fv-out table"));
            assertThat(tables.get(0).findElements(By.cssSelector("tbody tr"))).hasSize(3);
            assertThat(tables.get(1).findElements(By.cssSelector("tbody tr"))).hasSize(3);
            assertThat(tables.get(1).getText()).contains("L");
            browser.accessible();
            browser.noConsoleErrors();
            browser.screenshot(WebViewerBrowserTest.SCREENSHOTS.resolve("function-vectors.png"));
            open("/function-vectors?model=minilm-l6&task=first-copy");
            slowly(d -> !d.findElements(By.cssSelector("#fv-out .error")).isEmpty());
            drainConsole(); // the 400 above is the point of that step
        });
    }

    @Test
    void lrePageShowsFaithfulnessAndSubjects() {
        browser.step("lre", () -> {
            open("/lre?model=planted-linear&layer=0&beta=1&train=3");
            new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("relation"))).selectByValue("noun-plural");
            driver.findElement(By.cssSelector("#lre-form button[type=submit]")).click();
            slowly(d -> d.findElements(By.cssSelector("#lre-out table")).size() == 3);
            List<WebElement> tables = driver.findElements(By.cssSelector("#lre-out table"));
            assertThat(tables.get(0).getText()).contains("faithfulness");
            assertThat(tables.get(1).findElements(By.cssSelector("tbody tr"))).hasSizeGreaterThan(3);
            browser.accessible();
            browser.noConsoleErrors();
            browser.screenshot(WebViewerBrowserTest.SCREENSHOTS.resolve("lre.png"));
            driver.get(base.toString().replaceAll("/$", "") + "/lre?model=planted-linear&relation=noun-plural&layer=7");
            slowly(d -> !d.findElements(By.cssSelector("#lre-out .error")).isEmpty());
            assertThat(driver.findElement(By.cssSelector("#lre-out .error")).getText()).contains("out of range");
            drainConsole();
        });
    }

    /** Waits up to 5 minutes: these pages run a whole method on a machine that may be shared. */
    private static void slowly(java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> condition) {
        new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofMinutes(5)).until(condition::apply);
    }

    private static void drainConsole() {
        driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER);
    }

    private void open(String path) {
        browser.open(base.toString().replaceAll("/$", "") + path);
    }
}
