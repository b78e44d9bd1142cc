package dev.interactiondemo.sandbox;

/** How the sandbox shows its status: every interval, and once more at the end. */
interface StatusView {
    void show(SandboxStatus status);

    void last(SandboxStatus status);
}
