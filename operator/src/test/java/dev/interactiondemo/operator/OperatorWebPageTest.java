package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.common.testing.HeadlessChromium;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static dev.interactiondemo.operator.SharedClusterTest.broker;
import static dev.interactiondemo.operator.SharedClusterTest.demo;
import static dev.interactiondemo.operator.SharedClusterTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator's live page: read-only, every demo it manages, the same page as the sandbox's, in a real browser. */
class OperatorWebPageTest {
    private static final String NS = "web";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static KubernetesClient client;
    private static RunningOperator operator;
    private static OperatorWebPage page;

    @BeforeAll
    static void start() {
        client = KubeApi.client();
        KubeApi.namespace(NS);
        operator = RunningOperator.start(client, NS, Map.of(), d -> "localhost:1");
        page = OperatorWebPage.start(0, operator.statuses);
        client.resources(InteractionDemo.class).inNamespace(NS).resource(demo("shown", broker(), "Direct", null))
                .create();
    }

    @AfterAll
    static void stop() {
        page.close();
        operator.close();
    }

    private static HttpResponse<String> http(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + page.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesEveryDemoReadOnly() throws Exception {
        Await.until("the demo listed", () -> {
            try {
                return http("GET", "/api/demos").body().contains("\"name\":\"shown\"");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        HttpResponse<String> history = http("GET", "/api/history?demo=web%2Fshown&after=0");
        assertEquals(200, history.statusCode());
        assertTrue(history.body().contains("\"conditions\""), history.body());
        assertTrue(http("GET", "/").body().contains("Interaction demos"), "the operator's page");
        assertEquals(200, http("GET", "/app.js").statusCode(), "the page's script, shared with the sandbox");
        assertEquals(405, http("POST", "/api/faults").statusCode(), "read-only");
        assertEquals(404, http("GET", "/etc/passwd").statusCode());
    }

    @Test
    void theBrowserShowsTheDemoAndItsCountsRise() {
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            WebDriver browser = chromium.browser();
            browser.get("http://localhost:" + page.port() + "/");
            // With no demo chosen, the page picks the first one it lists.
            Await.until("the demo chosen", () -> browser.getCurrentUrl().contains("demo=web%2Fshown"));
            Await.until("the demo's link", () -> !browser.findElements(By.cssSelector("a[data-demo='web/shown']"))
                    .isEmpty());
            Await.until("conditions shown as badges", () -> !browser.findElements(
                    By.cssSelector("#conditions .badge[data-type='TopicReady']")).isEmpty());
            String topic = client.resources(InteractionDemo.class).inNamespace(NS).withName("shown").get().getStatus()
                    .getTopic().getName();
            send(topic, 7);
            Await.until("the produced count on the page", () -> "7".equals(browser.findElement(By.id("produced"))
                    .getText()));
            assertTrue(browser.findElements(By.cssSelector("button")).isEmpty(), "no controls on a read-only page");
        }
    }
}
