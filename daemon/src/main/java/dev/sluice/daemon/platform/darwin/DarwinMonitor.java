package dev.sluice.daemon.platform.darwin;

import dev.sluice.daemon.platform.RouteMonitor;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.manager.DesiredState;
import dev.sluice.routing.manager.Operation;
import dev.sluice.routing.manager.ReapplyBudget;
import dev.sluice.routing.manager.RouteEntry;
import dev.sluice.routing.manager.RouteException;
import dev.sluice.routing.manager.RouteManager;
import dev.sluice.routing.manager.RouteType;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The macOS side of keeping a connection's routes in place (DESIGN.md, "Crash safety", 5). A thread
 * reads its own routing socket, which receives every change anyone makes; after a burst has been
 * quiet for {@link #QUIET_MS} it {@link #check}s the table:
 *
 * <ul>
 *   <li>the primary default route changed (another network, another router): bypass routes move to
 *       the new gateway ({@link DarwinRouteBackend#rederive}) and the connection is told, so peers
 *       re-resolve and re-handshake;
 *   <li>a route of the connection's is gone (someone ran {@code route delete}): it is put back
 *       through the route manager, so through the journal.
 * </ul>
 *
 * Never fights: more than {@link ReapplyBudget#MAX_REAPPLIES} puts-back within {@link
 * ReapplyBudget#WINDOW_NS} stop it (the reason is {@link #failure()}).
 */
public final class DarwinMonitor implements RouteMonitor {
    static final int QUIET_MS = 250;
    private static final long BURST_LIMIT_NS = 2_000_000_000L;
    private static final Logger LOG = System.getLogger(DarwinMonitor.class.getName());

    private final RoutingKernel events;
    private final RoutingClient table;
    private final DarwinRouteBackend backend;
    private final RouteManager routes;
    private final Runnable underlayChanged;
    private final LongSupplier clockNs;
    private final ReapplyBudget budget = new ReapplyBudget();
    private volatile Underlay underlay;
    private volatile String failure;
    private volatile boolean running = true;
    private Thread thread;

    /**
     * @param events a routing socket of the monitor's own (it receives everyone's changes)
     * @param table reads the routing table
     * @param underlayChanged called on the monitor's thread when the primary default route changed
     */
    DarwinMonitor(
            RoutingKernel events,
            RoutingClient table,
            DarwinRouteBackend backend,
            RouteManager routes,
            Runnable underlayChanged,
            LongSupplier clockNs)
            throws IOException {
        this.events = events;
        this.table = table;
        this.backend = backend;
        this.routes = routes;
        this.underlayChanged = underlayChanged;
        this.clockNs = clockNs;
        Underlay known = backend.underlay();
        this.underlay = known != null ? known : Underlay.of(table.routes());
    }

    /** The underlay as the monitor last saw it. */
    Underlay underlay() {
        return underlay;
    }

    /** Starts watching on a thread of its own. */
    public static DarwinMonitor start(
            RoutingKernel events,
            RoutingClient table,
            DarwinRouteBackend backend,
            RouteManager routes,
            Runnable underlayChanged)
            throws IOException {
        DarwinMonitor monitor =
                new DarwinMonitor(
                        events, table, backend, routes, underlayChanged, System::nanoTime);
        monitor.thread = new Thread(monitor::run, "sluice-reconcile");
        monitor.thread.setDaemon(true);
        monitor.thread.start();
        return monitor;
    }

    private void run() {
        while (running) {
            try {
                if (events.read(1_000) == null) {
                    continue;
                }
                long burstEndNs = System.nanoTime() + BURST_LIMIT_NS;
                while (running && System.nanoTime() < burstEndNs && events.read(QUIET_MS) != null) {
                    // a burst of changes: wait until it is quiet (bounded)
                }
                if (running) {
                    check();
                }
            } catch (IOException | RuntimeException e) {
                if (running) {
                    LOG.log(Level.WARNING, "routing check failed: " + e.getMessage());
                }
            }
        }
    }

    /** Compares the table with what the connection holds, and acts on what differs. */
    public void check() throws IOException {
        List<RoutingMessage.Route> live = table.routes();
        Underlay now = Underlay.of(live);
        if (!now.equals(underlay)) {
            LOG.log(Level.INFO, "underlay changed: " + underlay + " -> " + now);
            underlay = now;
            for (String line : backend.rederive(now)) {
                LOG.log(Level.INFO, line);
            }
            underlayChanged.run();
        }
        if (failure != null) {
            return;
        }
        DesiredState lost = lost(live);
        if (lost.isEmpty()) {
            return;
        }
        if (!budget.take(clockNs.getAsLong())) {
            failure =
                    "another program keeps removing Sluice's routes ("
                            + lost.routes()
                            + "); put back "
                            + ReapplyBudget.limit()
                            + ", not fighting it: traffic may not follow the policy until the"
                            + " connection is made again";
            LOG.log(Level.ERROR, failure);
            return;
        }
        try {
            List<Operation> applied = routes.reapply(lost);
            LOG.log(
                    Level.WARNING,
                    "put back "
                            + applied.size()
                            + " route(s) removed by another program: "
                            + lost.routes());
        } catch (RouteException e) {
            LOG.log(Level.ERROR, "could not put Sluice's routes back: " + e.getMessage());
        }
    }

    /** The connection's routes the table does not hold. */
    private DesiredState lost(List<RoutingMessage.Route> live) {
        Set<IpPrefix> ours = new HashSet<>();
        Set<IpPrefix> anyone = new HashSet<>();
        for (RoutingMessage.Route route : live) {
            if (route.prefix() == null || route.has(RouteFlags.RTF_IFSCOPE)) {
                continue;
            }
            anyone.add(route.prefix());
            if (route.has(RouteFlags.RTF_PROTO1)) {
                ours.add(route.prefix());
            }
        }
        Set<RouteEntry> lost = new LinkedHashSet<>();
        for (RouteEntry route : routes.current().routes()) {
            IpPrefix prefix = route.destination();
            boolean present =
                    route.type() == RouteType.THROW
                            ? anyone.contains(prefix) || backend.waiting(prefix)
                            : ours.contains(prefix);
            if (!present) {
                lost.add(route);
            }
        }
        return new DesiredState(lost, Set.of(), List.of(), null);
    }

    @Override
    public List<String> overrides() {
        return List.of();
    }

    @Override
    public String failure() {
        return failure;
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        events.close();
        table.close();
    }
}
