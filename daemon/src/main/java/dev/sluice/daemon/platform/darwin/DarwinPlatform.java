package dev.sluice.daemon.platform.darwin;

import dev.sluice.config.InterfaceAddress;
import dev.sluice.config.RoutingStrategy;
import dev.sluice.config.SluiceConfig;
import dev.sluice.daemon.dataplane.DatagramReceiver;
import dev.sluice.daemon.dataplane.DatagramTransport;
import dev.sluice.daemon.dataplane.PacketDevice;
import dev.sluice.daemon.killswitch.Firewall;
import dev.sluice.daemon.platform.NettySockets;
import dev.sluice.daemon.platform.Platform;
import dev.sluice.daemon.platform.PlatformRouteBackend;
import dev.sluice.daemon.platform.RouteMonitor;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.journal.SystemStateReader;
import dev.sluice.routing.manager.RouteManager;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * macOS: a utun, the routing socket, {@code /etc/resolver} files, the dynamic store and a pf anchor
 * for the kill switch. The strategy is {@code kernel} only (see {@link #configProblems}).
 */
public final class DarwinPlatform implements Platform {
    /** Why {@code Strategy = capture} is refused on macOS, in one sentence. */
    public static final String NO_CAPTURE =
            "Strategy = capture cannot work on macOS: a packet written to a utun is taken as"
                    + " arriving from the network, so bypass traffic cannot be sent on to the"
                    + " physical interface; use Strategy = kernel (the default on macOS)";

    /** The utun the daemon opened last, while it is open (the kill switch lets it through). */
    private volatile String utun;

    /** The UDP sockets the daemon opened last (bound to the primary interface by the monitor). */
    private volatile NioDatagramTransport transport;

    @Override
    public String name() {
        return "darwin";
    }

    @Override
    public List<String> configProblems(SluiceConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.split().strategy() == RoutingStrategy.CAPTURE) {
            problems.add(NO_CAPTURE);
        }
        return problems;
    }

    @Override
    public PacketDevice openTun(String name, int mtu, List<InterfaceAddress> addresses)
            throws IOException {
        UtunDevice device = UtunDevice.open();
        try {
            device.configure(mtu, addresses);
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
        utun = device.name();
        return new UtunPacketDevice(device, () -> forget(device.name()));
    }

    /**
     * The daemon's UDP sockets; {@link #startMonitor} binds them to the primary interface and binds
     * them again when it changes.
     */
    @Override
    public DatagramTransport openTransport(int port, int fwMark, DatagramReceiver receiver) {
        NioDatagramTransport opened = NioDatagramTransport.open(port, receiver);
        transport = opened;
        return opened;
    }

    @Override
    public PlatformRouteBackend openRouteBackend() throws IOException {
        return new DarwinRouteBackend(
                new RoutingClient(NativeRoutingKernel.open()),
                new DarwinHostDns(DynamicStoreDns.system()));
    }

    @Override
    public SystemStateReader systemState() {
        return new DarwinSystemState(
                () -> new RoutingClient(NativeRoutingKernel.open()),
                ResolverFiles.DIRECTORY,
                DynamicStoreDns.system());
    }

    private void forget(String closed) {
        if (closed.equals(utun)) {
            utun = null;
        }
    }

    /** The pf anchor {@link PfKillSwitchRules#ANCHOR}, letting through the utun open now. */
    @Override
    public Firewall firewall() {
        return PfFirewall.system(() -> utun);
    }

    /**
     * The networks of the interface routes the kernel made for the host's addresses (those with a
     * link-layer gateway), except the tunnel's.
     */
    @Override
    public List<IpPrefix> attachedNetworks(String tun) throws IOException {
        try (RoutingClient client = new RoutingClient(NativeRoutingKernel.open())) {
            return attachedNetworks(client.routes(), client.kernel().interfaceIndex(tun));
        }
    }

    static List<IpPrefix> attachedNetworks(List<RoutingMessage.Route> routes, int tunIndex) {
        List<IpPrefix> networks = new ArrayList<>();
        for (RoutingMessage.Route route : routes) {
            IpPrefix prefix = route.prefix();
            if (prefix == null
                    || prefix.length() == 0
                    || route.index() == tunIndex
                    || !(route.gateway() instanceof Sockaddr.Link)
                    || route.has(RouteFlags.RTF_HOST)
                    || route.has(RouteFlags.RTF_PROTO1)
                    || route.has(RouteFlags.RTF_IFSCOPE)
                    || networks.contains(prefix)) {
                continue;
            }
            networks.add(prefix);
        }
        return networks;
    }

    @Override
    public NettySockets sockets() {
        return NioSockets.INSTANCE;
    }

    /** launchd has no readiness protocol: it considers a job up once it runs. */
    @Override
    public void serviceReady(String status) {}

    @Override
    public void serviceStopping() {}

    /**
     * Starts the monitor of a connection's routes, on routing sockets of its own, and binds the
     * daemon's UDP sockets to the primary interface, now and whenever it changes.
     *
     * @param backend the connection's backend (from {@link #openRouteBackend()})
     */
    public RouteMonitor startMonitor(
            RouteManager routes, PlatformRouteBackend backend, Runnable underlayChanged)
            throws IOException {
        DarwinRouteBackend darwin = (DarwinRouteBackend) backend;
        RoutingClient table = new RoutingClient(NativeRoutingKernel.open());
        DarwinMonitor monitor =
                DarwinMonitor.start(
                        NativeRoutingKernel.open(),
                        table,
                        darwin,
                        routes,
                        () -> {
                            bindTransport(darwin.underlay());
                            underlayChanged.run();
                        });
        bindTransport(darwin.underlay() != null ? darwin.underlay() : monitor.underlay());
        return monitor;
    }

    private void bindTransport(Underlay underlay) {
        NioDatagramTransport sockets = transport;
        if (sockets != null && underlay != null) {
            sockets.bindTo(underlay);
        }
    }
}
