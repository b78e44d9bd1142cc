package dev.interactiondemo.sandbox;

import dev.interactiondemo.common.Program;

/**
 * {@code java -jar interaction-demo-sandbox.jar [--duration 30s] [--rate 5] [--call-mode sync|async]
 * [--output table|json] ...}: the lesson on one machine. Ctrl-C ends it gracefully with the final status.
 */
public final class SandboxMain {
    private SandboxMain() {
    }

    public static void main(String[] args) {
        // Before any logger exists: the sandbox keeps stdout for its status and logs briefly to stderr.
        System.setProperty("logback.configurationFile", "logback-sandbox.xml");
        Program.of("sandbox", "java -jar interaction-demo-sandbox.jar [options]", SandboxOptions.OPTIONS).run(args,
                settings -> new Sandbox(SandboxOptions.from(settings), System.out, System.err));
    }
}
