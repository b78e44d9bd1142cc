package dev.interactiondemo.notifier;

import java.util.Optional;

/** What {@link NotifierMain} runs: the Host or the Worker. */
interface NotifierRole extends AutoCloseable {
    NotifierRole start();

    /** Empty when ready; else the reason {@code /readyz} reports. */
    Optional<String> notReadyReason();

    @Override
    void close();
}
