package dev.sluice.daemon.killswitch;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.aggregate.ValueRanges;
import dev.sluice.routing.manager.FirewallTable;
import java.util.List;

/**
 * The kill switch's nftables table. What may leave the host (hooks output and forward):
 *
 * <pre>
 *   loopback                                   always
 *   the daemon's own sockets (its fwmark)      WireGuard to the peers, DNS to the original
 *                                              resolvers for bypassed names; setting a mark
 *                                              needs CAP_NET_ADMIN, so no ordinary process can
 *   anything routed into the tun               userspace decides per packet from there
 *   reinjected packets (forward, from the tun) userspace decided them while connected
 *   DNS (port 53) anywhere else                REFUSED: a resolver change on the LAN cannot
 *                                              leak names
 *   DHCPv4, DHCPv6, ICMPv6 router and          the host keeps its address and neighbours
 *   neighbour discovery, MLD reports
 *   the attached networks                      with LocalNetworks = bypass (the LAN printer)
 *   the policy's bypass ranges                 with Strategy = kernel, while connected only
 *                                              (they go out by routes, not through the tun)
 *   everything else                            REFUSED: TCP reset, else ICMP administratively
 *                                              prohibited, so applications fail fast; counted
 * </pre>
 *
 * The table carries a comment that marks it as Sluice's kill switch.
 */
public final class KillSwitchRules {
    public static final String FAMILY = "inet";
    public static final String NAME = "sluice_killswitch";
    static final String MARKER = "sluice kill switch";

    private KillSwitchRules() {}

    /**
     * @param tun the tun's name
     * @param fwMark the daemon's socket mark
     * @param localNetworks attached networks to allow (empty unless LocalNetworks = bypass)
     * @param bypassRanges address ranges the policy bypasses by route (kernel strategy, while
     *     connected); empty otherwise
     */
    public static FirewallTable table(
            String tun,
            int fwMark,
            List<IpPrefix> localNetworks,
            List<ValueRanges.Range> bypassRanges) {
        String quoted = "\"" + tun + "\"";
        String mark = "0x" + Integer.toHexString(fwMark);
        StringBuilder script = new StringBuilder();
        script.append("\tcomment \"").append(MARKER).append(": only ").append(tun);
        script.append(" carries what the policy tunnels\"\n");
        set(
                script,
                "local4",
                "ipv4_addr",
                localNetworks.stream().filter(IpPrefix::isIpv4).map(IpPrefix::toString).toList());
        set(
                script,
                "local6",
                "ipv6_addr",
                localNetworks.stream().filter(p -> !p.isIpv4()).map(IpPrefix::toString).toList());
        set(
                script,
                "bypass4",
                "ipv4_addr",
                bypassRanges.stream()
                        .filter(r -> r.family() == dev.sluice.routing.IpFamily.IPV4)
                        .map(ValueRanges.Range::text)
                        .toList());
        set(
                script,
                "bypass6",
                "ipv6_addr",
                bypassRanges.stream()
                        .filter(r -> r.family() == dev.sluice.routing.IpFamily.IPV6)
                        .map(ValueRanges.Range::text)
                        .toList());
        script.append("\tchain refuse {\n")
                .append("\t\tmeta l4proto tcp counter reject with tcp reset\n")
                .append("\t\tcounter reject with icmpx admin-prohibited\n")
                .append("\t}\n");
        script.append("\tchain allowed {\n")
                .append("\t\tmeta l4proto { tcp, udp } th dport 53 goto refuse\n")
                .append("\t\tudp sport 68 udp dport 67 accept\n")
                .append("\t\tudp sport 546 udp dport 547 accept\n")
                .append("\t\ticmpv6 type { nd-router-solicit, nd-neighbor-solicit,")
                .append(" nd-neighbor-advert, mld2-listener-report } accept\n")
                .append("\t\tip daddr @local4 accept\n")
                .append("\t\tip6 daddr @local6 accept\n")
                .append("\t\tip daddr @bypass4 accept\n")
                .append("\t\tip6 daddr @bypass6 accept\n")
                .append("\t\tgoto refuse\n")
                .append("\t}\n");
        script.append("\tchain output {\n")
                .append("\t\ttype filter hook output priority filter; policy accept;\n")
                .append("\t\toifname \"lo\" accept\n")
                .append("\t\tmeta mark ")
                .append(mark)
                .append(" accept\n")
                .append("\t\toifname ")
                .append(quoted)
                .append(" accept\n")
                .append("\t\tgoto allowed\n")
                .append("\t}\n");
        script.append("\tchain forward {\n")
                .append("\t\ttype filter hook forward priority filter; policy accept;\n")
                .append("\t\tiifname ")
                .append(quoted)
                .append(" accept\n")
                .append("\t\toifname ")
                .append(quoted)
                .append(" accept\n")
                .append("\t\tgoto allowed\n")
                .append("\t}\n");
        return new FirewallTable(FAMILY, NAME, script.toString());
    }

    private static void set(StringBuilder script, String name, String type, List<String> elements) {
        script.append("\tset ")
                .append(name)
                .append(" { type ")
                .append(type)
                .append("; flags interval;");
        if (!elements.isEmpty()) {
            script.append(" elements = { ").append(String.join(", ", elements)).append(" };");
        }
        script.append(" }\n");
    }
}
