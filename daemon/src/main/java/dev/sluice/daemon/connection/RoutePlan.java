package dev.sluice.daemon.connection;

import dev.sluice.config.SluiceConfig;
import dev.sluice.daemon.dns.HostResolverSetup;
import dev.sluice.daemon.dns.MacHostResolver;
import dev.sluice.daemon.platform.Platform;
import dev.sluice.daemon.platform.PlatformRouteBackend;
import dev.sluice.daemon.platform.RouteMonitor;
import dev.sluice.daemon.platform.darwin.DarwinPlatform;
import dev.sluice.daemon.platform.darwin.DarwinSystemState;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.journal.Ownership;
import dev.sluice.routing.manager.DesiredState;
import dev.sluice.routing.manager.RouteManager;
import dev.sluice.routing.policy.Verdict;
import java.io.IOException;
import java.util.Map;

/**
 * What a connection makes of the system's routing, which differs by platform: on Linux policy rules
 * and a private table ({@link CaptureRoutes}, {@link KernelRoutes}, {@link Reconciler}), on macOS
 * routes in the one shared table ({@link DarwinRoutes}, the platform's monitor). Chosen once per
 * connection.
 */
interface RoutePlan {
    /** The plan of {@code platform}; on Linux this probes how the kernel forwards IPv6. */
    static RoutePlan of(Platform platform, SluiceConfig config) throws IOException {
        if (platform instanceof DarwinPlatform darwin) {
            return new DarwinRoutePlan(darwin);
        }
        return new LinuxRoutePlan(
                config.iface().capturesRoutes() ? Connection.probeIpv6Forwarding() : null);
    }

    /** How recovery tells this connection's entries from others'. */
    Ownership ownership(SluiceConfig config);

    /**
     * The state to hold.
     *
     * @param kernelRoutes the policy as routes (the kernel strategy), or null for capture
     */
    DesiredState desired(SluiceConfig config, String tun, Map<IpPrefix, Verdict> kernelRoutes);

    /** Starts keeping the entries in place; {@code underlayChanged} runs on a network change. */
    RouteMonitor startMonitor(
            RouteManager routes,
            PlatformRouteBackend backend,
            SluiceConfig config,
            Runnable underlayChanged)
            throws IOException;

    /** How the host's resolver is pointed at the split-DNS forwarder. */
    HostResolverSetup hostResolver();

    /** Linux: capture or kernel strategy in table {@code Table}, the rules and firewall. */
    record LinuxRoutePlan(Ipv6Forwarding ipv6) implements RoutePlan {
        @Override
        public Ownership ownership(SluiceConfig config) {
            return Connection.ownership(config, ipv6);
        }

        @Override
        public DesiredState desired(
                SluiceConfig config, String tun, Map<IpPrefix, Verdict> kernelRoutes) {
            return kernelRoutes == null
                    ? CaptureRoutes.desired(config, tun, ipv6)
                    : KernelRoutes.desired(config, tun, ipv6, kernelRoutes);
        }

        @Override
        public RouteMonitor startMonitor(
                RouteManager routes,
                PlatformRouteBackend backend,
                SluiceConfig config,
                Runnable underlayChanged)
                throws IOException {
            return Reconciler.start(routes, config.iface().table(), underlayChanged);
        }

        @Override
        public HostResolverSetup hostResolver() {
            return HostResolverSetup.RESOLV_CONF;
        }
    }

    /** macOS: the kernel strategy's routes in the shared table. */
    record DarwinRoutePlan(DarwinPlatform platform) implements RoutePlan {
        @Override
        public Ownership ownership(SluiceConfig config) {
            return DarwinSystemState.ownership();
        }

        @Override
        public DesiredState desired(
                SluiceConfig config, String tun, Map<IpPrefix, Verdict> kernelRoutes) {
            if (kernelRoutes == null) {
                throw new IllegalArgumentException(DarwinPlatform.NO_CAPTURE);
            }
            return DarwinRoutes.desired(config, tun, kernelRoutes);
        }

        @Override
        public RouteMonitor startMonitor(
                RouteManager routes,
                PlatformRouteBackend backend,
                SluiceConfig config,
                Runnable underlayChanged)
                throws IOException {
            return platform.startMonitor(routes, backend, underlayChanged);
        }

        @Override
        public HostResolverSetup hostResolver() {
            return MacHostResolver.SYSTEM;
        }
    }
}
