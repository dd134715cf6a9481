package dev.sluice.daemon.connection;

import dev.sluice.config.PeerConfig;
import dev.sluice.config.RoutingStrategy;
import dev.sluice.config.SluiceConfig;
import dev.sluice.crypto.Tunnel;
import dev.sluice.crypto.TunnelSet;
import dev.sluice.daemon.dataplane.DataPlane;
import dev.sluice.daemon.dataplane.DataPlaneEvents;
import dev.sluice.daemon.dataplane.ForwardingSnapshot;
import dev.sluice.daemon.dataplane.PacketDevice;
import dev.sluice.daemon.dataplane.PeerRuntime;
import dev.sluice.daemon.dns.DnsCounters;
import dev.sluice.daemon.dns.DnsStatus;
import dev.sluice.daemon.dns.DomainRules;
import dev.sluice.daemon.dns.LearnedRoutes;
import dev.sluice.daemon.dns.SplitDns;
import dev.sluice.daemon.platform.Platform;
import dev.sluice.daemon.platform.PlatformRouteBackend;
import dev.sluice.daemon.platform.RouteMonitor;
import dev.sluice.daemon.platform.linux.Rtnetlink;
import dev.sluice.daemon.platform.linux.Sysctls;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.journal.Journal;
import dev.sluice.routing.journal.Ownership;
import dev.sluice.routing.journal.StateDirectory;
import dev.sluice.routing.manager.DesiredState;
import dev.sluice.routing.manager.RouteBackend;
import dev.sluice.routing.manager.RouteException;
import dev.sluice.routing.manager.RouteManager;
import dev.sluice.routing.policy.CompiledPolicy;
import dev.sluice.routing.policy.LearnedAdmission;
import dev.sluice.routing.policy.LearnedOverlay;
import dev.sluice.routing.policy.LearnedRoute;
import dev.sluice.routing.policy.PolicyCompiler;
import dev.sluice.routing.policy.Verdict;
import dev.sluice.routing.trie.CompiledPrefixTable;
import dev.sluice.routing.trie.PrefixTable;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A running tunnel built from a configuration, in this order: tun (MTU, addresses, up), protocol
 * core and peers (endpoints resolved while the system routes are still untouched), data plane and
 * UDP transport, and last the routes that capture traffic. {@link #close()} undoes it in reverse:
 * routes first, so nothing is captured once the pipeline stops. Split DNS ({@link SplitDns}) comes
 * after the routes (its queries need them) and goes first.
 *
 * <p>If any step fails, everything done so far is undone before the exception propagates.
 */
public final class Connection implements AutoCloseable {
    private static final Logger LOG = System.getLogger(Connection.class.getName());
    private static final int POOL_BUFFERS = 2048;

    private volatile SluiceConfig config;
    private final PacketDevice tun;
    private final TunnelSet tunnels;
    private final List<PeerRuntime> peers;
    private final DataPlane dataPlane;
    private final RouteManager routes;
    private final PlatformRouteBackend backend;
    private final Path stateDirectory;
    private final Journal journal;
    private RouteMonitor reconciler;
    private SplitDns dns;
    private final LearnedRoutes learned;
    private final RoutePlan plan;

    /** The static policy's aggregated kernel routes, and the policy they were computed for. */
    private Map<IpPrefix, Verdict> staticKernelRoutes;

    private CompiledPolicy kernelRoutesOf;

    /** The kernel strategy's route map last applied (static and learned), or null. */
    private Map<IpPrefix, Verdict> kernelRoutes;

    /** Told of every new kernel route map, before it is used (the kill switch follows it). */
    private volatile KernelRoutesObserver kernelRoutesObserver = routes -> {};

    /** Told of the kernel strategy's route map whenever it changes. */
    @FunctionalInterface
    public interface KernelRoutesObserver {
        /** Called on the thread changing the routes, before they are applied. */
        void changed(Map<IpPrefix, Verdict> routes) throws IOException;
    }

    /** Set once close() begins: late expiries of learned routes must change nothing then. */
    private boolean closed;

    private Connection(
            SluiceConfig config,
            PacketDevice tun,
            TunnelSet tunnels,
            List<PeerRuntime> peers,
            DataPlane dataPlane,
            RouteManager routes,
            PlatformRouteBackend backend,
            Path stateDirectory,
            Journal journal,
            LearnedRoutes learned,
            RoutePlan plan) {
        this.config = config;
        this.tun = tun;
        this.tunnels = tunnels;
        this.peers = peers;
        this.dataPlane = dataPlane;
        this.routes = routes;
        this.backend = backend;
        this.stateDirectory = stateDirectory;
        this.journal = journal;
        this.learned = learned;
        this.plan = plan;
    }

    /**
     * Opens the connection; on failure nothing is left behind.
     *
     * @param platform the operating system's side (tun, routes, sockets, state)
     * @param dataPlaneFailed told (on a data-plane thread) when forwarding failed for good
     */
    public static Connection open(
            Platform platform,
            SluiceConfig config,
            Path stateDirectory,
            Consumer<String> dataPlaneFailed)
            throws IOException, RouteException {
        String name = config.iface().name();
        List<String> unsupported = platform.configProblems(config);
        if (!unsupported.isEmpty()) {
            throw new IOException(String.join("; ", unsupported));
        }
        Journal journal = null;
        RoutePlan plan = RoutePlan.of(platform, config);
        if (config.iface().capturesRoutes()) {
            // Before the first change (the tun): what we may touch, and an empty journal.
            journal =
                    StateDirectory.begin(
                            stateDirectory, plan.ownership(config), platform.systemState());
        }
        PacketDevice tun;
        try {
            tun = platform.openTun(name, config.iface().mtu(), config.iface().addresses());
        } catch (IOException | RuntimeException e) {
            if (journal != null) {
                StateDirectory.end(stateDirectory, journal);
            }
            throw e;
        }
        DataPlane dataPlane = null;
        TunnelSet tunnels = null;
        PlatformRouteBackend backend = null;
        RouteManager routes = null;
        SplitDns dns = null;
        LearnedRoutes learned = null;
        try {
            // The protocol core keeps its own copies of the keys; the ones made here are zeroed.
            byte[] privateKey = config.iface().privateKey().bytes();
            try {
                tunnels =
                        new TunnelSet(
                                privateKey,
                                new SecureRandom(),
                                () -> System.currentTimeMillis() * 1_000_000L);
            } finally {
                Arrays.fill(privateKey, (byte) 0);
            }
            List<PeerRuntime> peers = new ArrayList<>();
            List<IpPrefix> endpointHosts = new ArrayList<>();
            for (int i = 0; i < config.peers().size(); i++) {
                PeerConfig peer = config.peers().get(i);
                byte[] presharedKey =
                        peer.presharedKey() == null ? null : peer.presharedKey().bytes();
                Tunnel tunnel;
                try {
                    tunnel =
                            tunnels.addPeer(
                                    peer.publicKey().bytes(),
                                    presharedKey,
                                    config.iface().mtu(),
                                    peer.persistentKeepalive().toNanos());
                } finally {
                    if (presharedKey != null) {
                        Arrays.fill(presharedKey, (byte) 0);
                    }
                }
                InetSocketAddress endpoint = resolve(peer);
                if (endpoint != null) {
                    endpointHosts.add(
                            IpPrefix.parseAddress(endpoint.getAddress().getHostAddress()));
                }
                peers.add(new PeerRuntime(i, peer.publicKey(), tunnel, endpoint));
            }
            // Learned routes are published through the connection, once it exists.
            AtomicReference<Connection> opened = new AtomicReference<>();
            DnsCounters dnsCounters = new DnsCounters();
            if (wantsSplitDns(config)) {
                learned =
                        LearnedRoutes.system(
                                config.split().domainTtlMin(),
                                config.split().domainTtlMax(),
                                dnsCounters,
                                () -> {
                                    Connection connection = opened.get();
                                    if (connection != null) {
                                        connection.republish();
                                    }
                                });
            }
            ForwardingSnapshot snapshot = snapshot(config, peers, endpointHosts);
            dataPlane =
                    DataPlane.start(
                            tunnels,
                            tun,
                            receiver ->
                                    platform.openTransport(
                                            config.iface().listenPort(),
                                            config.iface().fwMark(),
                                            receiver),
                            snapshot,
                            POOL_BUFFERS,
                            new DataPlaneEvents() {
                                @Override
                                public void failed(String reason) {
                                    dataPlaneFailed.accept(reason);
                                }

                                @Override
                                public void clockJumped(long jumpMs) {
                                    Connection connection = opened.get();
                                    if (connection != null) {
                                        connection.rehandshake(
                                                "wall clock jumped "
                                                        + jumpMs / 1000
                                                        + " s (resumed from sleep?)");
                                    }
                                }
                            });
            backend = platform.openRouteBackend();
            RouteBackend applied = HaltAfterOperations.wrap(backend);
            routes =
                    journal == null
                            ? new RouteManager(applied)
                            : new RouteManager(applied, journal);
            Map<IpPrefix, Verdict> initialKernelRoutes = null;
            if (config.iface().capturesRoutes()) {
                if (config.split().strategy() == RoutingStrategy.KERNEL) {
                    initialKernelRoutes = snapshot.policy().kernelRoutes();
                    routes.set(plan.desired(config, tun.name(), initialKernelRoutes));
                } else {
                    routes.set(plan.desired(config, tun.name(), null));
                }
            }
            if (learned != null) {
                // Answers are judged against the static policy in force when they arrive.
                DataPlane judging = dataPlane;
                learned.admission(
                        route -> LearnedAdmission.refusal(judging.snapshot().policy(), route));
                dns =
                        SplitDns.start(
                                config,
                                tun.name(),
                                applied,
                                journal,
                                learned,
                                dnsCounters,
                                plan.hostResolver(),
                                platform.sockets());
            }
            for (PeerRuntime peer : peers) {
                if (peer.endpoint() != null) {
                    peer.tunnel().requestHandshake();
                }
            }
            dataPlane.wake();
            LOG.log(
                    Level.INFO,
                    "connected: "
                            + tun.name()
                            + ", "
                            + peers.size()
                            + " peer(s), "
                            + snapshot.policy().size()
                            + " forwarding prefixes, strategy "
                            + config.split().strategy().name().toLowerCase(java.util.Locale.ROOT)
                            + " ("
                            + routes.current().routes().size()
                            + " route(s) in table "
                            + config.iface().table()
                            + "), UDP port "
                            + dataPlane.transport().port());
            Connection connection =
                    new Connection(
                            config,
                            tun,
                            tunnels,
                            peers,
                            dataPlane,
                            routes,
                            backend,
                            stateDirectory,
                            journal,
                            learned,
                            plan);
            connection.dns = dns;
            if (initialKernelRoutes != null) {
                synchronized (connection) {
                    connection.kernelRoutes = initialKernelRoutes;
                    connection.staticKernelRoutes = initialKernelRoutes;
                    connection.kernelRoutesOf = snapshot.policy();
                }
            }
            opened.set(connection);
            if (config.iface().capturesRoutes()) {
                connection.reconciler =
                        plan.startMonitor(routes, backend, config, connection::rejoin);
            }
            return connection;
        } catch (IOException | RouteException | RuntimeException e) {
            boolean undone = true;
            if (dns != null) {
                try {
                    dns.close();
                } catch (RouteException undo) {
                    undone = false;
                    e.addSuppressed(undo);
                }
            }
            if (routes != null) {
                try {
                    routes.set(DesiredState.EMPTY);
                } catch (RouteException undo) {
                    undone = false;
                    e.addSuppressed(undo);
                }
            }
            if (journal != null) {
                if (undone) {
                    StateDirectory.end(stateDirectory, journal);
                } else {
                    journal.close(); // kept for sluice recover
                }
            }
            if (backend != null) {
                backend.close();
            }
            if (dataPlane != null) {
                dataPlane.close();
            }
            if (tunnels != null) {
                tunnels.close();
            }
            tun.close();
            throw e;
        }
    }

    /** The peer's endpoint with its name resolved now, or null without an Endpoint. */
    private static InetSocketAddress resolve(PeerConfig peer) throws IOException {
        if (peer.endpoint() == null) {
            return null;
        }
        try {
            InetAddress address = InetAddress.getByName(peer.endpoint().host());
            return new InetSocketAddress(address, peer.endpoint().port());
        } catch (UnknownHostException e) {
            throw new IOException(
                    "cannot resolve Endpoint "
                            + peer.endpoint()
                            + " of peer "
                            + peer.publicKey()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * Whether only the tun can forward IPv6 (Linux 6.17+), or the fallback's global switch and
     * which interfaces then need {@code accept_ra = 2}; see {@link Ipv6Forwarding}.
     */
    static Ipv6Forwarding probeIpv6Forwarding() throws IOException {
        if (Sysctls.exists("net.ipv6.conf.default.force_forwarding")) {
            return Ipv6Forwarding.PER_INTERFACE;
        }
        boolean wasOff = "0".equals(Sysctls.read("net.ipv6.conf.all.forwarding"));
        List<String> accepting = Sysctls.interfacesWith("net.ipv6.conf", "accept_ra", "1");
        LOG.log(
                Level.WARNING,
                "this kernel cannot forward IPv6 on one interface only (no force_forwarding,"
                        + " Linux 6.17+): IPv6 forwarding is switched on globally while connected;"
                        + " accept_ra goes from 1 to 2 on "
                        + (accepting.isEmpty() ? "no interface" : String.join(", ", accepting))
                        + " so router advertisements keep being heard");
        return Ipv6Forwarding.global(wasOff, accepting);
    }

    /** How recovery tells our entries from others': protocol, tun, table, firewall, sysctls. */
    static Ownership ownership(SluiceConfig config, Ipv6Forwarding ipv6) {
        DesiredState desired = CaptureRoutes.desired(config, config.iface().name(), ipv6);
        Set<String> sysctls = new TreeSet<>();
        desired.sysctls().forEach(sysctl -> sysctls.add(sysctl.key()));
        return new Ownership(
                Rtnetlink.SLUICE_PROTOCOL,
                config.iface().name(),
                config.iface().table(),
                desired.firewall().family() + " " + desired.firewall().name(),
                sysctls);
    }

    /**
     * Split DNS runs when the configuration names tunnel resolvers or domain rules, and Sluice
     * captures traffic (with {@code Table = off} it changes nothing of the host).
     */
    static boolean wantsSplitDns(SluiceConfig config) {
        return config.iface().capturesRoutes() && DomainRules.wanted(config);
    }

    /** The static tables of {@code config}, without learned routes. */
    static ForwardingSnapshot snapshot(
            SluiceConfig config, List<PeerRuntime> peers, List<IpPrefix> endpointHosts) {
        CompiledPolicy policy =
                PolicyCompiler.compile(config.splitPolicy().withMachine(List.of(), endpointHosts));
        PrefixTable.Builder allowed = PrefixTable.builder();
        for (int i = 0; i < config.peers().size(); i++) {
            for (IpPrefix prefix : config.peers().get(i).allowedIps()) {
                allowed.put(prefix, i);
            }
        }
        CompiledPrefixTable allowedIps = allowed.build().compile();
        return new ForwardingSnapshot(
                policy, LearnedOverlay.EMPTY, allowedIps, peers, config.iface().mtu());
    }

    public SluiceConfig config() {
        return config;
    }

    public DataPlane dataPlane() {
        return dataPlane;
    }

    public TunnelSet tunnels() {
        return tunnels;
    }

    public List<PeerRuntime> peers() {
        return peers;
    }

    public String deviceName() {
        return tun.name();
    }

    /**
     * The underlay changed (another network, another gateway): endpoints given by name are resolved
     * again and every peer with an endpoint re-handshakes at once.
     */
    public void rehandshake(String why) {
        LOG.log(Level.INFO, why + ": re-resolving endpoints and re-handshaking");
        rejoin();
    }

    private void rejoin() {
        for (int i = 0; i < peers.size(); i++) {
            PeerRuntime peer = peers.get(i);
            try {
                InetSocketAddress endpoint = resolve(config.peers().get(i));
                if (endpoint != null && peer.updateEndpoint(endpoint)) {
                    LOG.log(Level.INFO, "peer " + peer.publicKey() + " endpoint now " + endpoint);
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, e.getMessage());
            }
            if (peer.endpoint() != null) {
                peer.tunnel().requestHandshake();
            }
        }
        dataPlane.wake();
    }

    /**
     * Applies a changed configuration without dropping the tunnel when only the split policy
     * changed (prefix lists, mode, strategy-independent keys): a new forwarding snapshot is
     * published and, with the kernel strategy, the route set is updated by difference (added before
     * removed, through the journal).
     *
     * @return false when interface or peers changed: the caller must reconnect
     */
    public synchronized boolean reload(SluiceConfig next) throws RouteException {
        if (!next.iface().equals(config.iface())
                || !next.peers().equals(config.peers())
                || next.split().strategy() != config.split().strategy()
                || next.split().localNetworks() != config.split().localNetworks()
                || !next.split().tunnelDomains().equals(config.split().tunnelDomains())
                || !next.split().bypassDomains().equals(config.split().bypassDomains())
                || !next.split().domainTtlMin().equals(config.split().domainTtlMin())
                || !next.split().domainTtlMax().equals(config.split().domainTtlMax())) {
            return false;
        }
        ForwardingSnapshot fresh = snapshot(next, peers, endpointHosts());
        ForwardingSnapshot snapshot =
                fresh.withLearned(LearnedOverlay.build(fresh.policy(), learnedRoutes()));
        applyKernelRoutes(next, snapshot);
        dataPlane.publish(snapshot);
        config = next;
        LOG.log(
                Level.INFO,
                "reloaded: "
                        + snapshot.policy().size()
                        + " forwarding prefixes, "
                        + routes.current().routes().size()
                        + " route(s) in table "
                        + next.iface().table());
        return true;
    }

    /**
     * Publishes the tables with the learned routes of now (DNS answers, expiries, evictions): the
     * static policy stays, only the learned overlay is rebuilt (O(learned routes)); with the kernel
     * strategy, the route set follows. Called on the DNS thread before an answer leaves, and by the
     * expiry scheduler.
     */
    synchronized void republish() {
        if (closed) {
            return;
        }
        ForwardingSnapshot current = dataPlane.snapshot();
        ForwardingSnapshot snapshot =
                current.withLearned(LearnedOverlay.build(current.policy(), learnedRoutes()));
        try {
            applyKernelRoutes(config, snapshot);
        } catch (RouteException e) {
            throw new IllegalStateException(
                    "cannot update the kernel routes for learned addresses: " + e.getMessage(), e);
        }
        dataPlane.publish(snapshot);
    }

    private List<LearnedRoute> learnedRoutes() {
        return learned == null ? List.of() : learned.routes();
    }

    private List<IpPrefix> endpointHosts() {
        List<IpPrefix> endpointHosts = new ArrayList<>();
        for (PeerRuntime peer : peers) {
            if (peer.endpoint() != null) {
                endpointHosts.add(
                        IpPrefix.parseAddress(peer.endpoint().getAddress().getHostAddress()));
            }
        }
        return endpointHosts;
    }

    private void applyKernelRoutes(SluiceConfig next, ForwardingSnapshot snapshot)
            throws RouteException {
        if (next.iface().capturesRoutes() && next.split().strategy() == RoutingStrategy.KERNEL) {
            if (kernelRoutesOf != snapshot.policy()) {
                staticKernelRoutes = snapshot.policy().kernelRoutes();
                kernelRoutesOf = snapshot.policy();
            }
            Map<IpPrefix, Verdict> wanted =
                    snapshot.learned().kernelRoutes(snapshot.policy(), staticKernelRoutes);
            if (!wanted.equals(kernelRoutes)) {
                try {
                    kernelRoutesObserver.changed(wanted);
                } catch (IOException e) {
                    throw new RouteException(
                            "cannot let the kill switch follow the routes: " + e.getMessage(), e);
                }
            }
            routes.set(plan.desired(next, tun.name(), wanted));
            kernelRoutes = wanted;
        }
    }

    /**
     * Follows the kernel strategy's routes from now on ({@code observer} is first told the current
     * ones); nothing happens with the capture strategy.
     */
    public synchronized void observeKernelRoutes(KernelRoutesObserver observer) throws IOException {
        kernelRoutesObserver = observer;
        if (kernelRoutes != null) {
            observer.changed(kernelRoutes);
        }
    }

    /** The kernel strategy's route map in force, or null with the capture strategy. */
    public synchronized Map<IpPrefix, Verdict> kernelRoutes() {
        return kernelRoutes;
    }

    /** Split DNS as {@code status} shows it, or null when it is off. */
    public DnsStatus dnsStatus() {
        return dns == null ? null : dns.status();
    }

    /** What the split-DNS forwarder did, or null when split DNS is off. */
    public DnsCounters dnsCounters() {
        return dns == null ? null : dns.counters();
    }

    /** The routes learned from DNS answers, or null when split DNS is off. */
    public LearnedRoutes learnedRoutesTable() {
        return learned;
    }

    /** Changes to routes, rules, firewall and sysctls applied by this connection so far. */
    public long routeOperations() {
        return routes.operationsApplied();
    }

    /** Routes Sluice holds in its OS table now. */
    public int kernelRouteCount() {
        return routes.current().routes().size();
    }

    /** Routes another program added to main since connect, which win over Sluice's capture. */
    public List<String> overridingRoutes() {
        return reconciler == null ? List.of() : reconciler.overrides();
    }

    /** Why keeping the routing entries in place failed, or null (see {@link Reconciler}). */
    public String reconciliationFailure() {
        return reconciler == null ? null : reconciler.failure();
    }

    /** Undoes everything: routes first, then the pipeline and the tun. */
    @Override
    public void close() throws RouteException {
        synchronized (this) {
            closed = true;
        }
        if (learned != null) {
            learned.clear();
        }
        if (reconciler != null) {
            reconciler.close();
        }
        RouteException failure = null;
        if (dns != null) {
            try {
                dns.close();
            } catch (RouteException e) {
                failure = e;
            }
        }
        try {
            routes.set(DesiredState.EMPTY);
        } catch (RouteException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (journal != null) {
            if (failure == null) {
                try {
                    StateDirectory.end(stateDirectory, journal);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "could not remove the journal: " + e.getMessage());
                }
            } else {
                journal.close(); // kept for sluice recover
            }
        }
        backend.close();
        dataPlane.close();
        // Every session, handshake secret and our private key's copy in the core zeroed.
        tunnels.close();
        tun.close();
        LOG.log(
                Level.INFO,
                "disconnected: routes, rules, firewall table, sysctls"
                        + (dns != null ? " and resolver configuration" : "")
                        + " restored");
        if (failure != null) {
            throw failure;
        }
    }
}
