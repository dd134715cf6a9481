package dev.sluice.daemon.platform.darwin;

import dev.sluice.routing.IpFamily;
import java.util.List;

/**
 * Where traffic that bypasses the tunnel goes: the next hop of the system's primary (unscoped)
 * default route, per family. macOS keeps one unscoped default route per family, through the primary
 * interface, plus scoped ones ({@code RTF_IFSCOPE}) for the others; Sluice never touches any of
 * them.
 *
 * @param ipv4Gateway the IPv4 default route's gateway (an address, or an interface for a
 *     point-to-point link), null without an IPv4 default route
 * @param ipv4Interface the interface index of that route, 0 without one
 * @param ipv6Gateway as {@code ipv4Gateway}, for IPv6 (usually a link-local router address)
 * @param ipv6Interface as {@code ipv4Interface}, for IPv6
 */
public record Underlay(
        Sockaddr ipv4Gateway, int ipv4Interface, Sockaddr ipv6Gateway, int ipv6Interface) {
    public static final Underlay NONE = new Underlay(null, 0, null, 0);

    /** The gateway of {@code family}, or null. */
    public Sockaddr gateway(IpFamily family) {
        return family == IpFamily.IPV4 ? ipv4Gateway : ipv6Gateway;
    }

    /** The interface index of {@code family}'s default route, or 0. */
    public int interfaceIndex(IpFamily family) {
        return family == IpFamily.IPV4 ? ipv4Interface : ipv6Interface;
    }

    /** The primary interface: IPv4's, else IPv6's, else 0. */
    public int primaryInterface() {
        return ipv4Interface != 0 ? ipv4Interface : ipv6Interface;
    }

    /** The underlay of a routing table: its unscoped default routes, Sluice's own excepted. */
    public static Underlay of(List<RoutingMessage.Route> routes) {
        Sockaddr v4 = null;
        Sockaddr v6 = null;
        int v4Index = 0;
        int v6Index = 0;
        for (RoutingMessage.Route route : routes) {
            if (route.has(RouteFlags.RTF_IFSCOPE)
                    || route.has(RouteFlags.RTF_PROTO1)
                    || !route.has(RouteFlags.RTF_UP)
                    || route.prefix() == null
                    || route.prefix().length() != 0
                    || route.gateway() == null) {
                continue;
            }
            if (route.prefix().isIpv4() && v4 == null) {
                v4 = route.gateway();
                v4Index = route.index();
            } else if (!route.prefix().isIpv4() && v6 == null) {
                v6 = route.gateway();
                v6Index = route.index();
            }
        }
        return new Underlay(v4, v4Index, v6, v6Index);
    }

    @Override
    public String toString() {
        return "IPv4 "
                + (ipv4Gateway == null ? "none" : ipv4Gateway + " (index " + ipv4Interface + ")")
                + ", IPv6 "
                + (ipv6Gateway == null ? "none" : ipv6Gateway + " (index " + ipv6Interface + ")");
    }
}
