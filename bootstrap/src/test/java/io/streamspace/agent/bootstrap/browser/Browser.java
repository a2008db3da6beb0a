package io.streamspace.agent.bootstrap.browser;

import io.streamspace.agent.testkit.files.TempFiles;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real Chromium (Debian's {@code chromium}) driven through the system {@code chromedriver}: nothing is downloaded
 * (Selenium Manager is never asked, both paths are given). Headless, sandbox off (tests run as root), no background
 * networking (this machine has no internet), a fresh profile per browser. Screenshots go to
 * {@code target/screenshots/}; {@link #assertAccessible} runs axe-core in the page.
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of(System.getProperty("streamspace.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("streamspace.chromedriver",
            "/usr/bin/chromedriver"));
    public static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts Chromium with a desktop-sized window. */
    public static Browser start() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the browser tests need Debian's chromium and chromium-driver ("
                    + CHROMIUM + ", " + CHROMEDRIVER + "): run ./scripts/test.sh as root, or apt-get install"
                    + " chromium chromium-driver");
        }
        Path profile = Files.createTempDirectory("panel-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--disable-extensions", "--window-size=1400,1000",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        return new Browser(driver, profile);
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    public WebElement find(By by) {
        return driver.findElement(by);
    }

    public List<WebElement> findAll(By by) {
        return driver.findElements(by);
    }

    /** Polls until {@code condition} yields a non-null, non-false value, for at most {@link #WAIT}. */
    public <T> T await(String what, Function<WebDriver, T> condition) {
        // the panel re-renders its tables on every refresh: an element found a moment ago may be replaced
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(100)).withMessage(what)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    /**
     * Clicks the element once it is there; if the page re-rendered it between finding and clicking (the click did
     * not happen), finds it again.
     */
    public void click(String what, By by) {
        await(what, d -> {
            d.findElement(by).click();
            return true;
        });
    }

    /** The trimmed visible text of the element, or null when there is none. */
    public String textOf(By by) {
        List<WebElement> found = driver.findElements(by);
        return found.isEmpty() ? null : found.get(0).getText().strip();
    }

    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    public Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Saves a PNG of the viewport as {@code target/screenshots/<name>.png} and returns its path. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return file;
    }

    /** Runs axe-core in the current page and fails on every serious or critical violation, naming them. */
    public void assertAccessible(String where) throws IOException {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript(axeSource());
        String result = (String) js.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']})"
                + ".then(function (r) { done(JSON.stringify(r.violations)); })"
                + ".catch(function (e) { done(JSON.stringify({error: String(e)})); });");
        JsonNode violations = JSON.readTree(result);
        assertThat(violations.has("error")).as("axe-core ran: %s", result).isFalse();
        List<String> serious = new ArrayList<>();
        for (JsonNode v : violations) {
            String impact = v.path("impact").asText();
            if (impact.equals("serious") || impact.equals("critical")) {
                List<String> targets = new ArrayList<>();
                v.path("nodes").forEach(n -> targets.add(n.path("target").toString()));
                serious.add(impact + " " + v.path("id").asText() + ": " + v.path("help").asText() + " " + targets);
            }
        }
        assertThat(serious).as("serious or critical accessibility violations on %s", where).isEmpty();
    }

    private static String axeSource() throws IOException {
        try (InputStream in = Browser.class.getResourceAsStream("/axe/axe.min.js")) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("axe/axe.min.js is missing from the test resources"));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            TempFiles.delete(profile);
        }
    }
}
