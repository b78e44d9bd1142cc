package dev.interactiondemo.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interactiondemo.common.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import dev.interactiondemo.common.testing.HeadlessChromium;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sandbox's live page in a real browser: Debian's headless chromium, driven by Selenium through Debian's
 * chromedriver (never a downloaded one). Runs the jar as users do, opens the page it prints, and checks that the
 * counts rise, that a fault switched on with its button shows in the page, and that stopping the Worker makes the lag
 * grow and starting it drains it. Saves a screenshot to {@code target/sandbox-web.png}, and also to
 * {@code -Dsandbox.screenshot=PATH} when given (the README's is made with {@code ../docs/images/sandbox-web.png}).
 * Skipped, saying why, where there is no chromium or chromedriver.
 */
class SandboxWebIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ADDRESS = Pattern.compile("web page at (http://localhost:\\d+/)");

    private Process sandbox;
    private Path out;
    private Path err;
    private HeadlessChromium chromium;
    private WebDriver browser;

    @BeforeEach
    void start() throws Exception {
        chromium = HeadlessChromium.start();
        browser = chromium.browser();

        out = Files.createTempFile("sandbox-web", ".out");
        err = Files.createTempFile("sandbox-web", ".err");
        sandbox = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                System.getProperty("sandbox.jar"), "--duration", "3m", "--rate", "20", "--interval", "1s",
                "--greeter-port", "0", "--web-port", "0", "--output", "json")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();

    }

    @AfterEach
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (sandbox != null && sandbox.isAlive()) {
            sandbox.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        for (Path p : new Path[] {out, err}) {
            if (p != null) {
                Files.deleteIfExists(p);
            }
        }
    }

    private String pageAddress() throws Exception {
        return Await.value("the sandbox's page address", () -> {
            String log = Files.readString(err);
            Matcher m = ADDRESS.matcher(log);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
            if (!sandbox.isAlive()) {
                throw new AssertionError("the sandbox ended before serving its page: " + log);
            }
            return Optional.<String>empty();
        }, Duration.ofSeconds(120), Duration.ofMillis(200));
    }

    /** Reads the page with one script, so that a re-render between two reads cannot get in the way. */
    private String read(String script) {
        Object v = ((JavascriptExecutor) browser).executeScript(script);
        return v == null ? "" : v.toString();
    }

    private long number(String id) {
        String text = read("return document.getElementById('" + id + "').textContent;").trim();
        return text.matches("\\d+") ? Long.parseLong(text) : -1;
    }

    private WebDriverWait waiting(int seconds) {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(250));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private String badge(String type) {
        return read("var b = document.querySelector(\"#conditions .badge[data-type='" + type + "']\");"
                + " return b ? b.getAttribute('data-status') : '';");
    }

    private List<String> faultsShown() {
        String joined = read("return Array.from(document.querySelectorAll('#faults li[data-fault]'))"
                + ".map(function (e) { return e.textContent; }).join('\\n');");
        return joined.isEmpty() ? List.of() : List.of(joined.split("\n"));
    }

    @Test
    void thePageFollowsTheRunAndItsButtonsSwitchTheLessons() throws Exception {
        String address = pageAddress();
        browser.get(address);
        assertTrue(browser.getTitle().contains("Interaction demo sandbox"), browser.getTitle());

        // Counts rise as the run goes on.
        waiting(60).until(b -> number("produced") > 0 && number("consumed") > 0);
        long produced = number("produced");
        waiting(30).until(b -> number("produced") >= produced + 20);
        waiting(30).until(b -> "True".equals(badge("Ready")));
        assertEquals("False", badge("FaultsActive"));
        assertTrue(faultsShown().isEmpty());
        assertTrue(browser.findElements(By.cssSelector("#chart-counts polyline[data-series='produced']")).size() == 1);

        // A fault switched on by its button shows in the list and as a badge; switched off, it goes.
        browser.findElement(By.id("fault-greeter-errorRate")).click();
        waiting(30).until(b -> faultsShown().contains("greeter.errorRate=0.3") && "True".equals(badge("FaultsActive")));
        assertEquals("true", browser.findElement(By.id("fault-greeter-errorRate")).getAttribute("aria-pressed"));
        waiting(30).until(b -> number("greeter-errors") > 0);
        browser.findElement(By.id("fault-greeter-errorRate")).click();
        waiting(30).until(b -> faultsShown().isEmpty() && "False".equals(badge("FaultsActive")));

        // Stop the Worker: the lag grows; a fault switched on meanwhile shows too (the screenshot shows both).
        browser.findElement(By.id("toggle-worker")).click();
        waiting(30).until(b -> "False".equals(badge("WorkerAvailable")));
        assertEquals("Start the Worker", browser.findElement(By.id("toggle-worker")).getText());
        browser.findElement(By.id("fault-worker-failBeforeCommit")).click();
        waiting(30).until(b -> faultsShown().contains("worker.failBeforeCommit=0.2"));
        waiting(60).until(b -> number("lag") >= 100);
        screenshot();

        // Start it again: the lag drains.
        browser.findElement(By.id("fault-worker-failBeforeCommit")).click();
        browser.findElement(By.id("toggle-worker")).click();
        waiting(90).until(b -> number("lag") >= 0 && number("lag") < 10 && "True".equals(badge("WorkerAvailable")));
        assertEquals(0, number("lost"));

        // Stop the Greeter and start it again.
        browser.findElement(By.id("toggle-greeter")).click();
        waiting(30).until(b -> "False".equals(badge("GreeterAvailable")));
        browser.findElement(By.id("toggle-greeter")).click();
        waiting(30).until(b -> "True".equals(badge("GreeterAvailable")));

        // The API refuses what a page from elsewhere could send without asking first.
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(address + "api/worker"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{\"running\":false}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, form.statusCode(), form.body());
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(address + "api/faults"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"greeter.errRate\",\"value\":\"1\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("unknown fault"), bad.body());

        // Ctrl-C: the run finishes gracefully, all delivered, none lost.
        sandbox.destroy();
        assertTrue(sandbox.waitFor(90, TimeUnit.SECONDS), "the sandbox finished after SIGTERM");
        assertEquals(0, sandbox.exitValue(), Files.readString(err));
        List<String> lines = Files.readAllLines(out);
        JsonNode last = JSON.readTree(lines.get(lines.size() - 1));
        assertEquals(0, last.get("delivery").get("lost").asLong(), last.toString());
        assertEquals(0, last.get("messages").get("lag").asLong(), last.toString());
    }

    private void screenshot() throws Exception {
        byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
        Path target = Path.of("target", "sandbox-web.png");
        Files.write(target, png);
        String docs = System.getProperty("sandbox.screenshot", "");
        if (!docs.isBlank()) {
            Files.write(Path.of(docs), png);
        }
        assertTrue(png.length > 10_000, "a screenshot of " + png.length + " bytes");
    }
}
