package dev.sluice.daemon.platform.linux;

import dev.sluice.daemon.killswitch.KillSwitchRules;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.journal.Ownership;
import dev.sluice.routing.journal.SystemSnapshot;
import dev.sluice.routing.journal.SystemStateReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live state Sluice may touch, read through rtnetlink dumps (rules and routes of every table,
 * both families), {@code nft list ruleset} (one item per table), {@code /proc/sys} and the resolver
 * file {@code /etc/resolv.conf} (one item: its path and bytes). Items are printed in the words of
 * iproute2 ({@code table main unicast 0.0.0.0/0 via 198.18.0.1 dev eth0 proto boot scope
 * universe}), sorted, without counters, so two captures of an unchanged system are equal.
 */
public final class LinuxSystemState implements SystemStateReader {
    /** The resolver file Sluice rewrites when systemd-resolved does not manage it. */
    public static final String RESOLV_CONF = "/etc/resolv.conf";

    private static final int RTA_SRC = 2;
    private static final int RTA_GATEWAY = 5;
    private static final int RTA_PRIORITY = 6;
    private static final int RTA_PREFSRC = 7;
    private static final int RTA_MULTIPATH = 9;
    private static final int RTA_PREF = 20;
    private static final int RTM_F_CLONED = 0x200;
    private static final int FRA_DST = 1;
    private static final int FRA_SRC = 2;
    private static final int FRA_GOTO = 4;
    private static final int FRA_OIFNAME = 17;
    private static final int FRA_L3MDEV = 19;
    private static final int FRA_IP_PROTO = 22;
    private static final int FRA_SPORT_RANGE = 23;
    private static final int FRA_DPORT_RANGE = 24;
    private static final int IFLA_IFNAME = 3;
    private static final String[] ROUTE_TYPES = {
        "unspec",
        "unicast",
        "local",
        "broadcast",
        "anycast",
        "multicast",
        "blackhole",
        "unreachable",
        "prohibit",
        "throw",
        "nat",
        "xresolve"
    };

    @Override
    public SystemSnapshot capture(Collection<String> sysctlKeys) throws IOException {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        try (NetlinkSocket socket = NetlinkSocket.open()) {
            Map<Integer, String> links = links(socket);
            for (int family : new int[] {Rtnetlink.AF_INET, Rtnetlink.AF_INET6}) {
                String name = family == Rtnetlink.AF_INET ? "ipv4" : "ipv6";
                sections.put("rules " + name, sorted(rules(socket, family)));
                sections.put("routes " + name, sorted(routes(socket, family, links)));
            }
        }
        sections.put(
                "nftables",
                sorted(
                        nftTables(
                                Nft.run(
                                        List.of("nft", "list", "ruleset"),
                                        null,
                                        "nft list ruleset"))));
        List<String> sysctls = new ArrayList<>();
        for (String key : sysctlKeys) {
            try {
                sysctls.add(key + "=" + Sysctls.read(key));
            } catch (IOException absent) {
                // A key of a device that does not exist (yet): nothing to compare.
            }
        }
        sections.put("sysctls", sorted(sysctls));
        // Bytes as ISO-8859-1 characters: any file compares exactly, whatever its encoding.
        sections.put(
                Ownership.DNS_SECTION,
                List.of(
                        RESOLV_CONF
                                + " "
                                + new String(
                                        ResolverFiles.read(Path.of(RESOLV_CONF)),
                                        StandardCharsets.ISO_8859_1)));
        return new SystemSnapshot(sections);
    }

    /**
     * The default routes of the main table, both families, as text: the underlay. When this
     * changes, the machine moved to another network (or its gateway changed).
     */
    public static String underlayDefaultRoutes() throws IOException {
        StringBuilder text = new StringBuilder();
        try (NetlinkSocket socket = NetlinkSocket.open()) {
            Map<Integer, String> links = links(socket);
            for (int family : new int[] {Rtnetlink.AF_INET, Rtnetlink.AF_INET6}) {
                for (String route : sorted(routes(socket, family, links))) {
                    if (route.startsWith("table main unicast default ")) {
                        text.append(route).append('\n');
                    }
                }
            }
        }
        return text.toString();
    }

