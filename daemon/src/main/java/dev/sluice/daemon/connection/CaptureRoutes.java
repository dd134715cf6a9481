package dev.sluice.daemon.connection;

import dev.sluice.config.InterfaceAddress;
import dev.sluice.config.SluiceConfig;
import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.manager.DesiredState;
import dev.sluice.routing.manager.FirewallTable;
import dev.sluice.routing.manager.RouteEntry;
import dev.sluice.routing.manager.RuleEntry;
import dev.sluice.routing.manager.SysctlEntry;
import dev.sluice.routing.policy.LocalNetworks;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The system state of the {@code capture} strategy (DESIGN.md, "Linux integration"), for each
 * address family the tunnel has addresses in:
 *
 * <pre>
 *   pref 5100  iif &lt;tun&gt; lookup main                 reinjected packets leave normally
 *   pref 5200  fwmark &lt;mark&gt; lookup main             the daemon's own UDP escapes
 *   pref 5300  lookup main suppress_prefixlength 0   LAN routes win (LocalNetworks = bypass)
 *   pref 5400  lookup &lt;table&gt;                       everything else: default dev &lt;tun&gt;
 *   table &lt;table&gt;: default dev &lt;tun&gt;
 *   nft table inet sluice: notrack for local packets to the tun, masquerade for reinjected
 *     packets (source = our tunnel address), forward chain open for tun flows and replies
 *     and the fwmark kept in conntrack for the daemon's UDP and for reinjected flows, then
 *     restored on their incoming packets, so that strict rp_filter accepts the replies
 *   sysctls: forwarding on, accept_local on the tun, src_valid_mark on
 * </pre>
 */
public final class CaptureRoutes {
    public static final int PRIORITY_TUN_INPUT = 5100;
    public static final int PRIORITY_OWN_TRAFFIC = 5200;
    public static final int PRIORITY_LOCAL_ROUTES = 5300;
    public static final int PRIORITY_CAPTURE = 5400;

    private CaptureRoutes() {}

    /**
     * @param forwardingWasOff true when IPv4 forwarding was off before Sluice: the forward chain
     *     then also drops new flows that are not the tun's, so the host does not become a router
     *     for anyone else
     */
    public static DesiredState desired(SluiceConfig config, String tun, boolean forwardingWasOff) {
        int table = config.iface().table();
        int mark = config.iface().fwMark();
        boolean v4 = config.iface().addresses().stream().anyMatch(InterfaceAddress::isIpv4);
        boolean v6 = config.iface().addresses().stream().anyMatch(a -> !a.isIpv4());
        Set<RouteEntry> routes = new LinkedHashSet<>();
        Set<RuleEntry> rules = new LinkedHashSet<>();
        List<SysctlEntry> sysctls = new ArrayList<>();
        boolean bypassLocal = config.split().localNetworks() == LocalNetworks.BYPASS;
        for (IpFamily family : IpFamily.values()) {
            if (family == IpFamily.IPV4 ? !v4 : !v6) {
                continue;
            }
            IpPrefix everything =
                    family == IpFamily.IPV4 ? IpPrefix.ipv4(0, 0) : IpPrefix.ipv6(0, 0, 0);
            routes.add(RouteEntry.viaDevice(everything, tun, table));
            rules.add(new RuleEntry(family, PRIORITY_TUN_INPUT, tun, 0, -1, RuleEntry.MAIN_TABLE));
            rules.add(
                    new RuleEntry(
                            family, PRIORITY_OWN_TRAFFIC, null, mark, -1, RuleEntry.MAIN_TABLE));
            if (bypassLocal) {
                rules.add(
                        new RuleEntry(
                                family, PRIORITY_LOCAL_ROUTES, null, 0, 0, RuleEntry.MAIN_TABLE));
            }
            rules.add(new RuleEntry(family, PRIORITY_CAPTURE, null, 0, -1, table));
        }
        if (v4) {
            sysctls.add(new SysctlEntry("net.ipv4.ip_forward", "1"));
            sysctls.add(new SysctlEntry("net.ipv4.conf." + tun + ".accept_local", "1"));
            // Strict rp_filter would drop the peer's replies (their reverse route is the tun);
            // with the firewall's mark restore, the reverse lookup sees our mark and finds main.
            sysctls.add(new SysctlEntry("net.ipv4.conf.all.src_valid_mark", "1"));
        }
        if (v6) {
            sysctls.add(new SysctlEntry("net.ipv6.conf.all.forwarding", "1"));
        }
        return new DesiredState(routes, rules, sysctls, firewall(config, tun, forwardingWasOff));
    }

    static FirewallTable firewall(SluiceConfig config, String tun, boolean forwardingWasOff) {
        String quoted = "\"" + tun + "\"";
        StringBuilder script = new StringBuilder();
        script.append("\tchain output {\n")
                .append("\t\ttype filter hook output priority raw; policy accept;\n")
                .append("\t\toifname ")
                .append(quoted)
                .append(" notrack\n")
                .append("\t}\n");
        String mark = "0x" + Integer.toHexString(config.iface().fwMark());
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
        script.append("\tchain forward {\n")
                .append("\t\ttype filter hook forward priority filter; policy accept;\n")
                .append("\t\tiifname ")
                .append(quoted)
                .append(" accept\n")
                .append("\t\toifname ")
                .append(quoted)
                .append(" ct state established,related accept\n");
        if (forwardingWasOff) {
            script.append("\t\tct state new drop\n");
        }
        script.append("\t}\n");
        return new FirewallTable("inet", "sluice", script.toString());
    }
}
