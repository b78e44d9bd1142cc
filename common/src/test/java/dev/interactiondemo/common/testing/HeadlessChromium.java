package dev.interactiondemo.common.testing;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real browser for the live page's tests: Debian's chromium, headless, driven through its own chromedriver (never
 * a downloaded one), with a fresh profile and none of its background connections. A test that finds no chromium or
 * chromedriver is skipped, saying why ({@code chrome.binary} / {@code chrome.driver} name other ones).
 */
public final class HeadlessChromium implements AutoCloseable {
    private final WebDriver browser;
    private final Path profile;

    private HeadlessChromium(WebDriver browser, Path profile) {
        this.browser = browser;
        this.profile = profile;
    }

    /** Starts the browser, or skips the calling test when there is none. */
    public static HeadlessChromium start() {
        Optional<Path> chromium = find("chrome.binary", "chromium", "chromium-browser");
        Optional<Path> driver = find("chrome.driver", "chromedriver");
        Assumptions.assumeTrue(chromium.isPresent() && driver.isPresent(),
                "no headless browser here: needs Debian's chromium and chromium-driver (apt-get install chromium "
                        + "chromium-driver), found chromium " + chromium.map(Path::toString).orElse("none")
                        + ", chromedriver " + driver.map(Path::toString).orElse("none"));
        try {
            Path profile = Files.createTempDirectory("chromium-profile");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium.get().toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,1400");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(driver.get().toFile()).usingAnyFreePort().build();
            WebDriver browser = new ChromeDriver(service, options);
            browser.manage().window().setSize(new Dimension(1280, 1400));
            return new HeadlessChromium(browser, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public WebDriver browser() {
        return browser;
    }

    private static Optional<Path> find(String property, String... candidates) {
        String configured = System.getProperty(property, System.getenv(property.toUpperCase().replace('.', '_')));
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        for (String name : candidates) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        browser.quit();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary profile left behind is no failure
        }
    }
}
