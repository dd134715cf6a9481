package dev.sluice.daemon.platform.darwin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sluice's DNS entry in the SystemConfiguration dynamic store, through {@code scutil}: added as a
 * temporary key held by a scutil session that lives as long as the entry is wanted, so a daemon
 * that dies takes the entry with it. Removing it ends the session; a recovery run (another process,
 * the session long gone) also removes the key in case it survived.
 */
public final class DynamicStoreDns implements AutoCloseable {
    static final long TIMEOUT_MS = 5_000;

    private final ScutilSession.Launcher launcher;
    private final Map<String, ScutilSession> holding = new HashMap<>();

    public DynamicStoreDns(ScutilSession.Launcher launcher) {
        this.launcher = launcher;
    }

    /** The store of this Mac, through {@code /usr/sbin/scutil}. */
    public static DynamicStoreDns system() {
        return new DynamicStoreDns(ScutilProcess::start);
    }

    /**
     * Sets entry {@code service}: {@code servers} answer for {@code matchDomains} ({@link
     * ScutilScript#EVERY_NAME}: every name).
     *
     * @throws IOException when scutil fails or the key is not there afterwards
     */
    public synchronized void set(String service, List<String> servers, List<String> matchDomains)
            throws IOException {
        ScutilSession previous = holding.remove(service);
        if (previous != null) {
            previous.close();
        }
        String key = ScutilScript.key(service);
        ScutilSession session = launcher.start();
        try {
            String output =
                    session.run(
                            ScutilScript.addTemporary(service, servers, matchDomains)
                                    + ScutilScript.show(key),
                            TIMEOUT_MS);
            if (ScutilScript.noSuchKey(output)
                    || ScutilScript.arrayValues(output, "ServerAddresses").isEmpty()) {
                throw new IOException(
                        "scutil did not add " + key + ": " + output.strip().replace('\n', ' '));
            }
        } catch (IOException | RuntimeException e) {
            session.close();
            throw e;
        }
        holding.put(service, session);
    }

    /** Removes entry {@code service}; an absent one counts as removed. */
    public synchronized void remove(String service) throws IOException {
        String key = ScutilScript.key(service);
        ScutilSession held = holding.remove(service);
        if (held != null) {
            try {
                held.run(ScutilScript.remove(key), TIMEOUT_MS);
            } finally {
                held.close();
            }
            return;
        }
        ScutilSession session = launcher.start();
        try {
            session.run(ScutilScript.remove(key), TIMEOUT_MS);
        } finally {
            session.close();
        }
    }

    /** Whether entry {@code service} is in the store now. */
    public boolean present(String service) throws IOException {
        return !ScutilScript.noSuchKey(show(ScutilScript.key(service)));
    }

    /** The servers the system resolves with now ({@code State:/Network/Global/DNS}). */
    public List<String> globalServers() throws IOException {
        String output = show(ScutilScript.GLOBAL_DNS);
        return ScutilScript.noSuchKey(output)
                ? List.of()
                : new ArrayList<>(ScutilScript.arrayValues(output, "ServerAddresses"));
    }

    private String show(String key) throws IOException {
        ScutilSession session = launcher.start();
        try {
            return session.run(ScutilScript.show(key), TIMEOUT_MS);
        } finally {
            session.close();
        }
    }

    /** Ends every session held: their entries leave the store. */
    @Override
    public synchronized void close() {
        holding.values().forEach(ScutilSession::close);
        holding.clear();
    }
}
