package dev.interactiondemo.operator;

import dev.interactiondemo.common.HttpEndpoints;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A parsed /metrics response (the Prometheus text format): its samples and the type of each metric family. */
record Scrape(List<Sample> samples, Map<String, String> types) {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern LINE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");
    private static final Pattern LABEL =
            Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** GET /metrics, as Prometheus scrapes it. */
    static Scrape of(HttpEndpoints endpoints) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + endpoints.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertEquals(200, response.statusCode());
            return Scrape.parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Scrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split("\\s+");
                types.put(parts[2], parts[3]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                Matcher m = LINE.matcher(line);
                assertTrue(m.matches(), "a sample line: " + line);
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.group(2) != null) {
                    Matcher l = LABEL.matcher(m.group(2));
                    int end = 0;
                    while (l.lookingAt()) {
                        labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\n", "\n")
                                .replace("\\\\", "\\"));
                        end = l.end();
                        l.region(end, m.group(2).length());
                    }
                    assertEquals(m.group(2).length(), end, "labels of " + line);
                }
                samples.add(new Sample(m.group(1), labels, switch (m.group(3)) {
                    case "+Inf" -> Double.POSITIVE_INFINITY;
                    case "-Inf" -> Double.NEGATIVE_INFINITY;
                    default -> Double.parseDouble(m.group(3));
                }));
            }
        }
        return new Scrape(samples, types);
    }

    /** The sum of the samples of this name with this label value (any, without a label), NaN counted as 0. */
    double value(String name, String... labelAndValue) {
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> labelAndValue.length == 0 || labelAndValue[1].equals(s.labels().get(labelAndValue[0])))
                .mapToDouble(s -> Double.isNaN(s.value()) ? 0 : s.value()).sum();
    }

    /** The family's type: counter, gauge, histogram, summary or untyped. */
    String typeOf(String sample) {
        if (types.containsKey(sample)) {
            return types.get(sample);
        }
        for (String suffix : List.of("_bucket", "_count", "_sum", "_total", "_created")) {
            String family = sample.substring(0, Math.max(0, sample.length() - suffix.length()));
            if (sample.endsWith(suffix) && types.containsKey(family)) {
                return types.get(family);
            }
        }
        return "untyped";
    }
}