    /**
     * The unicast routes of the main table other than the defaults, both families, as text: what
     * wins over Sluice's capture when {@code LocalNetworks = bypass} (its rule 5300 consults main
     * first, ignoring only default routes).
     */
    public static java.util.Set<String> mainSpecificRoutes() throws IOException {
        java.util.Set<String> specific = new java.util.TreeSet<>();
        try (NetlinkSocket socket = NetlinkSocket.open()) {
            Map<Integer, String> links = links(socket);
            for (int family : new int[] {Rtnetlink.AF_INET, Rtnetlink.AF_INET6}) {
                for (String route : routes(socket, family, links)) {
                    if (route.startsWith("table main ") && !route.contains(" default ")) {
                        specific.add(route);
                    }
                }
            }
        }
        return specific;
    }

    private static List<String> sorted(List<String> items) {
        List<String> copy = new ArrayList<>(items);
        java.util.Collections.sort(copy);
        return copy;
    }

    static Map<Integer, String> links(NetlinkSocket socket) throws NativeException {
        Map<Integer, String> names = new HashMap<>();
        NetlinkMessage request =
                new NetlinkMessage(Rtnetlink.RTM_GETLINK, NetlinkMessage.NLM_F_DUMP)
                        .header(new byte[16]);
        for (ByteBuffer reply : socket.dump(request, "dump links")) {
            int index = reply.getInt(NetlinkMessage.HEADER_LENGTH + 4);
            Map<Integer, byte[]> attributes = attributes(reply, NetlinkMessage.HEADER_LENGTH + 16);
            byte[] name = attributes.get(IFLA_IFNAME);
            if (name != null) {
                names.put(index, text(name));
            }
        }
        return names;
    }

    private static List<String> routes(NetlinkSocket socket, int family, Map<Integer, String> links)
            throws NativeException {
        List<String> items = new ArrayList<>();
        for (ByteBuffer reply :
                Rtnetlink.dump(socket, Rtnetlink.RTM_GETROUTE, family, "dump routes")) {
            int at = NetlinkMessage.HEADER_LENGTH;
            int dstLength = reply.get(at + 1) & 0xff;
            int srcLength = reply.get(at + 2) & 0xff;
            int protocol = reply.get(at + 5) & 0xff;
            int scope = reply.get(at + 6) & 0xff;
            int type = reply.get(at + 7) & 0xff;
            int flags = reply.getInt(at + 8);
            if ((flags & RTM_F_CLONED) != 0) {
                continue;
            }
            Map<Integer, byte[]> attributes = attributes(reply, at + 12);
            int table = Rtnetlink.table(reply, attributes);
            StringBuilder item = new StringBuilder();
            item.append("table ").append(tableName(table)).append(' ');
            item.append(type < ROUTE_TYPES.length ? ROUTE_TYPES[type] : "type" + type).append(' ');
            item.append(prefix(attributes.get(Rtnetlink.RTA_DST), dstLength, family));
            if (srcLength > 0) {
                item.append(" from ").append(prefix(attributes.get(RTA_SRC), srcLength, family));
            }
            if (attributes.containsKey(RTA_GATEWAY)) {
                item.append(" via ").append(address(attributes.get(RTA_GATEWAY)));
            }
            if (attributes.containsKey(RTA_MULTIPATH)) {
                item.append(" multipath");
            }
            if (attributes.containsKey(Rtnetlink.RTA_OIF)) {
                int index = integer(attributes.get(Rtnetlink.RTA_OIF));
                item.append(" dev ").append(links.getOrDefault(index, "#" + index));
            }
            item.append(" proto ").append(protocolName(protocol));
            item.append(" scope ").append(scopeName(scope));
            if (attributes.containsKey(RTA_PRIORITY)) {
                item.append(" metric ")
                        .append(Integer.toUnsignedString(integer(attributes.get(RTA_PRIORITY))));
            }
            if (attributes.containsKey(RTA_PREFSRC)) {
                item.append(" src ").append(address(attributes.get(RTA_PREFSRC)));
            }
            if (attributes.containsKey(RTA_PREF)) {
                item.append(" pref ").append(attributes.get(RTA_PREF)[0]);
            }
            items.add(item.toString());
        }
        return items;
    }

