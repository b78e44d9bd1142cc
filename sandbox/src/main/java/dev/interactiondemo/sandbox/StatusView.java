package dev.interactiondemo.sandbox;

import dev.interactiondemo.api.status.InteractionDemoStatus;

/** How the sandbox shows its status: every interval, and once more at the end. */
interface StatusView {
    void show(InteractionDemoStatus status);

    void last(InteractionDemoStatus status);
}
