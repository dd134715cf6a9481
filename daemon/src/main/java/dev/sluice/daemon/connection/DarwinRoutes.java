package dev.sluice.daemon.connection;

import dev.sluice.config.InterfaceAddress;
import dev.sluice.config.SluiceConfig;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.manager.DesiredState;
import dev.sluice.routing.manager.RouteEntry;
import dev.sluice.routing.manager.RouteType;
import dev.sluice.routing.policy.SpecialRanges;
import dev.sluice.routing.policy.Verdict;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The system state of Sluice on macOS (DESIGN.md, "macOS"): the {@code kernel} strategy in the one
 * routing table everyone shares. A packet written to utun is treated as inbound and cannot be sent
 * on to the physical interface, so bypass is done by routes:
 *
 * <pre>
 *   tunnel or drop prefix -> dev &lt;utun&gt;        (userspace picks the peer, or drops)
 *   bypass prefix         -> throw              (the macOS backend routes it via the primary
 *                                                gateway, re-derived on network change)
 *   /0 tunnel             -> 0.0.0.0/1 + 128.0.0.0/1, ::/1 + 8000::/1 via the utun: longer than
 *                            the system's default route, which is never touched
 *   /0 bypass             -> nothing: the system's default route already does it
 *   special-purpose range -> nothing: loopback, link-local, multicast and broadcast ranges
 *                            ({@link SpecialRanges}) keep the routes macOS gives each interface
 *                            (lo0's 127/8, en0's 169.254/16, 224/4, 255.255.255.255, its
 *                            link-scoped fe80:: and ff00:: routes), all longer than the /1 halves;
 *                            a route of Sluice's there would collide with them, or send
 *                            link-scoped traffic to the router
 * </pre>
 *
 * No policy rules, firewall table or sysctls. Only families the tunnel has an address in are
 * routed. Table numbers mean nothing on macOS; routes carry table 0.
 */
public final class DarwinRoutes {
    /** The one table of macOS, as {@link RouteEntry#table()} shows it. */
    public static final int SYSTEM_TABLE = 0;

    private DarwinRoutes() {}

    /**
     * @param kernelRoutes the policy as aggregated routes ({@link
     *     dev.sluice.routing.policy.CompiledPolicy#kernelRoutes()}, learned host routes on top)
     */
    public static DesiredState desired(
            SluiceConfig config, String utun, Map<IpPrefix, Verdict> kernelRoutes) {
        boolean v4 = config.iface().addresses().stream().anyMatch(InterfaceAddress::isIpv4);
        boolean v6 = config.iface().addresses().stream().anyMatch(a -> !a.isIpv4());
        Set<RouteEntry> routes = new LinkedHashSet<>();
        for (Map.Entry<IpPrefix, Verdict> route : kernelRoutes.entrySet()) {
            IpPrefix prefix = route.getKey();
            if ((prefix.isIpv4() ? !v4 : !v6) || special(prefix)) {
                continue;
            }
            boolean toTunnel = route.getValue() != Verdict.BYPASS;
            if (prefix.length() == 0) {
                if (toTunnel) {
                    for (IpPrefix half : List.of(prefix.child(0), prefix.child(1))) {
                        routes.add(RouteEntry.viaDevice(half, utun, SYSTEM_TABLE));
                    }
                }
                continue;
            }
            routes.add(
                    toTunnel
                            ? RouteEntry.viaDevice(prefix, utun, SYSTEM_TABLE)
                            : new RouteEntry(prefix, RouteType.THROW, null, SYSTEM_TABLE));
        }
        return new DesiredState(routes, Set.of(), List.of(), null);
    }

    /**
     * Whether every address of {@code prefix} lies in special-purpose ranges (aggregation may join
     * two of them, as {@code ::/128} and {@code ::1/128} into {@code ::/127}).
     */
    static boolean special(IpPrefix prefix) {
        if (SpecialRanges.containing(prefix) != null) {
            return true;
        }
        int width = prefix.isIpv4() ? 32 : 128;
        return prefix.length() < width && special(prefix.child(0)) && special(prefix.child(1));
    }
}
