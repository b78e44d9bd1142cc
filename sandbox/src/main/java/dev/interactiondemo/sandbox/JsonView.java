package dev.interactiondemo.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintStream;
import java.io.UncheckedIOException;

/** One JSON object per line; the last line is the final status. */
final class JsonView implements StatusView {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    JsonView(PrintStream out) {
        this.out = out;
    }

    @Override
    public void show(SandboxStatus status) {
        try {
            out.println(JSON.writeValueAsString(status));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void last(SandboxStatus status) {
        show(status);
    }
}
