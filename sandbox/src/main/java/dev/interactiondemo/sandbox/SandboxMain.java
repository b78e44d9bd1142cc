package dev.interactiondemo.sandbox;

import dev.interactiondemo.common.ConfigException;
import dev.interactiondemo.common.Settings;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code java -jar interaction-demo-sandbox.jar [--duration 30s] [--rate 5] [--call-mode sync|async]
 * [--output table|json] ...}: the lesson on one machine. Ctrl-C ends it gracefully with the final status.
 */
public final class SandboxMain {
    private SandboxMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Before any logger exists: the sandbox keeps stdout for its status and logs briefly to stderr.
        System.setProperty("logback.configurationFile", "logback-sandbox.xml");
        Settings settings = SandboxOptions.parse(args, System.getenv());
        if (settings.helpRequested()) {
            System.out.println(Settings.usage("java -jar interaction-demo-sandbox.jar [options]",
                    SandboxOptions.OPTIONS));
            return;
        }
        SandboxOptions options;
        try {
            options = SandboxOptions.from(settings);
        } catch (ConfigException e) {
            System.err.println("sandbox: " + e.getMessage());
            System.exit(2);
            return;
        }
        Sandbox sandbox = new Sandbox(options, System.out, System.err);
        AtomicInteger exit = new AtomicInteger(1);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            // Ctrl-C or SIGTERM: finish gracefully, then exit with the sandbox's verdict.
            sandbox.requestStop();
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(exit.get());
        }, "sandbox-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        exit.set(sandbox.run());
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return; // the hook exits with the verdict
        }
        System.exit(exit.get());
    }
}
