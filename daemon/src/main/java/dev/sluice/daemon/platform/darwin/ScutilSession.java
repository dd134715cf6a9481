package dev.sluice.daemon.platform.darwin;

import java.io.IOException;

/**
 * One running {@code scutil}, fed commands on its standard input: the session that holds Sluice's
 * temporary dynamic-store key for as long as it runs. If the daemon dies, scutil reads end of file
 * and exits, and configd removes the key.
 */
public interface ScutilSession extends AutoCloseable {
    /**
     * Runs {@code commands} and returns what scutil printed for them.
     *
     * @throws IOException when scutil is gone or has not answered within {@code timeoutMs}
     */
    String run(String commands, long timeoutMs) throws IOException;

    /** Ends the session (its temporary keys go with it). */
    @Override
    void close();

    /** Starts sessions: the real {@code /usr/sbin/scutil}, or an in-memory store in tests. */
    @FunctionalInterface
    interface Launcher {
        ScutilSession start() throws IOException;
    }
}
