package dev.interactiondemo.sandbox;

import dev.interactiondemo.api.status.InteractionDemoStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.PrintStream;

/** One JSON object per line, the InteractionDemo status as the operator writes it; the last line is the final status. */
final class JsonView implements StatusView {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private final PrintStream out;

    JsonView(PrintStream out) {
        this.out = out;
    }

    @Override
    public void show(InteractionDemoStatus status) {
        out.println(JSON.asJson(status));
        out.flush();
    }

    @Override
    public void last(InteractionDemoStatus status) {
        show(status);
    }
}
