package dev.sluice.daemon.service;

/** Where the connection lifecycle stands (the words {@code sluice status} prints). */
public enum ServiceState {
    DISCONNECTED,
    CONNECTING,
    CONNECTED,
    ERROR;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
