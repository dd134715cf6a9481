package dev.sluice.routing.manager;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A backend that only records: every operation becomes a line of the transcript (golden tests in
 * the style of Tailscale's router tests, and dry runs). Sysctls read as {@code 0} unless set. Can
 * be told to fail a given operation to exercise rollback.
 */
public final class TranscriptBackend implements RouteBackend {
    private final List<String> lines = new ArrayList<>();
    private final Map<String, String> sysctls = new HashMap<>();
    private String failOn;
    private String alreadyInPlace;

    @Override
    public void apply(Operation operation) throws RouteException {
        String line = operation.toString();
        if (failOn != null && line.startsWith(failOn)) {
            failOn = null;
            throw new RouteException(line + ": injected failure");
        }
        if (alreadyInPlace != null && line.startsWith(alreadyInPlace)) {
            throw new RouteException(line + ": already so", null, true);
        }
        if (operation instanceof Operation.SetSysctl set) {
            sysctls.put(set.key(), set.value());
        }
        lines.add(line);
    }

    @Override
    public String readSysctl(String key) {
        return sysctls.getOrDefault(key, "0");
    }

    /** Presets a sysctl's current value. */
    public TranscriptBackend withSysctl(String key, String value) {
        sysctls.put(key, value);
        return this;
    }

    /** Makes the next operation whose line starts with {@code prefix} fail. */
    public void failOn(String prefix) {
        this.failOn = prefix;
    }

    /**
     * Makes every operation whose line starts with {@code prefix} fail as already in place (what it
     * deletes is gone, what it adds exists).
     */
    public void alreadyInPlace(String prefix) {
        this.alreadyInPlace = prefix;
    }

    /** The transcript so far, one operation per line. */
    public String transcript() {
        return String.join("\n", lines) + (lines.isEmpty() ? "" : "\n");
    }

    public void clear() {
        lines.clear();
    }
}
