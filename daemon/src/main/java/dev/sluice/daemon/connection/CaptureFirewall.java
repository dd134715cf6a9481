package dev.sluice.daemon.connection;

import dev.sluice.config.InterfaceAddress;
import dev.sluice.config.SluiceConfig;
import dev.sluice.routing.manager.FirewallTable;

/**
 * The nftables table {@code inet sluice} of the capture and kernel strategies. Chains, in the order
 * a packet meets them:
 *
 * <pre>
 *   output      (raw)       local packets to the tun: notrack, so the reinjected copy starts its
 *                           own conntrack entry (and gets masqueraded)
 *   premangle   (mangle)    new flows from the tun get the fwmark in conntrack; packets of marked
 *                           flows get it back, so strict rp_filter accepts the replies
 *   postmangle  (mangle)    the daemon's own UDP (SO_MARK) keeps its mark in conntrack
 *   postrouting (srcnat)    reinjected packets (source = a tunnel address) are masqueraded
 *   captured    (srcnat+10) every packet routed into the tun is remembered for 30 s by
 *                           (source, destination, protocol[, ports]) in a bounded set
 *   forward     (filter)    from the tun, only packets the host itself sent into it a moment ago
 *                           (the reinjected bypass copy) or replies to flows started on this side
 *                           are forwarded; anything else the peer sends is dropped and counted
 *   input       (filter)    the DNS forwarder on a tunnel address answers local sockets only
 * </pre>
 *
 * <p>Why the {@code captured} sets rather than "source is a local address": a peer whose AllowedIPs
 * cover this host's addresses could forge one as the inner source and reach hosts on the LAN or a
 * container bridge. With the sets, a packet from the tun is forwarded only when this host routed
 * the very same flow into the tun first. A full set (65,536 flows within 30 s) fails closed: the
 * reinjected copy of a flow that could not be remembered is dropped.
 */
final class CaptureFirewall {
    static final String TABLE_FAMILY = "inet";
    static final String TABLE_NAME = "sluice";
    private static final String SET_OPTIONS = "flags dynamic,timeout; timeout 30s; size 65536; ";

    private CaptureFirewall() {}

    /**
     * @param ipv6GuardForwarding also drop new forwarded IPv6 flows that do not come from the tun
     *     (when Sluice had to switch IPv6 forwarding on globally, see {@link Ipv6Forwarding})
     */
    static FirewallTable table(SluiceConfig config, String tun, boolean ipv6GuardForwarding) {
        String quoted = "\"" + tun + "\"";
        String mark = "0x" + Integer.toHexString(config.iface().fwMark());
        StringBuilder script = new StringBuilder();
        for (String family : new String[] {"4", "6"}) {
            String address = family.equals("4") ? "ipv4_addr" : "ipv6_addr";
            script.append("\tset flows")
                    .append(family)
                    .append(" { type ")
                    .append(address)
                    .append(" . ")
                    .append(address)
                    .append(" . inet_proto . inet_service . inet_service; ")
                    .append(SET_OPTIONS)
                    .append("}\n");
            script.append("\tset hosts")
                    .append(family)
                    .append(" { type ")
                    .append(address)
                    .append(" . ")
                    .append(address)
                    .append(" . inet_proto; ")
                    .append(SET_OPTIONS)
                    .append("}\n");
        }
        script.append("\tchain output {\n")
                .append("\t\ttype filter hook output priority raw; policy accept;\n")
                .append("\t\toifname ")
                .append(quoted)
                .append(" notrack\n")
                .append("\t}\n");
        script.append("\tchain premangle {\n")
                .append("\t\ttype filter hook prerouting priority mangle; policy accept;\n")
                .append("\t\tiifname ")
                .append(quoted)
                .append(" ct state new ct mark set ")
                .append(mark)
                .append('\n')
                .append("\t\tct mark ")
                .append(mark)
                .append(" meta mark set ct mark\n")
                .append("\t}\n");
        script.append("\tchain postmangle {\n")
                .append("\t\ttype filter hook postrouting priority mangle; policy accept;\n")
                .append("\t\tmeta l4proto udp meta mark ")
                .append(mark)
                .append(" ct mark set meta mark\n")
                .append("\t}\n");
        script.append("\tchain postrouting {\n")
                .append("\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
        for (InterfaceAddress address : config.iface().addresses()) {
            script.append("\t\tiifname ")
                    .append(quoted)
                    .append(address.isIpv4() ? " ip saddr " : " ip6 saddr ")
                    .append(address.address().addressText())
                    .append(" masquerade\n");
        }
        script.append("\t}\n");
        script.append("\tchain captured {\n")
                .append("\t\ttype filter hook postrouting priority srcnat + 10; policy accept;\n");
        for (String family : new String[] {"4", "6"}) {
            String ip = family.equals("4") ? "ip" : "ip6";
            script.append("\t\toifname ")
                    .append(quoted)
                    .append(" meta l4proto { tcp, udp } update @flows")
                    .append(family)
                    .append(" { ")
                    .append(flowKey(ip))
                    .append(" }\n");
            script.append("\t\toifname ")
                    .append(quoted)
                    .append(" meta l4proto != { tcp, udp } update @hosts")
                    .append(family)
                    .append(" { ")
                    .append(hostKey(ip))
                    .append(" }\n");
        }
        script.append("\t}\n");
        script.append("\tchain forward {\n")
                .append("\t\ttype filter hook forward priority filter; policy accept;\n")
                .append("\t\tiifname ")
                .append(quoted)
                .append(" ct state established,related accept\n");
        for (String family : new String[] {"4", "6"}) {
            String ip = family.equals("4") ? "ip" : "ip6";
            script.append("\t\tiifname ")
                    .append(quoted)
                    .append(" meta l4proto { tcp, udp } ")
                    .append(flowKey(ip))
                    .append(" @flows")
                    .append(family)
                    .append(" accept\n");
            script.append("\t\tiifname ")
                    .append(quoted)
                    .append(" meta l4proto != { tcp, udp } ")
                    .append(hostKey(ip))
                    .append(" @hosts")
                    .append(family)
                    .append(" accept\n");
        }
        script.append("\t\tiifname ")
                .append(quoted)
                .append(" counter drop comment \"the peer reaches this host only\"\n");
        if (ipv6GuardForwarding) {
            script.append("\t\tmeta nfproto ipv6 ct state new counter drop")
                    .append(" comment \"IPv6 forwarding is on for the tun only\"\n");
        }
        script.append("\t}\n");
        script.append("\tchain input {\n")
                .append("\t\ttype filter hook input priority filter; policy accept;\n");
        for (InterfaceAddress address : config.iface().addresses()) {
            script.append("\t\tiifname != \"lo\" ")
                    .append(address.isIpv4() ? "ip daddr " : "ip6 daddr ")
                    .append(address.address().addressText())
                    .append(" meta l4proto { tcp, udp } th dport 53 counter drop")
                    .append(" comment \"the DNS forwarder answers this host only\"\n");
        }
        script.append("\t}\n");
        return new FirewallTable(TABLE_FAMILY, TABLE_NAME, script.toString());
    }

    private static String flowKey(String ip) {
        return ip + " saddr . " + ip + " daddr . meta l4proto . th sport . th dport";
    }

    private static String hostKey(String ip) {
        return ip + " saddr . " + ip + " daddr . meta l4proto";
    }
}
