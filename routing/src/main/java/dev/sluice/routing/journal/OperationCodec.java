package dev.sluice.routing.journal;

import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.manager.FirewallTable;
import dev.sluice.routing.manager.Operation;
import dev.sluice.routing.manager.RouteEntry;
import dev.sluice.routing.manager.RouteType;
import dev.sluice.routing.manager.RuleEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Operations as one line of tab-separated fields, and back:
 *
 * <pre>
 *   route-add    10.0.0.0/8  unicast  sluice0  51820
 *   rule-del     ipv4  5100  sluice0  0  -1  254
 *   sysctl       net.ipv4.ip_forward  1  0
 *   nft-add      inet  sluice  &lt;script with \n, \t and \\ escaped&gt;
 *   file         /etc/resolv.conf  &lt;content, base64&gt;  &lt;expected content, base64&gt;
 *   link-dns     sluice0  10.66.0.2,fd66::2  ~corp.example,~zoom.us
 *   link-revert  sluice0  10.66.0.2,fd66::2  ~corp.example,~zoom.us
 * </pre>
 *
 * An absent interface is written {@code -}. {@link #decode} throws {@link IllegalArgumentException}
 * naming the field at fault for any line it did not write.
 */
public final class OperationCodec {
    private static final String NONE = "-";
    private static final java.util.Base64.Encoder BASE64 = java.util.Base64.getEncoder();

    private OperationCodec() {}

    public static String encode(Operation operation) {
        List<String> fields = new ArrayList<>();
        switch (operation) {
            case Operation.AddRoute add -> route(fields, "route-add", add.route());
            case Operation.DeleteRoute delete -> route(fields, "route-del", delete.route());
            case Operation.AddRule add -> rule(fields, "rule-add", add.rule());
            case Operation.DeleteRule delete -> rule(fields, "rule-del", delete.rule());
            case Operation.SetSysctl set -> {
                fields.add("sysctl");
                fields.add(set.key());
                fields.add(set.value());
                fields.add(set.previous());
            }
            case Operation.AddFirewall add -> firewall(fields, "nft-add", add.table());
            case Operation.DeleteFirewall delete -> firewall(fields, "nft-del", delete.table());
            case Operation.ReplaceFile file -> {
                fields.add("file");
                fields.add(file.path());
                fields.add(BASE64.encodeToString(file.content()));
                fields.add(BASE64.encodeToString(file.expected()));
            }
            case Operation.SetLinkDns set ->
                    linkDns(fields, "link-dns", set.link(), set.servers(), set.domains());
            case Operation.RevertLinkDns revert ->
                    linkDns(
                            fields,
                            "link-revert",
                            revert.link(),
                            revert.servers(),
                            revert.domains());
        }
        StringBuilder line = new StringBuilder();
        for (String field : fields) {
            if (!line.isEmpty()) {
                line.append('\t');
            }
            line.append(escape(field));
        }
        return line.toString();
    }

    public static Operation decode(String line) {
        String[] raw = line.split("\t", -1);
        String[] fields = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            fields[i] = unescape(raw[i]);
        }
        return switch (fields[0]) {
            case "route-add" -> new Operation.AddRoute(route(fields));
            case "route-del" -> new Operation.DeleteRoute(route(fields));
            case "rule-add" -> new Operation.AddRule(rule(fields));
            case "rule-del" -> new Operation.DeleteRule(rule(fields));
            case "sysctl" -> {
                expect(fields, 4);
                yield new Operation.SetSysctl(fields[1], fields[2], fields[3]);
            }
            case "nft-add" -> new Operation.AddFirewall(firewall(fields));
            case "nft-del" -> new Operation.DeleteFirewall(firewall(fields));
            case "file" -> {
                expect(fields, 4);
                yield new Operation.ReplaceFile(fields[1], base64(fields, 2), base64(fields, 3));
            }
            case "link-dns" -> {
                expect(fields, 4);
                yield new Operation.SetLinkDns(fields[1], list(fields[2]), list(fields[3]));
            }
            case "link-revert" -> {
                expect(fields, 4);
                yield new Operation.RevertLinkDns(fields[1], list(fields[2]), list(fields[3]));
            }
            default ->
                    throw new IllegalArgumentException(
                            "unknown operation '" + fields[0] + "' in journal record");
        };
    }

    private static void linkDns(
            List<String> fields,
            String kind,
            String link,
            List<String> servers,
            List<String> domains) {
        fields.add(kind);
        fields.add(link);
        fields.add(String.join(",", servers));
        fields.add(String.join(",", domains));
    }

    private static List<String> list(String field) {
        return field.isEmpty() ? List.of() : List.of(field.split(","));
    }

    private static byte[] base64(String[] fields, int index) {
        try {
            return java.util.Base64.getDecoder().decode(fields[index]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "field " + index + " of '" + fields[0] + "' is not base64");
        }
    }

    private static void route(List<String> fields, String kind, RouteEntry route) {
        fields.add(kind);
        fields.add(route.destination().toString());
        fields.add(route.type().name().toLowerCase(java.util.Locale.ROOT));
        fields.add(route.device() == null ? NONE : route.device());
        fields.add(Integer.toString(route.table()));
    }

    private static RouteEntry route(String[] fields) {
        expect(fields, 5);
        RouteType type = RouteType.valueOf(fields[2].toUpperCase(java.util.Locale.ROOT));
        return new RouteEntry(
                IpPrefix.parse(fields[1]), type, optional(fields[3]), number(fields, 4));
    }

    private static void rule(List<String> fields, String kind, RuleEntry rule) {
        fields.add(kind);
        fields.add(rule.family() == IpFamily.IPV4 ? "ipv4" : "ipv6");
        fields.add(Integer.toString(rule.priority()));
        fields.add(rule.inputInterface() == null ? NONE : rule.inputInterface());
        fields.add(Integer.toString(rule.fwmark()));
        fields.add(Integer.toString(rule.suppressPrefixLength()));
        fields.add(Integer.toString(rule.table()));
    }

    private static RuleEntry rule(String[] fields) {
        expect(fields, 7);
        IpFamily family =
                switch (fields[1]) {
                    case "ipv4" -> IpFamily.IPV4;
                    case "ipv6" -> IpFamily.IPV6;
                    default ->
                            throw new IllegalArgumentException(
                                    "unknown address family '" + fields[1] + "'");
                };
        return new RuleEntry(
                family,
                number(fields, 2),
                optional(fields[3]),
                number(fields, 4),
                number(fields, 5),
                number(fields, 6));
    }

    private static void firewall(List<String> fields, String kind, FirewallTable table) {
        fields.add(kind);
        fields.add(table.family());
        fields.add(table.name());
        fields.add(table.script());
    }

    private static FirewallTable firewall(String[] fields) {
        expect(fields, 4);
        return new FirewallTable(fields[1], fields[2], fields[3]);
    }

    private static void expect(String[] fields, int count) {
        if (fields.length != count) {
            throw new IllegalArgumentException(
                    "'" + fields[0] + "' record has " + fields.length + " fields, not " + count);
        }
    }

    private static int number(String[] fields, int index) {
        try {
            return Integer.parseInt(fields[index]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "field " + index + " of '" + fields[0] + "' is not a number: " + fields[index]);
        }
    }

    private static String optional(String field) {
        return NONE.equals(field) ? null : field;
    }

    private static String escape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c != '\\' || i + 1 == field.length()) {
                out.append(c);
                continue;
            }
            char next = field.charAt(++i);
            out.append(
                    switch (next) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        default -> next;
                    });
        }
        return out.toString();
    }
}
