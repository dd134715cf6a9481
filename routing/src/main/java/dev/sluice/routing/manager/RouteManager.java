package dev.sluice.routing.manager;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Moves the system from the state Sluice last reached to a desired one, declaratively: {@link #set}
 * is idempotent and returns the state reached.
 *
 * <p>Order of a change (so traffic is never captured before it can be carried, and is released
 * before its path goes away): sysctls, firewall table, added routes, added rules; then removed
 * rules, removed routes, removed firewall table, and sysctls no longer wanted are restored to the
 * values they had before Sluice set them.
 *
 * <p>An operation the backend refuses because the system already is as it would make it ({@link
 * RouteException#alreadyInPlace()}) counts as applied. Atomicity: if an operation fails, the
 * operations already applied by this call are undone in reverse order and {@link RouteException} is
 * thrown; the state stays the previous one. Each applied operation is first offered to the {@link
 * OperationListener} (the journal), so a crash between steps leaves a record of exactly what to
 * undo.
 */
public final class RouteManager {
    /** Told about every operation before it is applied (the journal writes its inverse). */
    @FunctionalInterface
    public interface OperationListener {
        void beforeApply(Operation operation) throws RouteException;

        /** The operation was undone during a rollback (the journal may drop it). */
        default void undone(Operation operation) {}
    }

    private final RouteBackend backend;
    private final OperationListener listener;
    private DesiredState current = DesiredState.EMPTY;
    private final java.util.concurrent.atomic.AtomicLong operationsApplied =
            new java.util.concurrent.atomic.AtomicLong();
    private final List<Operation.SetSysctl> sysctlsSet = new ArrayList<>();

    public RouteManager(RouteBackend backend) {
        this(backend, operation -> {});
    }

    public RouteManager(RouteBackend backend, OperationListener listener) {
        this.backend = backend;
        this.listener = listener;
    }

    /** Operations the backend applied so far (rollbacks not counted). */
    public long operationsApplied() {
        return operationsApplied.get();
    }

    /** The state reached by the last successful {@link #set}. */
    public synchronized DesiredState current() {
        return current;
    }

    /**
     * Makes the system hold {@code desired} (and nothing else of ours).
     *
     * @return the state reached (equal to {@code desired})
     * @throws RouteException when an operation failed; everything this call did is undone
     */
    public synchronized DesiredState set(DesiredState desired) throws RouteException {
        List<Operation> plan = new ArrayList<>();
        List<Operation.SetSysctl> newSysctls = new ArrayList<>();
        for (SysctlEntry sysctl : desired.sysctls()) {
            Operation.SetSysctl already = findSysctl(sysctl.key());
            if (already != null && already.value().equals(sysctl.value())) {
                continue;
            }
            String previous =
                    already != null ? already.previous() : backend.readSysctl(sysctl.key());
            if (already == null && previous.equals(sysctl.value())) {
                continue; // already as needed: not ours to restore
            }
            Operation.SetSysctl set =
                    new Operation.SetSysctl(sysctl.key(), sysctl.value(), previous);
            plan.add(set);
            newSysctls.add(set);
        }
        if (desired.firewall() != null && !desired.firewall().equals(current.firewall())) {
            if (current.firewall() != null) {
                plan.add(new Operation.DeleteFirewall(current.firewall()));
            }
            plan.add(new Operation.AddFirewall(desired.firewall()));
        }
        for (RouteEntry route : desired.routes()) {
            if (!current.routes().contains(route)) {
                plan.add(new Operation.AddRoute(route));
            }
        }
        for (RuleEntry rule : desired.rules()) {
            if (!current.rules().contains(rule)) {
                plan.add(new Operation.AddRule(rule));
            }
        }
        for (RuleEntry rule : reversed(current.rules())) {
            if (!desired.rules().contains(rule)) {
                plan.add(new Operation.DeleteRule(rule));
            }
        }
        for (RouteEntry route : reversed(current.routes())) {
            if (!desired.routes().contains(route)) {
                plan.add(new Operation.DeleteRoute(route));
            }
        }
        if (current.firewall() != null && desired.firewall() == null) {
            plan.add(new Operation.DeleteFirewall(current.firewall()));
        }
        List<Operation.SetSysctl> restored = new ArrayList<>();
        for (Operation.SetSysctl set : reversed(sysctlsSet)) {
            boolean stillWanted =
                    desired.sysctls().stream().anyMatch(s -> s.key().equals(set.key()));
            if (!stillWanted) {
                Operation.SetSysctl restore =
                        new Operation.SetSysctl(set.key(), set.previous(), set.value());
                plan.add(restore);
                restored.add(set);
            }
        }
        apply(plan);
        for (Operation.SetSysctl set : newSysctls) {
            // set.previous() is the value before Sluice first touched the key.
            sysctlsSet.removeIf(s -> s.key().equals(set.key()));
            sysctlsSet.add(set);
        }
        sysctlsSet.removeAll(restored);
        current = desired;
        return current;
    }

    /**
     * Puts back entries of the current state that the system lost (another program deleted a rule,
     * a route, the firewall table, or changed a sysctl): each goes through the listener (the
     * journal) like any change. The state Sluice wants does not change.
     *
     * @param lost the entries to re-apply; each must be part of {@link #current()}
     * @return the operations applied
     */
    public synchronized List<Operation> reapply(DesiredState lost) throws RouteException {
        List<Operation> plan = new ArrayList<>();
        for (SysctlEntry sysctl : lost.sysctls()) {
            Operation.SetSysctl set = findSysctl(sysctl.key());
            if (set != null) {
                plan.add(set);
            }
        }
        if (lost.firewall() != null && lost.firewall().equals(current.firewall())) {
            plan.add(new Operation.AddFirewall(lost.firewall()));
        }
        for (RouteEntry route : lost.routes()) {
            if (current.routes().contains(route)) {
                plan.add(new Operation.AddRoute(route));
            }
        }
        for (RuleEntry rule : lost.rules()) {
            if (current.rules().contains(rule)) {
                plan.add(new Operation.AddRule(rule));
            }
        }
        apply(plan);
        return plan;
    }

    private Operation.SetSysctl findSysctl(String key) {
        for (Operation.SetSysctl set : sysctlsSet) {
            if (set.key().equals(key)) {
                return set;
            }
        }
        return null;
    }

    private void apply(List<Operation> plan) throws RouteException {
        List<Operation> done = new ArrayList<>();
        for (Operation operation : plan) {
            try {
                listener.beforeApply(operation);
                backend.apply(operation);
                operationsApplied.incrementAndGet();
                done.add(operation);
            } catch (RouteException e) {
                if (e.alreadyInPlace()) {
                    // Deleting what another program already removed, or adding what exists:
                    // the system is as this operation wants it.
                    done.add(operation);
                    continue;
                }
                rollBack(done, e);
                throw e;
            }
        }
    }

    private void rollBack(List<Operation> done, RouteException cause) {
        for (int i = done.size() - 1; i >= 0; i--) {
            Operation inverse = done.get(i).inverse();
            try {
                backend.apply(inverse);
                listener.undone(done.get(i));
            } catch (RouteException e) {
                cause.addSuppressed(e);
            }
        }
    }

    private static <T> List<T> reversed(Set<T> items) {
        List<T> list = new ArrayList<>(new LinkedHashSet<>(items));
        java.util.Collections.reverse(list);
        return list;
    }

    private static <T> List<T> reversed(List<T> items) {
        List<T> list = new ArrayList<>(items);
        java.util.Collections.reverse(list);
        return list;
    }
}
