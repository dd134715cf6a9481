package dev.sluice.daemon.dns;

import dev.sluice.daemon.platform.linux.LinuxSystemState;
import dev.sluice.routing.manager.RouteBackend;
import dev.sluice.routing.manager.RouteException;
import dev.sluice.routing.manager.RouteManager;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/** How a platform points the host's resolver at the split-DNS forwarder ({@link HostResolver}). */
@FunctionalInterface
public interface HostResolverSetup {
    /** Linux: {@code /etc/resolv.conf} rewritten, or systemd-resolved's per-link settings. */
    HostResolverSetup RESOLV_CONF =
            (link, forwarder, rules, searchDomains, backend, journal) ->
                    HostResolver.configure(
                            Path.of(LinuxSystemState.RESOLV_CONF),
                            link,
                            forwarder,
                            rules,
                            searchDomains,
                            backend,
                            journal,
                            HostResolver.ResolvedProbe.SYSTEM);

    /**
     * Reads the original resolvers and points the host at {@code forwarder}, each change through
     * {@code journal} first.
     *
     * @param link the tunnel interface
     * @param forwarder the forwarder's addresses, first one first
     * @param rules which names the forwarder must see
     * @param searchDomains {@code [Interface] DNS} names
     * @throws RouteException naming what failed; nothing is left changed then
     */
    HostResolver configure(
            String link,
            List<InetAddress> forwarder,
            DomainRules rules,
            List<String> searchDomains,
            RouteBackend backend,
            RouteManager.OperationListener journal)
            throws RouteException;
}
