package dev.interactiondemo.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads a Prometheus text endpoint: the programs' own /metrics. */
final class Prom {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One sample: the series name with its labels as written, and the value. */
    record Sample(String name, String labels, double value) {
    }

    private final List<Sample> samples;

    private Prom(List<Sample> samples) {
        this.samples = samples;
    }

    static Prom scrape(int port) {
        return new Prom(parse(get(port, "/metrics")));
    }

    static int status(int port, String path) {
        try {
            return HTTP.send(request(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static String get(int port, String path) {
        try {
            return HTTP.send(request(port, path), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read http://localhost:" + port + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static HttpRequest request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                .build();
    }

    static List<Sample> parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
            String labels = brace >= 0 && brace < space ? line.substring(brace + 1, line.lastIndexOf('}')) : "";
            try {
                out.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
            } catch (NumberFormatException e) {
                // not a sample
            }
        }
        return out;
    }

    /** The sum of every series of {@code name} whose labels contain each of {@code labelParts}; 0 if none. */
    double sum(String name, String... labelParts) {
        double total = 0;
        for (Sample s : samples) {
            if (s.name().equals(name) && containsAll(s.labels(), labelParts)) {
                total += s.value();
            }
        }
        return total;
    }

    /** Cumulative histogram buckets of {@code name}: upper bound (seconds) → count. */
    TreeMap<Double, Double> buckets(String name) {
        TreeMap<Double, Double> out = new TreeMap<>();
        for (Sample s : samples) {
            if (s.name().equals(name + "_bucket")) {
                String le = label(s.labels(), "le");
                double bound = "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                out.merge(bound, s.value(), Double::sum);
            }
        }
        return out;
    }

    /**
     * The {@code q} quantile of the observations made between two scrapes of a cumulative histogram, interpolated
     * linearly inside the bucket it falls in (so as precise as the buckets are fine).
     */
    static double quantileBetween(TreeMap<Double, Double> before, TreeMap<Double, Double> after, double q) {
        TreeMap<Double, Double> delta = new TreeMap<>();
        after.forEach((le, c) -> delta.put(le, c - before.getOrDefault(le, 0.0)));
        double total = delta.isEmpty() ? 0 : delta.lastEntry().getValue();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> e : delta.entrySet()) {
            if (e.getValue() >= rank) {
                if (e.getKey().isInfinite()) {
                    return lowerBound;
                }
                double inBucket = e.getValue() - lowerCount;
                double fraction = inBucket <= 0 ? 1 : (rank - lowerCount) / inBucket;
                return lowerBound + (e.getKey() - lowerBound) * fraction;
            }
            lowerBound = e.getKey();
            lowerCount = e.getValue();
        }
        return lowerBound;
    }

    private static boolean containsAll(String labels, String... parts) {
        for (String p : parts) {
            if (!labels.contains(p)) {
                return false;
            }
        }
        return true;
    }

    /** The value of label {@code key} in {@code a="x",b="y"}; empty when absent. */
    static String label(String labels, String key) {
        for (String pair : labels.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equals(key)) {
                return pair.substring(eq + 1).trim().replace("\"", "");
            }
        }
        return "";
    }
}
