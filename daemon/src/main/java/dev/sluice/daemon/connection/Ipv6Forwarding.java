package dev.sluice.daemon.connection;

import java.util.List;

/**
 * How reinjected IPv6 packets (received on the tun, leaving by another interface) get forwarded.
 *
 * <p>Linux forwards an IPv4 packet when the interface it arrived on has {@code
 * net.ipv4.conf.<if>.forwarding} set, so Sluice only ever sets it on its tun. IPv6 had no such
 * per-interface switch before Linux 6.17 ({@code net.ipv6.conf.<if>.force_forwarding}): there, the
 * only way is {@code net.ipv6.conf.all.forwarding=1}, which also makes every interface stop
 * accepting router advertisements unless its {@code accept_ra} is 2 — a SLAAC host would lose its
 * default route. The fallback therefore raises {@code accept_ra} from 1 to 2 on the interfaces that
 * had 1, and, when forwarding was off, drops new forwarded IPv6 flows that do not come from the
 * tun, so the host does not become a router for its LAN.
 *
 * @param perInterface the kernel has {@code force_forwarding}: only the tun forwards
 * @param globalWasOff (fallback) {@code net.ipv6.conf.all.forwarding} was 0 before Sluice
 * @param acceptingRouterAdvertisements (fallback) interfaces with {@code accept_ra = 1} now
 */
public record Ipv6Forwarding(
        boolean perInterface, boolean globalWasOff, List<String> acceptingRouterAdvertisements) {
    /** Linux 6.17 and later. */
    public static final Ipv6Forwarding PER_INTERFACE = new Ipv6Forwarding(true, false, List.of());

    public Ipv6Forwarding {
        acceptingRouterAdvertisements = List.copyOf(acceptingRouterAdvertisements);
    }

    /** Older kernels: global forwarding, with the safeguards in the class comment. */
    public static Ipv6Forwarding global(
            boolean wasOff, List<String> acceptingRouterAdvertisements) {
        return new Ipv6Forwarding(false, wasOff, acceptingRouterAdvertisements);
    }
}
