package dev.sluice.daemon.dns;

import dev.sluice.config.InterfaceAddress;
import dev.sluice.config.SluiceConfig;
import dev.sluice.daemon.platform.NettySockets;
import dev.sluice.routing.manager.RouteBackend;
import dev.sluice.routing.manager.RouteException;
import dev.sluice.routing.manager.RouteManager;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Split DNS of one connection, in this order: learned routes, forwarder listening on the tunnel
 * address (required) and {@value #LOOPBACK} (when it can), then the host's resolver pointed at it.
 * {@link #close()} undoes it in reverse. If a step fails, the steps before it are undone.
 */
public final class SplitDns implements AutoCloseable {
    private static final Logger LOG = System.getLogger(SplitDns.class.getName());

    /** The forwarder's loopback address, for local resolvers (dnsmasq, unbound) to forward to. */
    public static final String LOOPBACK = "127.0.0.153";

    public static final int PORT = 53;
    private static final long UPSTREAM_TIMEOUT_MS = 2_500;

    /** Each forwarded query holds a socket for up to 2 x 2.5 s; this bounds them. */
    private static final int MAX_QUERIES_IN_FLIGHT = 512;

    private final EventLoopGroup group;
    private final DnsServer server;
    private final HostResolver host;
    private final LearnedRoutes learned;
    private final DnsCounters counters;
    private final List<InetSocketAddress> tunnelResolvers;

    private SplitDns(
            EventLoopGroup group,
            DnsServer server,
            HostResolver host,
            LearnedRoutes learned,
            DnsCounters counters,
            List<InetSocketAddress> tunnelResolvers) {
        this.group = group;
        this.server = server;
        this.host = host;
        this.learned = learned;
        this.counters = counters;
        this.tunnelResolvers = tunnelResolvers;
    }

    /**
     * Starts split DNS for {@code config} on tun {@code link}.
     *
     * @param journal records each change to the host before it is made
     * @param learned where answers for TunnelDomains and BypassDomains names go
     * @param counters what the forwarder does (shared with {@code learned})
     * @param hostResolver how this platform points the host's resolver at the forwarder
     * @param sockets the platform's Netty sockets
     */
    public static SplitDns start(
            SluiceConfig config,
            String link,
            RouteBackend backend,
            RouteManager.OperationListener journal,
            LearnedRoutes learned,
            DnsCounters counters,
            HostResolverSetup hostResolver,
            NettySockets sockets)
            throws IOException, RouteException {
        DomainRules rules = DomainRules.of(config);
        List<InetSocketAddress> tunnelResolvers = new ArrayList<>();
        for (InetAddress resolver : config.iface().dnsServers()) {
            tunnelResolvers.add(new InetSocketAddress(resolver, PORT));
        }
        InetAddress tunnelAddress = listenAddress(config);
        AtomicReference<List<InetSocketAddress>> originals = new AtomicReference<>(List.of());
        EventLoopGroup group =
                new MultiThreadIoEventLoopGroup(
                        1,
                        runnable -> {
                            Thread thread = new Thread(runnable, "sluice-dns");
                            thread.setDaemon(true);
                            return thread;
                        },
                        sockets.ioHandler());
        SecureRandom random = new SecureRandom();
        DnsForwarder forwarder =
                new DnsForwarder(
                        rules,
                        tunnelResolvers,
                        originals::get,
                        new NettyDnsUpstream(
                                sockets, group, config.iface().fwMark(), UPSTREAM_TIMEOUT_MS),
                        learned,
                        counters,
                        () -> random.nextInt(1 << 16),
                        MAX_QUERIES_IN_FLIGHT);
        DnsServer server = null;
        try {
            server =
                    DnsServer.start(
                            sockets,
                            group,
                            List.of(new InetSocketAddress(tunnelAddress, PORT)),
                            List.of(new InetSocketAddress(InetAddress.getByName(LOOPBACK), PORT)),
                            forwarder,
                            TcpLimits.DEFAULTS);
            HostResolver host =
                    hostResolver.configure(
                            link,
                            List.of(tunnelAddress),
                            rules,
                            config.iface().dnsSearchDomains(),
                            backend,
                            journal);
            List<InetSocketAddress> original = new ArrayList<>();
            for (InetAddress resolver : host.originalServers()) {
                original.add(new InetSocketAddress(resolver, PORT));
            }
            originals.set(List.copyOf(original));
            LOG.log(
                    Level.INFO,
                    "split DNS: listening on "
                            + server.addresses().stream().map(DnsServer::text).toList()
                            + ", "
                            + host.mode().label()
                            + " points at "
                            + tunnelAddress.getHostAddress()
                            + "; tunnel resolvers "
                            + texts(tunnelResolvers)
                            + ", original resolvers "
                            + texts(original));
            return new SplitDns(group, server, host, learned, counters, tunnelResolvers);
        } catch (IOException | RouteException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The first IPv4 tunnel address, else the first address. */
    static InetAddress listenAddress(SluiceConfig config) throws IOException {
        InterfaceAddress chosen = config.iface().addresses().getFirst();
        for (InterfaceAddress address : config.iface().addresses()) {
            if (address.isIpv4()) {
                chosen = address;
                break;
            }
        }
        return InetAddress.getByName(chosen.address().addressText());
    }

    private static List<String> texts(List<InetSocketAddress> addresses) {
        return addresses.stream().map(DnsServer::text).toList();
    }

    public LearnedRoutes learned() {
        return learned;
    }

    /** What {@code status} shows of split DNS. */
    public DnsStatus status() {
        List<DnsStatus.Learned> entries = new ArrayList<>();
        for (LearnedRoutes.Entry entry : learned.entries()) {
            entries.add(
                    new DnsStatus.Learned(
                            entry.address().addressText(),
                            entry.verdict().label(),
                            entry.name(),
                            entry.domain(),
                            entry.expiresInSeconds(),
                            entry.refusal()));
        }
        Map<String, Long> values = counters.snapshot();
        return new DnsStatus(
                host.mode().label(),
                texts(server.addresses()),
                texts(tunnelResolvers),
                host.originalServers().stream().map(InetAddress::getHostAddress).toList(),
                entries,
                values);
    }

    public DnsCounters counters() {
        return counters;
    }

    /** Restores the host's resolver, then stops listening. */
    @Override
    public void close() throws RouteException {
        try {
            host.restore();
        } finally {
            server.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
