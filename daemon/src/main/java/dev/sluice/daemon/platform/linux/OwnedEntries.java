package dev.sluice.daemon.platform.linux;

import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.manager.RouteEntry;
import dev.sluice.routing.manager.RouteType;
import dev.sluice.routing.manager.RuleEntry;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What of Sluice's is in the kernel now, as route-manager values, for reconciliation: the policy
 * rules carrying Sluice's protocol, the routes of its table, and the underlay's default routes (a
 * change there means a network switch). Read with rtnetlink dumps.
 */
public final class OwnedEntries {
    private OwnedEntries() {}

    /** Rules of both families whose protocol is {@link Rtnetlink#SLUICE_PROTOCOL}. */
    public static Set<RuleEntry> rules(NetlinkSocket socket) throws NativeException {
        Set<RuleEntry> rules = new HashSet<>();
        for (int family : new int[] {Rtnetlink.AF_INET, Rtnetlink.AF_INET6}) {
            for (ByteBuffer reply :
                    Rtnetlink.dump(socket, Rtnetlink.RTM_GETRULE, family, "dump rules")) {
                int at = NetlinkMessage.HEADER_LENGTH;
                Map<Integer, byte[]> attributes = LinuxSystemState.attributes(reply, at + 12);
                byte[] protocol = attributes.get(Rtnetlink.FRA_PROTOCOL);
                if (protocol == null || (protocol[0] & 0xff) != Rtnetlink.SLUICE_PROTOCOL) {
                    continue;
                }
                int table = Rtnetlink.table(reply, attributes);
                byte[] iif = attributes.get(Rtnetlink.FRA_IIFNAME);
                byte[] mark = attributes.get(Rtnetlink.FRA_FWMARK);
                byte[] suppress = attributes.get(Rtnetlink.FRA_SUPPRESS_PREFIXLEN);
                byte[] priority = attributes.get(Rtnetlink.FRA_PRIORITY);
                rules.add(
                        new RuleEntry(
                                family == Rtnetlink.AF_INET ? IpFamily.IPV4 : IpFamily.IPV6,
                                priority == null ? 0 : LinuxSystemState.integer(priority),
                                iif == null ? null : LinuxSystemState.text(iif),
                                mark == null ? 0 : LinuxSystemState.integer(mark),
                                suppress == null ? -1 : LinuxSystemState.integer(suppress),
                                table));
            }
        }
        return rules;
    }

    /** Routes of {@code table}, both families, as the route manager writes them. */
    public static Set<RouteEntry> routes(NetlinkSocket socket, int table) throws NativeException {
        Map<Integer, String> links = LinuxSystemState.links(socket);
        Set<RouteEntry> routes = new HashSet<>();
        for (int family : new int[] {Rtnetlink.AF_INET, Rtnetlink.AF_INET6}) {
            for (ByteBuffer reply :
                    Rtnetlink.dump(socket, Rtnetlink.RTM_GETROUTE, family, "dump routes")) {
                int at = NetlinkMessage.HEADER_LENGTH;
                Map<Integer, byte[]> attributes = LinuxSystemState.attributes(reply, at + 12);
                int routeTable = Rtnetlink.table(reply, attributes);
                if (routeTable != table) {
                    continue;
                }
                int length = reply.get(at + 1) & 0xff;
                int type = reply.get(at + 7) & 0xff;
                byte[] destination = attributes.get(Rtnetlink.RTA_DST);
                IpPrefix prefix = prefix(family, destination, length);
                if (type == Rtnetlink.RTN_THROW) {
                    routes.add(new RouteEntry(prefix, RouteType.THROW, null, table));
                } else if (type == Rtnetlink.RTN_PROHIBIT) {
                    routes.add(new RouteEntry(prefix, RouteType.PROHIBIT, null, table));
                } else if (attributes.containsKey(Rtnetlink.RTA_OIF)) {
                    int index = LinuxSystemState.integer(attributes.get(Rtnetlink.RTA_OIF));
                    routes.add(
                            RouteEntry.viaDevice(
                                    prefix, links.getOrDefault(index, "#" + index), table));
                }
            }
        }
        return routes;
    }

    private static IpPrefix prefix(int family, byte[] destination, int length) {
        if (family == Rtnetlink.AF_INET) {
            int address = destination == null ? 0 : ByteBuffer.wrap(destination).getInt(0);
            return IpPrefix.ipv4Containing(address, length);
        }
        if (destination == null) {
            return IpPrefix.ipv6(0, 0, 0);
        }
        ByteBuffer view = ByteBuffer.wrap(destination);
        return IpPrefix.ipv6Containing(view.getLong(0), view.getLong(8), length);
    }
}
