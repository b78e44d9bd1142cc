package dev.interactiondemo.common;

import java.util.concurrent.ThreadFactory;

/** Threads of the programs' own executors: named, and daemons, so that none keeps a JVM from exiting. */
public final class Threads {
    private Threads() {
    }

    /** A factory of daemon threads, each named {@code name}. */
    public static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
