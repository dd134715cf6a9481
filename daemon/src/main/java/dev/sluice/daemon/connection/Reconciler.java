package dev.sluice.daemon.connection;

import dev.sluice.daemon.platform.RouteMonitor;
import dev.sluice.daemon.platform.linux.LinuxSystemState;
import dev.sluice.daemon.platform.linux.NetlinkSocket;
import dev.sluice.daemon.platform.linux.Nft;
import dev.sluice.daemon.platform.linux.OwnedEntries;
import dev.sluice.daemon.platform.linux.Sysctls;
import dev.sluice.routing.manager.DesiredState;
import dev.sluice.routing.manager.Operation;
import dev.sluice.routing.manager.ReapplyBudget;
import dev.sluice.routing.manager.RouteEntry;
import dev.sluice.routing.manager.RouteException;
import dev.sluice.routing.manager.RouteManager;
import dev.sluice.routing.manager.RuleEntry;
import dev.sluice.routing.manager.SysctlEntry;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps what Sluice applied in place while connected (DESIGN.md, "Crash safety", 5). A thread
 * listens to rtnetlink link, route and rule notifications; after a burst has been quiet for {@link
 * #QUIET_MS} it compares the kernel with the route manager's current state and re-applies what
 * another program removed (rules, routes of Sluice's table, the firewall table, sysctls), through
 * the journal. When the underlay's default route changes (a network switch), it calls the underlay
 * listener so peers re-resolve and re-handshake.
 *
 * <p>Never fights: more than {@link ReapplyBudget#MAX_REAPPLIES} re-applies within {@link
 * ReapplyBudget#WINDOW_NS} put it in the error state (logged once, reported by {@link #failure()});
 * it then stops re-applying until the connection is made again.
 */
final class Reconciler implements RouteMonitor {
    static final int QUIET_MS = 250;
    private static final int RTMGRP_LINK = 0x1;
    private static final int RTMGRP_IPV4_ROUTE = 0x40;
    private static final int RTMGRP_IPV4_RULE = 0x80;
    private static final int RTMGRP_IPV6_ROUTE = 0x400;
    private static final int RTNLGRP_IPV6_RULE_BIT = 1 << (19 - 1);
    private static final Logger LOG = System.getLogger(Reconciler.class.getName());

    private final RouteManager routes;
    private final int table;
    private final Runnable underlayChanged;
    private final NetlinkSocket monitor;
    private final Thread thread;
    private final ReapplyBudget budget = new ReapplyBudget();
    private volatile boolean running = true;
    private volatile String failure;
    private String underlay;
    private final Set<String> mainRoutesAtConnect;
    private volatile List<String> overrides = List.of();

    private Reconciler(
            RouteManager routes, int table, Runnable underlayChanged, NetlinkSocket monitor)
            throws IOException {
        this.routes = routes;
        this.table = table;
        this.underlayChanged = underlayChanged;
        this.monitor = monitor;
        this.underlay = LinuxSystemState.underlayDefaultRoutes();
        this.mainRoutesAtConnect = LinuxSystemState.mainSpecificRoutes();
        this.thread = new Thread(this::run, "sluice-reconcile");
        thread.setDaemon(true);
    }

    /** Starts watching; {@code underlayChanged} runs on the reconciler's thread. */
    static Reconciler start(RouteManager routes, int table, Runnable underlayChanged)
            throws IOException {
        NetlinkSocket monitor =
                NetlinkSocket.subscribe(
                        RTMGRP_LINK
                                | RTMGRP_IPV4_ROUTE
                                | RTMGRP_IPV4_RULE
                                | RTMGRP_IPV6_ROUTE
                                | RTNLGRP_IPV6_RULE_BIT);
        Reconciler reconciler;
        try {
            reconciler = new Reconciler(routes, table, underlayChanged, monitor);
        } catch (IOException | RuntimeException e) {
            monitor.close();
            throw e;
        }
        reconciler.thread.start();
        return reconciler;
    }

    /**
     * Routes another program added to the main table since connect: they take precedence over
     * Sluice's capture for their addresses (reported, not removed: they are not Sluice's).
     */
    @Override
    public List<String> overrides() {
        return overrides;
    }

    /** Why reconciliation gave up, or null while it works. */
    @Override
    public String failure() {
        return failure;
    }

    private void run() {
        while (running) {
            try {
                if (monitor.awaitNotifications(-1) == 0) {
                    continue;
                }
                // Debounce: wait for the burst to end (bounded, so a constant stream still acts).
                long deadlineNs = System.nanoTime() + 2_000_000_000L;
                long quietUntilNs = System.nanoTime() + QUIET_MS * 1_000_000L;
                long nowNs;
                while (running
                        && (nowNs = System.nanoTime()) < quietUntilNs
                        && nowNs < deadlineNs) {
                    int waitMs =
                            (int)
                                    Math.max(
                                            1,
                                            (Math.min(quietUntilNs, deadlineNs) - nowNs)
                                                    / 1_000_000L);
                    if (monitor.awaitNotifications(waitMs) > 0) {
                        quietUntilNs = System.nanoTime() + QUIET_MS * 1_000_000L;
                    }
                }
                if (running) {
                    check();
                }
            } catch (IOException | RuntimeException e) {
                if (running) {
                    LOG.log(Level.WARNING, "reconciliation check failed: " + e.getMessage());
                }
            }
        }
    }

    private void check() throws IOException {
        String now = LinuxSystemState.underlayDefaultRoutes();
        if (!now.equals(underlay)) {
            LOG.log(
                    Level.INFO,
                    "underlay changed: "
                            + oneLine(underlay)
                            + " -> "
                            + oneLine(now)
                            + "; re-resolving endpoints and re-handshaking");
            underlay = now;
            underlayChanged.run();
        }
        Set<String> added = new java.util.TreeSet<>(LinuxSystemState.mainSpecificRoutes());
        added.removeAll(mainRoutesAtConnect);
        List<String> nowOverrides = List.copyOf(added);
        for (String route : nowOverrides) {
            if (!overrides.contains(route)) {
                LOG.log(
                        Level.WARNING,
                        "another program added '"
                                + route
                                + "': it takes precedence over Sluice for those addresses");
            }
        }
        overrides = nowOverrides;
        if (failure != null) {
            return;
        }
        DesiredState lost = lost();
        if (lost.isEmpty()) {
            return;
        }
        if (!budget.take(System.nanoTime())) {
            failure =
                    "another program keeps removing Sluice's routing entries ("
                            + describe(lost)
                            + "); re-applied "
                            + ReapplyBudget.limit()
                            + ", not fighting it: traffic may not be captured until the"
                            + " connection is made again";
            LOG.log(Level.ERROR, failure);
            return;
        }
        try {
            List<Operation> applied = routes.reapply(lost);
            LOG.log(
                    Level.WARNING,
                    "restored "
                            + applied.size()
                            + " entr"
                            + (applied.size() == 1 ? "y" : "ies")
                            + " removed by another program: "
                            + describe(lost));
        } catch (RouteException e) {
            LOG.log(Level.ERROR, "could not restore Sluice's routing entries: " + e.getMessage());
        }
    }

    /** What of the current state the kernel does not hold. */
    private DesiredState lost() throws IOException {
        DesiredState current = routes.current();
        if (current.isEmpty()) {
            return DesiredState.EMPTY;
        }
        Set<RuleEntry> liveRules;
        Set<RouteEntry> liveRoutes;
        try (NetlinkSocket socket = NetlinkSocket.open()) {
            liveRules = OwnedEntries.rules(socket);
            liveRoutes = OwnedEntries.routes(socket, table);
        }
        Set<RuleEntry> rules = new LinkedHashSet<>(current.rules());
        rules.removeAll(liveRules);
        Set<RouteEntry> lostRoutes = new LinkedHashSet<>(current.routes());
        lostRoutes.removeAll(liveRoutes);
        List<SysctlEntry> sysctls = new ArrayList<>();
        for (SysctlEntry sysctl : current.sysctls()) {
            try {
                if (!Sysctls.read(sysctl.key()).equals(sysctl.value())) {
                    sysctls.add(sysctl);
                }
            } catch (IOException gone) {
                // A key of a device that went away: nothing to restore there.
            }
        }
        boolean firewallLost = false;
        if (current.firewall() != null) {
            try {
                Nft.run(
                        List.of(
                                "nft",
                                "list",
                                "table",
                                current.firewall().family(),
                                current.firewall().name()),
                        null,
                        "nft list table");
            } catch (IOException missing) {
                firewallLost = true;
            }
        }
        return new DesiredState(
                lostRoutes, rules, sysctls, firewallLost ? current.firewall() : null);
    }

    private static String describe(DesiredState lost) {
        List<String> items = new ArrayList<>();
        lost.rules().forEach(rule -> items.add("rule " + rule));
        lost.routes().forEach(route -> items.add("route " + route));
        lost.sysctls().forEach(sysctl -> items.add("sysctl " + sysctl));
        if (lost.firewall() != null) {
            items.add("nft table " + lost.firewall());
        }
        return String.join(", ", items);
    }

    private static String oneLine(String text) {
        String line = text.strip().replace("\n", "; ");
        return line.isEmpty() ? "(no default route)" : line;
    }

    @Override
    public void close() {
        running = false;
        monitor.wakeUp();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        monitor.close();
    }
}
