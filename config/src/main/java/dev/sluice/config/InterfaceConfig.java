package dev.sluice.config;

import dev.sluice.crypto.PrivateKey;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * {@code [Interface]}.
 *
 * @param privateKey the interface's private key (inline or from {@code PrivateKeyFile})
 * @param addresses tunnel addresses
 * @param dnsServers resolvers reached through the tunnel ({@code DNS} entries that are addresses)
 * @param dnsSearchDomains {@code DNS} entries that are names (wg-quick's search domains)
 * @param mtu tun MTU
 * @param listenPort UDP port, or 0 for a random one
 * @param name tun name on Linux
 * @param fwMark mark of the daemon's own sockets
 * @param table the private routing table, or {@link #TABLE_OFF} when Sluice installs no routes,
 *     rules or firewall table (wg-quick's {@code Table = off}: a server, or routes managed
 *     elsewhere); only the tun and its addresses are set up then
 * @param autoConnect connect when the daemon starts
 * @param killSwitch when traffic the policy tunnels may only leave through the tunnel
 * @param allowScripts whether wg-quick hooks may run
 * @param scripts wg-quick hooks by name (PreUp, PostUp, PreDown, PostDown), in order
 * @param metricsPort loopback HTTP port for Prometheus metrics, or 0 for none
 */
public record InterfaceConfig(
        PrivateKey privateKey,
        List<InterfaceAddress> addresses,
        List<InetAddress> dnsServers,
        List<String> dnsSearchDomains,
        int mtu,
        int listenPort,
        String name,
        int fwMark,
        int table,
        boolean autoConnect,
        KillSwitchMode killSwitch,
        boolean allowScripts,
        Map<String, List<String>> scripts,
        int metricsPort) {
    public static final int DEFAULT_MTU = 1420;
    public static final String DEFAULT_NAME = "sluice0";
    public static final int DEFAULT_FWMARK = 0x51c;
    public static final int DEFAULT_TABLE = 51820;
    public static final int TABLE_OFF = 0;

    /** Whether Sluice captures traffic with its own table, rules and firewall table. */
    public boolean capturesRoutes() {
        return table != TABLE_OFF;
    }

    public InterfaceConfig {
        addresses = List.copyOf(addresses);
        dnsServers = List.copyOf(dnsServers);
        dnsSearchDomains = List.copyOf(dnsSearchDomains);
        scripts = Map.copyOf(scripts);
    }
}
