package dev.interactiondemo.sandbox;

import dev.interactiondemo.api.status.InteractionDemoStatus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The last statuses observed, numbered, for the page's charts: it asks for those after the last it has. */
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
