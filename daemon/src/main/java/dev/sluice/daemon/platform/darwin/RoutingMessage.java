package dev.sluice.daemon.platform.darwin;

import dev.sluice.routing.IpPrefix;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One message of the routing socket or of a routing-table dump, decoded ({@link
 * RoutingMessageCodec}). {@link #toString()} is one line: the transcripts golden tests compare and
 * what logs show.
 */
public sealed interface RoutingMessage {
    /** {@code rtm_type}: {@link RouteFlags#RTM_ADD}, … */
    int type();

    /** The addresses following the header, by {@code RTAX_*} index, in that order. */
    static Map<Integer, Sockaddr> addresses(Map<Integer, Sockaddr> addresses) {
        return Collections.unmodifiableMap(new TreeMap<>(addresses));
    }

    /**
     * A route message ({@code struct rt_msghdr}, or {@code rt_msghdr2} in a {@code NET_RT_DUMP2}
     * dump, whose type is {@link RouteFlags#RTM_GET2}).
     *
     * @param index {@code rtm_index}: the route's interface, or the scope with {@code RTF_IFSCOPE}
     * @param pid the sender ({@code rt_msghdr} only; 0 in a dump)
     * @param seq the sender's sequence number ({@code rt_msghdr} only)
     * @param errno why the kernel refused it, 0 when it did not
     */
    record Route(
            int type,
            int flags,
            int index,
            int pid,
            int seq,
            int errno,
            Map<Integer, Sockaddr> addresses)
            implements RoutingMessage {
        public Route {
            addresses = RoutingMessage.addresses(addresses);
        }

        public Sockaddr address(int rtax) {
            return addresses.get(rtax);
        }

        public Sockaddr destination() {
            return addresses.get(RouteFlags.RTAX_DST);
        }

        public Sockaddr gateway() {
            return addresses.get(RouteFlags.RTAX_GATEWAY);
        }

        public boolean has(int flag) {
            return (flags & flag) != 0;
        }

        /**
         * The destination as a prefix: address and netmask; a host route ({@code RTF_HOST}, no
         * netmask) as /32 or /128. Null when the destination is not an IP address.
         */
        public IpPrefix prefix() {
            if (!(destination() instanceof Sockaddr.Inet inet)) {
                return null;
            }
            IpPrefix address = inet.address();
            Sockaddr mask = addresses.get(RouteFlags.RTAX_NETMASK);
            if (mask instanceof Sockaddr.Mask m && m.family() == address.family()) {
                return address.isIpv4()
                        ? IpPrefix.ipv4Containing(address.ipv4Address(), m.length())
                        : IpPrefix.ipv6Containing(address.high(), address.low(), m.length());
            }
            return mask == null ? address : null;
        }

        /** The interface scope of a scoped route ({@code RTF_IFSCOPE}), else 0. */
        public int scope() {
            return has(RouteFlags.RTF_IFSCOPE) ? index : 0;
        }

        /**
         * {@code RTM_ADD 10.0.0.0/8 gateway link#7 flags UP,STATIC,PROTO1}, then {@code ifscope},
         * {@code index} and {@code errno} when set.
         */
        @Override
        public String toString() {
            StringBuilder line = new StringBuilder(RouteFlags.typeName(type));
            IpPrefix prefix = prefix();
            Sockaddr destination = destination();
            if (prefix != null) {
                line.append(' ').append(prefix);
                if (destination instanceof Sockaddr.Inet inet && inet.scopeId() != 0) {
                    line.append('%').append(inet.scopeId());
                }
            } else if (destination != null) {
                line.append(' ').append(destination);
                Sockaddr mask = addresses.get(RouteFlags.RTAX_NETMASK);
                if (mask != null) {
                    line.append(" netmask ").append(mask);
                }
            }
            append(line, " gateway ", gateway());
            append(line, " genmask ", addresses.get(RouteFlags.RTAX_GENMASK));
            append(line, " ifp ", addresses.get(RouteFlags.RTAX_IFP));
            append(line, " ifa ", addresses.get(RouteFlags.RTAX_IFA));
            if (flags != 0) {
                line.append(" flags ").append(RouteFlags.routeFlagNames(flags));
            }
            if (has(RouteFlags.RTF_IFSCOPE)) {
                line.append(" ifscope ").append(index);
            } else if (index != 0) {
                line.append(" index ").append(index);
            }
            if (errno != 0) {
                line.append(" errno ").append(Errno.describe(errno));
            }
            return line.toString();
        }
    }

    /**
     * An interface's state ({@code struct if_msghdr}, {@link RouteFlags#RTM_IFINFO}): sent when an
     * interface goes up or down, or its flags change.
     *
     * @param flags the interface flags ({@code IFF_*})
     * @param interfaceType {@code ifi_type} ({@code bsd/net/if_types.h})
     */
    record Interface(
            int type,
            int flags,
            int index,
            int interfaceType,
            int mtu,
            Map<Integer, Sockaddr> addresses)
            implements RoutingMessage {
        public Interface {
            addresses = RoutingMessage.addresses(addresses);
        }

        public boolean up() {
            return (flags & RouteFlags.IFF_UP) != 0;
        }

        @Override
        public String toString() {
            StringBuilder line =
                    new StringBuilder(RouteFlags.typeName(type)).append(" index ").append(index);
            append(line, " ifp ", addresses.get(RouteFlags.RTAX_IFP));
            line.append(" flags 0x")
                    .append(Integer.toHexString(flags))
                    .append(up() ? " up" : " down")
                    .append(" mtu ")
                    .append(mtu);
            return line.toString();
        }
    }

    /**
     * An interface address added or removed ({@code struct ifa_msghdr}, {@link
     * RouteFlags#RTM_NEWADDR} and {@link RouteFlags#RTM_DELADDR}).
     */
    record Address(int type, int flags, int index, int metric, Map<Integer, Sockaddr> addresses)
            implements RoutingMessage {
        public Address {
            addresses = RoutingMessage.addresses(addresses);
        }

        @Override
        public String toString() {
            StringBuilder line =
                    new StringBuilder(RouteFlags.typeName(type)).append(" index ").append(index);
            append(line, " ifa ", addresses.get(RouteFlags.RTAX_IFA));
            append(line, " netmask ", addresses.get(RouteFlags.RTAX_NETMASK));
            append(line, " ifp ", addresses.get(RouteFlags.RTAX_IFP));
            return line.toString();
        }
    }

    /** A message of a type Sluice does not read: skipped by its length. */
    record Other(int type, int length) implements RoutingMessage {
        @Override
        public String toString() {
            return RouteFlags.typeName(type) + " (" + length + " bytes, not read)";
        }
    }

    private static void append(StringBuilder line, String label, Sockaddr address) {
        if (address != null) {
            line.append(label).append(address);
        }
    }
}
