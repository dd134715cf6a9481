package dev.sluice.daemon.platform.darwin;

import dev.sluice.config.Endpoint;
import dev.sluice.config.PeerConfig;
import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.aggregate.ValueRanges;
import dev.sluice.routing.manager.FirewallTable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The kill switch's pf anchor: the policy of the Linux table ({@link
 * dev.sluice.daemon.killswitch.KillSwitchRules}) in pf.conf(5) syntax. Every rule is {@code quick}
 * (the first match decides, and ends the evaluation of the whole ruleset, so nothing after the
 * {@code com.apple/*} anchor point can let a refused packet through) and {@code no state}: like the
 * stateless nftables table, each packet is judged by the rules, and no state the anchor made while
 * connected (a bypass range, say) keeps a flow alive once the block tightens. Only outbound packets
 * are judged ({@code out}, which also covers forwarded ones as they leave); inbound is left to the
 * system.
 *
 * <pre>
 *   lo0                                        always
 *   the utun                                   when the daemon has one
 *   the daemon's UDP to each peer endpoint     proto udp, the endpoint's address and port, user
 *                                              uid: pf cannot match a socket mark; it can match
 *                                              the owner of the sending socket, and the
 *                                              endpoint's address and port narrow that to the
 *                                              datagrams WireGuard sends (an endpoint given as a
 *                                              name is matched by port only: the anchor is not
 *                                              the place to trust a resolver)
 *   the daemon's DNS (port 53)                 user uid: resolving endpoint names and the
 *                                              forwarder's queries for bypassed names, as the
 *                                              Linux mark allows; applications resolve through
 *                                              mDNSResponder, which runs as _mdnsresponder
 *   DNS (port 53) anywhere else                REFUSED, so names go only to the tunnel's resolvers
 *   DHCPv4 (68 -> 67), DHCPv6 (546 -> 547),    the host keeps its address and neighbours
 *   ICMPv6 133-137 and MLDv2 reports (143)
 *   the attached networks                      with LocalNetworks = bypass (table sluice_local)
 *   the policy's bypass ranges                 with Strategy = kernel, while connected only
 *                                              (table sluice_bypass, ranges as CIDR blocks)
 *   everything else                            REFUSED with {@code block return}: TCP reset,
 *                                              ICMP unreachable for UDP, so applications fail fast
 * </pre>
 */
public final class PfKillSwitchRules {
    /**
     * The anchor: a child of {@code com.apple}, which the system's {@code /etc/pf.conf} evaluates
     * with {@code anchor "com.apple/*"}, so no change to the main ruleset is needed.
     */
    public static final String ANCHOR = "com.apple/250.SluiceKillSwitch";

    /** The {@link FirewallTable#family()} of the anchor. */
    public static final String FAMILY = "pf";

    static final String MARKER = "# sluice kill switch";

    private PfKillSwitchRules() {}

    /**
     * @param utun the utun's name, or null while there is none
     * @param uid the user the daemon runs as
     * @param peers the peers (their endpoints are let through)
     * @param localNetworks attached networks to allow (empty unless LocalNetworks = bypass)
     * @param bypassRanges address ranges the policy bypasses by route (while connected), else empty
     */
    public static FirewallTable anchor(
            String utun,
            int uid,
            List<PeerConfig> peers,
            List<IpPrefix> localNetworks,
            List<ValueRanges.Range> bypassRanges) {
        StringBuilder rules = new StringBuilder();
        rules.append(MARKER)
                .append(": only ")
                .append(utun == null ? "the tunnel" : utun)
                .append(" carries what the policy tunnels\n");
        List<String> local = localNetworks.stream().map(IpPrefix::toString).toList();
        List<String> bypass = new ArrayList<>();
        for (ValueRanges.Range range : bypassRanges) {
            blocks(range).forEach(block -> bypass.add(block.toString()));
        }
        table(rules, "sluice_local", local);
        table(rules, "sluice_bypass", bypass);
        rules.append("pass out quick on lo0 all no state\n");
        if (utun != null) {
            rules.append("pass out quick on ").append(utun).append(" all no state\n");
        }
        for (String endpoint : endpoints(peers)) {
            rules.append("pass out quick proto udp from any to ")
                    .append(endpoint)
                    .append(" user ")
                    .append(uid)
                    .append(" no state\n");
        }
        rules.append("pass out quick proto { tcp, udp } from any to any port 53 user ")
                .append(uid)
                .append(" no state\n");
        rules.append("block return out quick proto { tcp, udp } from any to any port 53\n");
        rules.append("pass out quick inet proto udp from any port 68 to any port 67 no state\n");
        rules.append("pass out quick inet6 proto udp from any port 546 to any port 547 no state\n");
        rules.append(
                "pass out quick inet6 proto icmp6 from any to any"
                        + " icmp6-type { 133, 134, 135, 136, 137, 143 } no state\n");
        if (!local.isEmpty()) {
            rules.append("pass out quick from any to <sluice_local> no state\n");
        }
        if (!bypass.isEmpty()) {
            rules.append("pass out quick from any to <sluice_bypass> no state\n");
        }
        rules.append("block return out quick all\n");
        return new FirewallTable(FAMILY, ANCHOR, rules.toString());
    }

    /** {@code address port p} per literal endpoint, {@code any port p} per named one, once each. */
    private static Set<String> endpoints(List<PeerConfig> peers) {
        Set<String> endpoints = new LinkedHashSet<>();
        for (PeerConfig peer : peers) {
            Endpoint endpoint = peer.endpoint();
            if (endpoint == null) {
                continue;
            }
            IpPrefix literal = endpoint.literalAddress();
            endpoints.add(
                    (literal == null ? "any" : literal.addressText()) + " port " + endpoint.port());
        }
        return endpoints;
    }

    private static void table(StringBuilder rules, String name, List<String> entries) {
        if (!entries.isEmpty()) {
            rules.append("table <")
                    .append(name)
                    .append("> const { ")
                    .append(String.join(", ", entries))
                    .append(" }\n");
        }
    }

    /**
     * The fewest CIDR blocks that cover exactly {@code range} (pf tables hold blocks, not ranges).
     */
    static List<IpPrefix> blocks(ValueRanges.Range range) {
        int bits = range.family().bits();
        List<IpPrefix> blocks = new ArrayList<>();
        BigInteger first = range.first();
        BigInteger last = range.last();
        while (first.compareTo(last) <= 0) {
            int size = first.signum() == 0 ? bits : Math.min(first.getLowestSetBit(), bits);
            while (first.add(BigInteger.ONE.shiftLeft(size))
                            .subtract(BigInteger.ONE)
                            .compareTo(last)
                    > 0) {
                size--;
            }
            blocks.add(prefix(range.family(), first, bits - size));
            first = first.add(BigInteger.ONE.shiftLeft(size));
        }
        return blocks;
    }

    private static IpPrefix prefix(IpFamily family, BigInteger address, int length) {
        if (family == IpFamily.IPV4) {
            return IpPrefix.ipv4(address.intValue(), length);
        }
        return IpPrefix.ipv6(address.shiftRight(64).longValue(), address.longValue(), length);
    }
}
