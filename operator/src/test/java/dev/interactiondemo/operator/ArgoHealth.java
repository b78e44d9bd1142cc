package dev.interactiondemo.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the Argo CD health check of docs/gitops.md (the {@code argocd-cm} block, as a user copies it) with Debian's
 * {@code lua5.4}, as Argo CD runs it: the resource is the global {@code obj}, the script returns {@code {status,
 * message}}.
 */
final class ArgoHealth {
    static final String KEY = "resource.customizations.health.interactiondemo.dev_InteractionDemo";
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL);

    /** What Argo CD would show. */
    record Health(String status, String message) {
    }

    private ArgoHealth() {
    }

    /** {@code lua5.4} on the PATH, or empty. */
    static Optional<Path> lua() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "lua5.4");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static final String NO_LUA = "SKIPPED: Debian's lua5.4 is not installed (apt-get install lua5.4; .ci/run installs "
            + "it when it runs as root): the Argo CD health check of docs/gitops.md cannot be run";

    /** The health check as docs/gitops.md gives it. */
    static String script() {
        try {
            String page = Files.readString(Helm.repository().resolve("docs/gitops.md"));
            Matcher m = YAML_BLOCK.matcher(page);
            while (m.find()) {
                if (m.group(1).contains("name: argocd-cm")) {
                    String lua = Serialization.unmarshal(m.group(1), ConfigMap.class).getData().get(KEY);
                    if (lua != null) {
                        return lua;
                    }
                }
            }
            throw new IllegalStateException("docs/gitops.md has no argocd-cm block with " + KEY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The health Argo CD would give {@code resource} (any object: an InteractionDemo, a captured JSON tree). */
    static Health of(Object resource) {
        Path lua = lua().orElseThrow(() -> new IllegalStateException(NO_LUA));
        JsonNode tree = Serialization.jsonMapper().valueToTree(resource);
        String program = "local obj = " + table(tree) + "\nlocal function health(obj)\n" + script()
                + "\nend\nlocal hs = health(obj)\nio.write(hs.status, \"\\n\", hs.message or \"\")\n";
        try {
            Process p = new ProcessBuilder(lua.toString(), "-").redirectErrorStream(true).start();
            p.getOutputStream().write(program.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("lua5.4 failed: " + out);
            }
            int nl = out.indexOf('\n');
            return nl < 0 ? new Health(out, "") : new Health(out.substring(0, nl), out.substring(nl + 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A JSON tree as a Lua table constructor: objects keyed by string, arrays from 1, null as absent. */
    static String table(JsonNode node) {
        if (node.isObject()) {
            StringBuilder b = new StringBuilder("{");
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNull()) {
                    b.append('[').append(string(e.getKey())).append("]=").append(table(e.getValue())).append(',');
                }
            }
            return b.append('}').toString();
        }
        if (node.isArray()) {
            StringBuilder b = new StringBuilder("{");
            node.forEach(v -> b.append(table(v)).append(','));
            return b.append('}').toString();
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.asText();
        }
        return node.isNull() ? "nil" : string(node.asText());
    }

    private static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