    private static List<String> rules(NetlinkSocket socket, int family) throws NativeException {
        List<String> items = new ArrayList<>();
        for (ByteBuffer reply :
                Rtnetlink.dump(socket, Rtnetlink.RTM_GETRULE, family, "dump rules")) {
            int at = NetlinkMessage.HEADER_LENGTH;
            int dstLength = reply.get(at + 1) & 0xff;
            int srcLength = reply.get(at + 2) & 0xff;
            int tos = reply.get(at + 3) & 0xff;
            int action = reply.get(at + 7) & 0xff;
            int flags = reply.getInt(at + 8);
            Map<Integer, byte[]> attributes = attributes(reply, at + 12);
            int table = Rtnetlink.table(reply, attributes);
            StringBuilder item = new StringBuilder();
            item.append(family == Rtnetlink.AF_INET ? "ipv4" : "ipv6");
            item.append(" pref ")
                    .append(
                            attributes.containsKey(Rtnetlink.FRA_PRIORITY)
                                    ? Integer.toUnsignedString(
                                            integer(attributes.get(Rtnetlink.FRA_PRIORITY)))
                                    : "0");
            if ((flags & 0x2) != 0) { // FIB_RULE_INVERT
                item.append(" not");
            }
            if (srcLength > 0) {
                item.append(" from ").append(prefix(attributes.get(FRA_SRC), srcLength, family));
            }
            if (dstLength > 0) {
                item.append(" to ").append(prefix(attributes.get(FRA_DST), dstLength, family));
            }
            if (tos != 0) {
                item.append(" tos ").append(tos);
            }
            if (attributes.containsKey(Rtnetlink.FRA_FWMARK)) {
                item.append(" fwmark 0x")
                        .append(Integer.toHexString(integer(attributes.get(Rtnetlink.FRA_FWMARK))));
                if (attributes.containsKey(Rtnetlink.FRA_FWMASK)) {
                    item.append("/0x")
                            .append(
                                    Integer.toHexString(
                                            integer(attributes.get(Rtnetlink.FRA_FWMASK))));
                }
            }
            if (attributes.containsKey(Rtnetlink.FRA_IIFNAME)) {
                item.append(" iif ").append(text(attributes.get(Rtnetlink.FRA_IIFNAME)));
            }
            if (attributes.containsKey(FRA_OIFNAME)) {
                item.append(" oif ").append(text(attributes.get(FRA_OIFNAME)));
            }
            if (attributes.containsKey(FRA_L3MDEV)) {
                item.append(" l3mdev");
            }
            if (attributes.containsKey(FRA_IP_PROTO)) {
                item.append(" ipproto ").append(attributes.get(FRA_IP_PROTO)[0] & 0xff);
            }
            for (int[] range : new int[][] {{FRA_SPORT_RANGE, 's'}, {FRA_DPORT_RANGE, 'd'}}) {
                byte[] ports = attributes.get(range[0]);
                if (ports != null && ports.length >= 4) {
                    ByteBuffer view =
                            ByteBuffer.wrap(ports).order(java.nio.ByteOrder.nativeOrder());
                    item.append(' ')
                            .append((char) range[1])
                            .append("port ")
                            .append(view.getShort(0) & 0xffff)
                            .append('-')
                            .append(view.getShort(2) & 0xffff);
                }
            }
            if (action == Rtnetlink.FR_ACT_TO_TBL) {
                item.append(" lookup ").append(tableName(table));
            } else if (attributes.containsKey(FRA_GOTO)) {
                item.append(" goto ").append(integer(attributes.get(FRA_GOTO)));
            } else {
                item.append(" action ").append(action);
            }
            if (attributes.containsKey(Rtnetlink.FRA_SUPPRESS_PREFIXLEN)) {
                int suppress = integer(attributes.get(Rtnetlink.FRA_SUPPRESS_PREFIXLEN));
                if (suppress >= 0) {
                    item.append(" suppress_prefixlength ").append(suppress);
                }
            }
            if (attributes.containsKey(Rtnetlink.FRA_PROTOCOL)) {
                int protocol = attributes.get(Rtnetlink.FRA_PROTOCOL)[0] & 0xff;
                if (protocol != 0) {
                    item.append(" proto ").append(protocolName(protocol));
                }
            }
            items.add(item.toString());
        }
        return items;
    }

