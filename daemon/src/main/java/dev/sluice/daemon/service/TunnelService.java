package dev.sluice.daemon.service;

import dev.sluice.config.KillSwitchMode;
import dev.sluice.config.SluiceConfig;
import dev.sluice.crypto.DropReason;
import dev.sluice.crypto.TunnelSet;
import dev.sluice.daemon.connection.Connection;
import dev.sluice.daemon.dataplane.Counter;
import dev.sluice.daemon.dataplane.DataPlaneCounters;
import dev.sluice.daemon.dataplane.PeerRuntime;
import dev.sluice.daemon.killswitch.KillSwitch;
import dev.sluice.daemon.platform.Platform;
import dev.sluice.packet.DecodeResult;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.policy.Classification;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The connection lifecycle of {@code sluice daemon}, owned by one thread:
 *
 * <pre>
 *   disconnected --connect--> connecting --first handshake--> connected
 *        ^                        |  no handshake within HANDSHAKE_TIMEOUT, or open failed
 *        |                        v
 *        +------disconnect---- error  (disconnect works from every state)
 * </pre>
 *
 * {@link #connect} and {@link #disconnect} are idempotent and return when the request has been
 * taken (use {@link #awaitState} to wait). Connect attempts closer together than {@link
 * #CONNECT_INTERVAL_MS} are merged. A jump of the wall clock against the monotonic clock (the
 * machine slept) makes every peer re-handshake (the data plane notices it when it wakes). A data
 * plane that stops forwarding (one of its threads fails on and on, see {@code DataPlane#failure()})
 * moves the service to {@code error} with that reason as soon as it says so, and the connection is
 * torn down as after a handshake timeout: a "connected" daemon that forwards nothing is never
 * shown. Nothing here runs on a timer while connected or disconnected: the thread sleeps until a
 * request or an event.
 */
public final class TunnelService implements AutoCloseable {
    static final long HANDSHAKE_TIMEOUT_MS = 15_000;
    static final long CONNECT_INTERVAL_MS = 250;
    private static final Logger LOG = System.getLogger(TunnelService.class.getName());

    /** Loads the configuration anew for each connect and reload. */
    @FunctionalInterface
    public interface ConfigSource {
        /** The configuration, or an exception whose message names file, line and key. */
        SluiceConfig load() throws Exception;
    }

    private final ConfigSource configs;
    private final Path configFile;
    private final Path stateDirectory;
    private final KillSwitch killSwitch;
    private final Platform platform;

    /** The configuration of the latest connect (or of the start), for the kill switch. */
    private volatile SluiceConfig lastConfig;

    private final ScheduledExecutorService lifecycle;
    private volatile ServiceState state = ServiceState.DISCONNECTED;
    private volatile String error;
    private volatile Connection connection;

    /** A configuration set at run time ({@code wg set}), used instead of the file until reload. */
    private volatile SluiceConfig runtimeOverride;

    private long lastConnectMs = Long.MIN_VALUE / 2;
    private long connectStartedMs;
    private boolean connectQueued;
    private ScheduledFuture<?> handshakeWatch;

    /** With {@code platform}'s kill switch (nftables on Linux). */
    public TunnelService(
            ConfigSource configs, Path configFile, Path stateDirectory, Platform platform) {
        this(
                configs,
                configFile,
                stateDirectory,
                platform,
                new KillSwitch(stateDirectory, platform.firewall(), platform::attachedNetworks));
    }

    /**
     * @param platform the operating system's side of every connection (picked once at start)
     */
    public TunnelService(
            ConfigSource configs,
            Path configFile,
            Path stateDirectory,
            Platform platform,
            KillSwitch killSwitch) {
        this.configs = configs;
        this.platform = platform;
        this.configFile = configFile;
        this.stateDirectory = stateDirectory;
        this.killSwitch = killSwitch;
        this.lifecycle =
                Executors.newSingleThreadScheduledExecutor(
                        runnable -> {
                            Thread thread = new Thread(runnable, "sluice-lifecycle");
                            thread.setDaemon(true);
                            return thread;
                        });
    }

    /**
     * At daemon start, before anything connects: adopts a kill-switch block an earlier run left (or
     * lifts it when the configuration says off now), and with {@code KillSwitch = always} puts the
     * block in place.
     *
     * @throws IOException when the block cannot be put in place (the daemon must not run unblocked)
     */
    public void start(SluiceConfig initial) throws IOException {
        lastConfig = initial;
        KillSwitchMode mode = initial.iface().killSwitch();
        killSwitch.adopt(mode);
        if (mode == KillSwitchMode.ALWAYS) {
            killSwitch.block(initial, "KillSwitch = always: not connected");
        }
    }

    public ServiceState state() {
        return state;
    }

    public String error() {
        return error;
    }

    /** Brings the tunnel up (no-op when connecting or connected). */
    public void connect() {
        lifecycle.execute(this::startConnect);
    }

    /** Tears the tunnel down from any state; completes when everything is undone. */
    public CompletableFuture<Void> disconnect() {
        return CompletableFuture.runAsync(this::tearDown, lifecycle);
    }

    /** Waits until the state is one of {@code wanted} or {@code timeoutMs} passes. */
    public ServiceState awaitState(long timeoutMs, ServiceState... wanted)
            throws InterruptedException {
        long deadlineMs = System.currentTimeMillis() + timeoutMs;
        while (true) {
            ServiceState now = state;
            for (ServiceState candidate : wanted) {
                if (candidate == now) {
                    return now;
                }
            }
            if (System.currentTimeMillis() >= deadlineMs) {
                return now;
            }
            Thread.sleep(25);
        }
    }

    private void startConnect() {
        if (state == ServiceState.CONNECTING || state == ServiceState.CONNECTED) {
            return;
        }
        long nowMs = System.currentTimeMillis();
        long waitMs = lastConnectMs + CONNECT_INTERVAL_MS - nowMs;
        if (waitMs > 0) {
            if (!connectQueued) {
                connectQueued = true;
                lifecycle.schedule(
                        () -> {
                            connectQueued = false;
                            startConnect();
                        },
                        waitMs,
                        TimeUnit.MILLISECONDS);
            }
            return;
        }
        lastConnectMs = nowMs;
        move(ServiceState.CONNECTING, null);
        SluiceConfig config;
        try {
            config = runtimeOverride != null ? runtimeOverride : configs.load();
        } catch (Exception e) {
            move(ServiceState.ERROR, e.getMessage());
            return;
        }
        lastConfig = config;
        try {
            // The block comes first: nothing the policy tunnels leaks while the tunnel comes up.
            if (config.iface().killSwitch() != KillSwitchMode.OFF) {
                killSwitch.block(
                        config,
                        "KillSwitch = " + config.iface().killSwitch().word() + ": connecting");
            } else if (killSwitch.inPlace()) {
                killSwitch.release("KillSwitch = off");
            }
        } catch (IOException e) {
            move(ServiceState.ERROR, "cannot put the kill switch in place: " + e.getMessage());
            return;
        }
        try {
            connection =
                    Connection.open(
                            platform,
                            config,
                            stateDirectory,
                            reason -> lifecycle.execute(this::watchDataPlane));
        } catch (Exception e) {
            connection = null;
            move(ServiceState.ERROR, e.getMessage());
            keepBlocking("not connected: " + e.getMessage());
            return;
        }
        connectStartedMs = System.currentTimeMillis();
        if (connection.peers().stream().noneMatch(peer -> peer.endpoint() != null)) {
            connected(); // a server: peers come to us
            return;
        }
        handshakeWatch =
                lifecycle.scheduleWithFixedDelay(
                        this::watchHandshake, 50, 100, TimeUnit.MILLISECONDS);
    }

    private void watchHandshake() {
        Connection current = connection;
        if (state != ServiceState.CONNECTING || current == null) {
            cancelWatch();
            return;
        }
        if (current.peers().stream().anyMatch(peer -> peer.tunnel().lastHandshakeNs() != 0)) {
            cancelWatch();
            connected();
            return;
        }
        if (System.currentTimeMillis() - connectStartedMs > HANDSHAKE_TIMEOUT_MS) {
            cancelWatch();
            List<String> peers = new ArrayList<>();
            for (PeerRuntime peer : current.peers()) {
                peers.add(peer.publicKey() + " at " + peer.endpoint());
            }
            String reason =
                    "no handshake with "
                            + String.join(", ", peers)
                            + " within "
                            + HANDSHAKE_TIMEOUT_MS / 1000
                            + " s (is the endpoint reachable over UDP and the key right?)";
            closeConnection();
            move(ServiceState.ERROR, reason);
            keepBlocking("not connected: " + reason);
        }
    }

    /** The first handshake completed: connected, with the kill switch following the routes. */
    private void connected() {
        Connection current = connection;
        SluiceConfig config = current.config();
        if (config.iface().killSwitch() != KillSwitchMode.OFF) {
            try {
                current.observeKernelRoutes(routes -> killSwitch.arm(config, routes, "connected"));
                if (current.kernelRoutes() == null) {
                    killSwitch.arm(config, null, "connected");
                }
            } catch (IOException e) {
                // Still blocking: safe, but the kernel strategy's bypass ranges stay refused.
                LOG.log(Level.ERROR, "kill switch: cannot arm it: " + e.getMessage());
            }
        }
        move(ServiceState.CONNECTED, null);
    }

    /**
     * The connection is gone but the block stays (an error, a reconnect, the daemon stopping): back
     * to the rules without a live connection's allowances.
     */
    private void keepBlocking(String why) {
        SluiceConfig config = lastConfig;
        if (config == null || !killSwitch.inPlace()) {
            return;
        }
        try {
            killSwitch.block(
                    config, "KillSwitch = " + config.iface().killSwitch().word() + ": " + why);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "kill switch: cannot refresh the block: " + e.getMessage());
        }
    }

    private void watchDataPlane() {
        Connection current = connection;
        if (current == null
                || (state != ServiceState.CONNECTING && state != ServiceState.CONNECTED)) {
            return;
        }
        String failure = current.dataPlane().failure();
        if (failure != null) {
            cancelWatch();
            closeConnection();
            move(ServiceState.ERROR, failure);
            keepBlocking("not connected: " + failure);
        }
    }

    private void cancelWatch() {
        if (handshakeWatch != null) {
            handshakeWatch.cancel(false);
            handshakeWatch = null;
        }
    }

    /** An operator disconnects: {@code on} lifts the block, {@code always} keeps blocking. */
    private void tearDown() {
        cancelWatch();
        closeConnection();
        SluiceConfig config = lastConfig;
        KillSwitchMode mode = config == null ? KillSwitchMode.OFF : config.iface().killSwitch();
        try {
            if (mode == KillSwitchMode.ALWAYS) {
                killSwitch.block(config, "KillSwitch = always: not connected");
            } else if (killSwitch.inPlace()) {
                killSwitch.release("disconnected by the operator");
            }
        } catch (IOException e) {
            LOG.log(Level.ERROR, "kill switch: " + e.getMessage());
        }
        move(ServiceState.DISCONNECTED, null);
    }

    /** The daemon stops: everything undone but the kill switch, which stays. */
    private void shutDown() {
        cancelWatch();
        closeConnection();
        if (killSwitch.inPlace()) {
            keepBlocking("the daemon stopped");
            LOG.log(
                    Level.WARNING,
                    "kill switch stays in place: traffic the policy tunnels is blocked until"
                            + " Sluice connects again ('sluice recover --unblock' lifts it)");
        }
        move(ServiceState.DISCONNECTED, null);
    }

    private void closeConnection() {
        Connection current = connection;
        connection = null;
        if (current != null) {
            try {
                current.close();
            } catch (Exception e) {
                LOG.log(Level.ERROR, "disconnect left entries behind: " + e.getMessage());
            }
        }
    }

    private void move(ServiceState next, String reason) {
        ServiceState previous = state;
        error = reason;
        state = next;
        if (previous != next || reason != null) {
            LOG.log(
                    next == ServiceState.ERROR ? Level.ERROR : Level.INFO,
                    "state: "
                            + previous.word()
                            + " -> "
                            + next.word()
                            + (reason == null ? "" : ": " + reason));
        }
    }

    /**
     * Re-reads the configuration. Split changes apply without dropping the tunnel; interface or
     * peer changes reconnect. An invalid configuration is refused and the running one stays.
     *
     * @return what happened, one sentence
     */
    public CompletableFuture<String> reload() {
        return CompletableFuture.supplyAsync(
                () -> {
                    SluiceConfig next;
                    try {
                        next = configs.load();
                    } catch (Exception e) {
                        throw new IllegalArgumentException(
                                "reload refused, the running configuration stays: "
                                        + e.getMessage());
                    }
                    runtimeOverride = null; // the file is the truth again
                    Connection current = connection;
                    if (current == null) {
                        return "configuration is valid; it applies at the next connect";
                    }
                    try {
                        if (current.reload(next)) {
                            return "reloaded without dropping the tunnel";
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException("reload failed: " + e.getMessage());
                    }
                    cancelWatch();
                    closeConnection();
                    move(ServiceState.DISCONNECTED, null);
                    lastConnectMs = Long.MIN_VALUE / 2;
                    startConnect();
                    return "interface or peers changed: reconnected";
                },
                lifecycle);
    }

    /**
     * Applies a configuration changed at run time (keys, peers, allowed IPs through {@code wg
     * set}): kept until the next reload from the file; a running connection is made again with it.
     */
    public CompletableFuture<Void> applyRuntime(SluiceConfig next) {
        return CompletableFuture.runAsync(
                () -> {
                    runtimeOverride = next;
                    if (connection == null && state != ServiceState.CONNECTING) {
                        return;
                    }
                    LOG.log(Level.INFO, "configuration changed at run time: reconnecting");
                    cancelWatch();
                    closeConnection();
                    move(ServiceState.DISCONNECTED, null);
                    lastConnectMs = Long.MIN_VALUE / 2;
                    startConnect();
                },
                lifecycle);
    }

    /** Classifies against the live table; null when not connected. */
    public List<Classification> classify(List<IpPrefix> addresses) {
        Connection current = connection;
        if (current == null) {
            return null;
        }
        List<Classification> answers = new ArrayList<>();
        for (IpPrefix address : addresses) {
            answers.add(current.dataPlane().snapshot().classify(address));
        }
        return answers;
    }

    /** The connection, or null when there is none (for metrics and the WireGuard API). */
    public Connection connection() {
        return connection;
    }

    public StatusReport status() {
        Connection current = connection;
        if (current == null) {
            return new StatusReport(
                    state.word(),
                    error,
                    configFile.toString(),
                    null,
                    null,
                    null,
                    List.of(),
                    0,
                    0,
                    List.of(),
                    Map.of(),
                    Map.of(),
                    List.of(),
                    null,
                    killSwitch.status(),
                    ManagedKey.of(nextConfig()));
        }
        SluiceConfig config = current.config();
        long nowWallNs = System.currentTimeMillis() * 1_000_000L;
        List<PeerStatus> peers = new ArrayList<>();
        for (PeerRuntime peer : current.peers()) {
            long last = peer.tunnel().lastHandshakeWallNs();
            peers.add(
                    new PeerStatus(
                            peer.publicKey().toBase64(),
                            peer.endpoint() == null ? null : endpointText(peer),
                            last == 0 ? null : Math.max(0, (nowWallNs - last) / 1_000_000_000L),
                            peer.tunnel().receivedBytes(),
                            peer.tunnel().transmittedBytes()));
        }
        DataPlaneCounters counters = current.dataPlane().counters();
        Map<String, Long> values = new LinkedHashMap<>();
        Map<String, Long> drops = new LinkedHashMap<>();
        for (Counter counter : Counter.values()) {
            (counter.isDrop() ? drops : values).put(counter.label(), counters.get(counter));
        }
        for (DecodeResult result : DecodeResult.values()) {
            if (result != DecodeResult.OK) {
                drops.put(
                        "decode_" + result.name().toLowerCase(Locale.ROOT),
                        counters.decodeDrops(result));
            }
        }
        TunnelSet tunnels = current.tunnels();
        for (DropReason reason : DropReason.values()) {
            drops.put("protocol_" + reason.counterName(), tunnels.dropCount(reason));
        }
        String reconciliation = current.reconciliationFailure();
        // Until the lifecycle thread reacts, a failed data plane already shows as the error.
        String dataPlaneFailure = current.dataPlane().failure();
        return new StatusReport(
                dataPlaneFailure != null ? ServiceState.ERROR.word() : state.word(),
                error != null
                        ? error
                        : dataPlaneFailure != null ? dataPlaneFailure : reconciliation,
                configFile.toString(),
                current.deviceName(),
                config.split().mode().name().toLowerCase(Locale.ROOT),
                config.split().strategy().name().toLowerCase(Locale.ROOT),
                peers,
                current.dataPlane().snapshot().policy().size(),
                current.kernelRouteCount(),
                current.dataPlane().offloads(),
                values,
                drops,
                current.overridingRoutes(),
                current.dnsStatus(),
                killSwitch.status(),
                ManagedKey.of(config));
    }

    /** The configuration the next connect would use, or null when it does not load. */
    private SluiceConfig nextConfig() {
        SluiceConfig override = runtimeOverride;
        if (override != null) {
            return override;
        }
        try {
            return configs.load();
        } catch (Exception e) {
            return null; // the error state, or the next connect, says why
        }
    }

    private static String endpointText(PeerRuntime peer) {
        java.net.InetSocketAddress endpoint = peer.endpoint();
        String host = endpoint.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + endpoint.getPort();
    }

    /**
     * Disconnects (undoing everything but a kill-switch block, which stays until Sluice connects
     * again or an operator lifts it) and stops the lifecycle thread.
     */
    @Override
    public void close() {
        try {
            CompletableFuture.runAsync(this::shutDown, lifecycle).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.ERROR, "disconnect at shutdown failed: " + e.getMessage());
        }
        lifecycle.shutdownNow();
    }
}
