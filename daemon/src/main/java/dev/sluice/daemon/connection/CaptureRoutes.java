package dev.sluice.daemon.connection;

import dev.sluice.config.InterfaceAddress;
import dev.sluice.config.SluiceConfig;
import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.manager.DesiredState;
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
 *   nft table inet sluice: see {@link CaptureFirewall}
 *   sysctls: forwarding on the tun only (IPv4 net.ipv4.conf.&lt;tun&gt;.forwarding, IPv6
 *     force_forwarding, see {@link Ipv6Forwarding}), accept_local on the tun, src_valid_mark on
 * </pre>
 *
 * <p>Forwarding is switched on for packets that arrive on the tun only: reinjected bypass packets
 * need it, nothing else does, and a global switch would make the host a router for its LAN (and,
 * for IPv6, deaf to router advertisements).
 */
public final class CaptureRoutes {
    public static final int PRIORITY_TUN_INPUT = 5100;
    public static final int PRIORITY_OWN_TRAFFIC = 5200;
    public static final int PRIORITY_LOCAL_ROUTES = 5300;
    public static final int PRIORITY_CAPTURE = 5400;

    private CaptureRoutes() {}

    /**
     * @param ipv6 how this kernel forwards reinjected IPv6 packets
     */
    public static DesiredState desired(SluiceConfig config, String tun, Ipv6Forwarding ipv6) {
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
            sysctls.add(new SysctlEntry("net.ipv4.conf." + tun + ".forwarding", "1"));
            sysctls.add(new SysctlEntry("net.ipv4.conf." + tun + ".accept_local", "1"));
            // Strict rp_filter would drop the peer's replies (their reverse route is the tun);
            // with the firewall's mark restore, the reverse lookup sees our mark and finds main.
            sysctls.add(new SysctlEntry("net.ipv4.conf.all.src_valid_mark", "1"));
        }
        boolean guardIpv6 = false;
        if (v6) {
            if (ipv6.perInterface()) {
                sysctls.add(new SysctlEntry("net.ipv6.conf." + tun + ".force_forwarding", "1"));
            } else {
                // Before the global switch, so no interface misses an advertisement meanwhile.
                for (String link : ipv6.acceptingRouterAdvertisements()) {
                    sysctls.add(new SysctlEntry("net.ipv6.conf." + link + ".accept_ra", "2"));
                }
                sysctls.add(new SysctlEntry("net.ipv6.conf.all.forwarding", "1"));
                guardIpv6 = ipv6.globalWasOff();
            }
        }
        return new DesiredState(
                routes, rules, sysctls, CaptureFirewall.table(config, tun, guardIpv6));
    }
}
