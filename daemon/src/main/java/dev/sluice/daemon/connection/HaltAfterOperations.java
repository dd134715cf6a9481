package dev.sluice.daemon.connection;

import dev.sluice.routing.manager.Operation;
import dev.sluice.routing.manager.RouteBackend;
import dev.sluice.routing.manager.RouteException;

/**
 * Fault injection for the crash tests: at the {@code n}-th operation the process halts at once (no
 * shutdown hooks, no undo), as if killed with SIGKILL at that point: after applying it ({@code n}),
 * or after journaling but before applying it ({@code before:n}). Enabled only by the environment
 * variable {@value #VARIABLE}; never in normal operation.
 */
final class HaltAfterOperations implements RouteBackend {
    static final String VARIABLE = "SLUICE_FAULT_HALT_AFTER_OPERATION";

    private final RouteBackend delegate;
    private final int haltAt;
    private final boolean beforeApplying;
    private int applied;

    private HaltAfterOperations(RouteBackend delegate, int haltAt, boolean beforeApplying) {
        this.delegate = delegate;
        this.haltAt = haltAt;
        this.beforeApplying = beforeApplying;
    }

    /** {@code delegate}, wrapped when the variable asks for a halt. */
    static RouteBackend wrap(RouteBackend delegate) {
        String value = System.getenv(VARIABLE);
        if (value == null || value.isBlank()) {
            return delegate;
        }
        String spec = value.strip();
        boolean before = spec.startsWith("before:");
        return new HaltAfterOperations(
                delegate, Integer.parseInt(before ? spec.substring(7) : spec), before);
    }

    @Override
    public void apply(Operation operation) throws RouteException {
        if (beforeApplying && applied + 1 == haltAt) {
            halt("before applying operation " + haltAt + ": " + operation);
        }
        delegate.apply(operation);
        if (++applied == haltAt && !beforeApplying) {
            halt("after operation " + applied + ": " + operation);
        }
    }

    private static void halt(String where) {
        System.err.println("fault injection: halting " + where);
        System.err.flush();
        Runtime.getRuntime().halt(137);
    }

    @Override
    public String readSysctl(String key) throws RouteException {
        return delegate.readSysctl(key);
    }
}
