package dev.interactiondemo.api.spec;

/** How the Host calls the Greeter. */
public enum CallMode {
    /** One blocking call at a time: a slow or dead Greeter blocks the Host. */
    sync,
    /** Future stub, up to maxInFlight calls outstanding. */
    async
}
