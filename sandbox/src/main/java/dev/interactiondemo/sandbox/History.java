package dev.interactiondemo.sandbox;

import dev.interactiondemo.api.status.InteractionDemoStatus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last statuses observed, numbered: for the page's charts (it asks for those after the last it has) and for a
 * lesson, which looks at each new one ({@link #next}).
 */
final class History {
    /** One observation: its number, when it was made (epoch milliseconds), the status. */
    record Entry(long seq, long time, InteractionDemoStatus status) {
    }

    private final int capacity;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long seq;

    History(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(InteractionDemoStatus status) {
        entries.addLast(new Entry(++seq, System.currentTimeMillis(), status));
        while (entries.size() > capacity) {
            entries.removeFirst();
        }
        notifyAll();
    }

    /**
     * The latest entry once one numbered above {@code after} is there, waiting at most {@code timeoutMillis}; null
     * when none came meanwhile.
     */
    synchronized Entry next(long after, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (entries.isEmpty() || entries.getLast().seq() <= after) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return null;
            }
            wait(left);
        }
        return entries.getLast();
    }

    /** The entries numbered above {@code after}, oldest first. */
    synchronized List<Entry> after(long after) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.seq() > after) {
                out.add(e);
            }
        }
        return out;
    }

    /** The latest status, or null before the first observation. */
    synchronized InteractionDemoStatus latest() {
        return entries.isEmpty() ? null : entries.getLast().status();
    }
}
