package lantern.service;

import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's headless {@code chromium} driven by Selenium through the system {@code chromedriver} (both found on the
 * PATH and named explicitly, so Selenium Manager never downloads anything), with the checks the browser tests share:
 * waiting for a page to be ready, basic accessibility, console errors, screenshots of failures.
 */
final class Chromium implements AutoCloseable {
    static final String INSTALL = "apt-get install -y chromium chromium-driver";
    static final Path FAILURES = Path.of("target/browser-failures");
    private final ChromeDriver driver;

    private Chromium(ChromeDriver driver) {
        this.driver = driver;
    }

    static Optional<Path> executable(String... names) {
        for (String n : names) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                Path p = Path.of(dir, n);
                if (Files.isExecutable(p)) return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static boolean installed() {
        return executable("chromium", "chromium-browser").isPresent() && executable("chromedriver").isPresent();
    }

    static Chromium start() throws IOException {
        Path binary = executable("chromium", "chromium-browser").orElseThrow();
        Path chromedriver = executable("chromedriver").orElseThrow();
        System.setProperty("webdriver.chrome.driver", chromedriver.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1100,900", "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--user-data-dir=" + Files.createTempDirectory("lantern-chromium"));
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        ChromeDriver d = new ChromeDriver(service, options);
        d.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Chromium(d);
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Opens a page and waits until its script has rendered (or shown its error): {@code body[data-ready]}. */
    void open(String url) {
        driver.get(url);
        ready();
    }

    void ready() {
        until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
    }

    /** Waits up to 60 s for a non-null, non-false value; missing and stale elements count as not yet. */
    <T> T until(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(60)).ignoring(NoSuchElementException.class)
                .ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    T v = condition.apply(d);
                    return v instanceof Boolean b && !b ? null : v;
                });
    }

    /** Runs {@code a11y-check.js} in the page: labels, names, one h1 and main, html lang, AA text contrast. */
    @SuppressWarnings("unchecked")
    void accessible() {
        Map<String, Object> r = (Map<String, Object>) driver.executeScript(resource("/a11y-check.js"));
        assertThat((List<String>) r.get("problems")).as("accessibility problems on " + driver.getCurrentUrl()).isEmpty();
        assertThat(((Number) r.get("checked")).intValue()).isGreaterThan(5);
    }

    /** The console's errors since the last call (reading clears them). */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
    }

    void noConsoleErrors() {
        assertThat(consoleErrors()).as("browser console errors").isEmpty();
    }

    void screenshot(Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    interface Step {
        void run() throws Exception;
    }

    /** Runs one flow; when it fails, keeps a screenshot, the page's HTML and its console under target/browser-failures. */
    void step(String name, Step step) {
        try {
            step.run();
        } catch (Throwable t) {
            try {
                screenshot(FAILURES.resolve(name + ".png"));
                Files.writeString(FAILURES.resolve(name + ".html"), driver.getPageSource());
                Files.writeString(FAILURES.resolve(name + ".url.txt"), driver.getCurrentUrl() + "\n" + String.join("\n",
                        driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::toString).toList()));
            } catch (Throwable e) {
                t.addSuppressed(e);
            }
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            throw new AssertionError(t);
        }
    }

    private static String resource(String name) {
        try (InputStream in = Chromium.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
