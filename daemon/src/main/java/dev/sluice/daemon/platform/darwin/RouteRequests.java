package dev.sluice.daemon.platform.darwin;

import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The route messages Sluice sends, built as {@code route(8)} builds them (network_cmds,
 * route.tproj/route.c): a host prefix (/32, /128) is a host route ({@code RTF_HOST}, no netmask),
 * any other prefix carries its netmask; a route through an interface has that interface's
 * link-layer address as gateway and no {@code RTF_GATEWAY}; a scoped route ({@code RTF_IFSCOPE})
 * names its interface in {@code rtm_index}. Every route Sluice adds carries {@link
 * RouteFlags#RTF_PROTO1}, its ownership mark, and {@code RTF_STATIC}.
 */
public final class RouteRequests {
    /** The flags every added route carries. */
    public static final int OWN_ROUTE =
            RouteFlags.RTF_UP | RouteFlags.RTF_STATIC | RouteFlags.RTF_PROTO1;

    private RouteRequests() {}

    /**
     * {@code RTM_ADD} of {@code destination} through {@code gateway}: an address ({@link
     * Sockaddr.Inet}, a next hop) or an interface ({@link Sockaddr.Link}).
     *
     * @param scope the interface the route is scoped to, 0 for an unscoped route
     */
    public static RoutingMessage.Route add(
            IpPrefix destination, Sockaddr gateway, int scope, int seq) {
        int flags = OWN_ROUTE | hostFlag(destination) | scopeFlag(scope);
        if (gateway instanceof Sockaddr.Inet) {
            flags |= RouteFlags.RTF_GATEWAY;
        }
        return new RoutingMessage.Route(
                RouteFlags.RTM_ADD, flags, scope, 0, seq, 0, addresses(destination, gateway));
    }

    /** {@code RTM_CHANGE} of the gateway of an existing route to {@code destination}. */
    public static RoutingMessage.Route change(IpPrefix destination, Sockaddr gateway, int seq) {
        int flags = OWN_ROUTE | hostFlag(destination);
        if (gateway instanceof Sockaddr.Inet) {
            flags |= RouteFlags.RTF_GATEWAY;
        }
        return new RoutingMessage.Route(
                RouteFlags.RTM_CHANGE, flags, 0, 0, seq, 0, addresses(destination, gateway));
    }

    /** {@code RTM_DELETE} of the route to exactly {@code destination}. */
    public static RoutingMessage.Route delete(IpPrefix destination, int scope, int seq) {
        return new RoutingMessage.Route(
                RouteFlags.RTM_DELETE,
                hostFlag(destination) | scopeFlag(scope),
                scope,
                0,
                seq,
                0,
                addresses(destination, null));
    }

    /**
     * {@code RTM_GET} of the route to exactly {@code destination} (the netmask makes the lookup
     * exact, {@code rt_lookup} in bsd/net/route.c); the empty link address asks the kernel to name
     * the route's interface in the answer, as {@code route get} does.
     */
    public static RoutingMessage.Route get(IpPrefix destination, int seq) {
        Map<Integer, Sockaddr> addresses = addresses(destination, null);
        addresses.put(RouteFlags.RTAX_IFP, Sockaddr.Link.index(0));
        return new RoutingMessage.Route(
                RouteFlags.RTM_GET, hostFlag(destination), 0, 0, seq, 0, addresses);
    }

    private static Map<Integer, Sockaddr> addresses(IpPrefix destination, Sockaddr gateway) {
        Map<Integer, Sockaddr> addresses = new LinkedHashMap<>();
        IpPrefix network =
                destination.isIpv4()
                        ? IpPrefix.hostV4(destination.ipv4Address())
                        : IpPrefix.hostV6(destination.high(), destination.low());
        addresses.put(RouteFlags.RTAX_DST, new Sockaddr.Inet(network, 0));
        if (gateway != null) {
            addresses.put(RouteFlags.RTAX_GATEWAY, gateway);
        }
        if (!isHost(destination)) {
            addresses.put(
                    RouteFlags.RTAX_NETMASK,
                    new Sockaddr.Mask(destination.family(), destination.length()));
        }
        return addresses;
    }

    static boolean isHost(IpPrefix prefix) {
        return prefix.length() == (prefix.family() == IpFamily.IPV4 ? 32 : 128);
    }

    private static int hostFlag(IpPrefix destination) {
        return isHost(destination) ? RouteFlags.RTF_HOST : 0;
    }

    private static int scopeFlag(int scope) {
        return scope == 0 ? 0 : RouteFlags.RTF_IFSCOPE;
    }
}