    /**
     * Splits {@code nft list ruleset} output into one item per table. The kill switch's table is
     * left out: it has a lifecycle and a record of its own (it outlives connections on purpose), so
     * a snapshot neither expects nor misses it.
     */
    static List<String> nftTables(String ruleset) {
        List<String> tables = new ArrayList<>();
        StringBuilder current = null;
        for (String line : ruleset.split("\n")) {
            if (line.startsWith("table ")) {
                current = new StringBuilder(line);
            } else if (current != null) {
                current.append('\n').append(line);
                if (line.equals("}")) {
                    if (!current.toString().startsWith(KILL_SWITCH_TABLE)) {
                        tables.add(current.toString());
                    }
                    current = null;
                }
            }
        }
        return tables;
    }

    private static final String KILL_SWITCH_TABLE =
            "table " + KillSwitchRules.FAMILY + " " + KillSwitchRules.NAME + " {";

    /**
     * The networks attached to this host, both families: the main table's unicast routes without a
     * gateway, except default routes and those of {@code tun} and loopback. What {@code
     * LocalNetworks = bypass} lets the kill switch reach.
     */
    public static List<IpPrefix> attachedNetworks(String tun) throws IOException {
        List<IpPrefix> networks = new ArrayList<>();
        for (String route : mainSpecificRoutes()) {
            // "table main unicast 198.18.0.0/24 dev eth0 proto kernel scope link src ..."
            String[] words = route.split(" ");
            if (words.length < 6
                    || !words[2].equals("unicast")
                    || route.contains(" via ")
                    || route.contains(" multipath")) {
                continue;
            }
            int dev = java.util.Arrays.asList(words).indexOf("dev");
            String device = dev < 0 || dev + 1 >= words.length ? "" : words[dev + 1];
            if (device.equals(tun) || device.equals("lo")) {
                continue;
            }
            try {
                IpPrefix prefix = IpPrefix.parse(words[3]);
                if (!networks.contains(prefix)) {
                    networks.add(prefix);
                }
            } catch (dev.sluice.routing.PrefixFormatException e) {
                // not a prefix (a route type this reader does not name): skip it
            }
        }
        return networks;
    }

    static Map<Integer, byte[]> attributes(ByteBuffer message, int start) {
        Map<Integer, byte[]> attributes = new HashMap<>();
        int end = Math.min(message.getInt(0), message.limit());
        int at = start;
        while (at + 4 <= end) {
            int length = message.getShort(at) & 0xffff;
            int type = message.getShort(at + 2) & 0x3fff; // without the nested/byte-order flags
            if (length < 4 || at + length > end) {
                break;
            }
            byte[] value = new byte[length - 4];
            message.get(at + 4, value);
            attributes.put(type, value);
            at += (length + 3) & ~3;
        }
        return attributes;
    }

    static int integer(byte[] value) {
        return ByteBuffer.wrap(value).order(java.nio.ByteOrder.nativeOrder()).getInt(0);
    }

    static String text(byte[] value) {
        int length = value.length;
        while (length > 0 && value[length - 1] == 0) {
            length--;
        }
        return new String(value, 0, length, StandardCharsets.US_ASCII);
    }

    private static String address(byte[] bytes) {
        ByteBuffer view = ByteBuffer.wrap(bytes);
        if (bytes.length == 4) {
            return IpPrefix.hostV4(view.getInt(0)).addressText();
        }
        if (bytes.length == 16) {
            return IpPrefix.hostV6(view.getLong(0), view.getLong(8)).addressText();
        }
        return "?";
    }

    private static String prefix(byte[] bytes, int length, int family) {
        if (bytes == null) {
            return length == 0 ? "default" : "?/" + length;
        }
        return address(bytes) + "/" + length;
    }

    private static String tableName(int table) {
        return switch (table) {
            case 253 -> "default";
            case 254 -> "main";
            case 255 -> "local";
            default -> Integer.toUnsignedString(table);
        };
    }

    private static String protocolName(int protocol) {
        return switch (protocol) {
            case 0 -> "unspec";
            case 1 -> "redirect";
            case 2 -> "kernel";
            case 3 -> "boot";
            case 4 -> "static";
            case 186 -> "bgp";
            case 188 -> "ospf";
            case 16 -> "dhcp";
            case 18 -> "keepalived";
            default -> Integer.toString(protocol);
        };
    }

    private static String scopeName(int scope) {
        return switch (scope) {
            case 0 -> "universe";
            case 200 -> "site";
            case 253 -> "link";
            case 254 -> "host";
            case 255 -> "nowhere";
            default -> Integer.toString(scope);
        };
    }
}
