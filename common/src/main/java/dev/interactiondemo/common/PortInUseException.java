package dev.interactiondemo.common;

/** A port a program was told to listen on is taken; the message names the setting to change. */
public final class PortInUseException extends RuntimeException {
    public PortInUseException(int port, String setting, Throwable cause) {
        super("port " + port + " is already in use; free it or choose another with " + setting, cause);
    }
}
