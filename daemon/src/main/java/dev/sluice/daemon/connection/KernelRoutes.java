package dev.sluice.daemon.connection;

import dev.sluice.config.InterfaceAddress;
import dev.sluice.config.SluiceConfig;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.manager.DesiredState;
import dev.sluice.routing.manager.RouteEntry;
import dev.sluice.routing.manager.RouteType;
import dev.sluice.routing.policy.Verdict;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The system state of the {@code kernel} strategy (DESIGN.md): the rules, firewall table and
 * sysctls of {@link CaptureRoutes}, but the private table holds the policy compiled into the
 * smallest equivalent route set instead of one default route:
 *
 * <pre>
 *   tunnel prefix  -> dev &lt;tun&gt;     (userspace picks the peer)
 *   bypass prefix  -> throw            (the next rule, main, routes it: never reaches userspace)
 *   drop prefix    -> dev &lt;tun&gt;     (userspace drops it with the same ICMP error as capture)
 * </pre>
 *
 * Only families the tunnel has an address in are routed, as with capture. A change of policy
 * (reload) is a new desired state: the route manager adds before it deletes.
 */
public final class KernelRoutes {
    private KernelRoutes() {}

    /**
     * @param kernelRoutes the policy as aggregated routes ({@link
     *     dev.sluice.routing.policy.CompiledPolicy#kernelRoutes()}, with learned host routes on
     *     top)
     */
    public static DesiredState desired(
            SluiceConfig config,
            String tun,
            Ipv6Forwarding ipv6,
            Map<IpPrefix, Verdict> kernelRoutes) {
        DesiredState capture = CaptureRoutes.desired(config, tun, ipv6);
        boolean v4 = config.iface().addresses().stream().anyMatch(InterfaceAddress::isIpv4);
        boolean v6 = config.iface().addresses().stream().anyMatch(a -> !a.isIpv4());
        int table = config.iface().table();
        Set<RouteEntry> routes = new LinkedHashSet<>();
        for (Map.Entry<IpPrefix, Verdict> route : kernelRoutes.entrySet()) {
            IpPrefix prefix = route.getKey();
            if (prefix.isIpv4() ? !v4 : !v6) {
                continue;
            }
            routes.add(
                    switch (route.getValue()) {
                        case TUNNEL, DROP -> RouteEntry.viaDevice(prefix, tun, table);
                        case BYPASS -> new RouteEntry(prefix, RouteType.THROW, null, table);
                    });
        }
        return new DesiredState(routes, capture.rules(), capture.sysctls(), capture.firewall());
    }
}
