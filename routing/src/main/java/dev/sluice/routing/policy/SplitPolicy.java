package dev.sluice.routing.policy;

import dev.sluice.routing.IpPrefix;
import java.util.List;

/**
 * Everything that decides verdicts, in routing terms (the configuration maps onto it; the daemon
 * adds what only the running machine knows).
 *
 * @param mode include or exclude
 * @param tunnel the {@code [Split] Tunnel} prefixes (empty: in include mode the peers' AllowedIPs
 *     are the tunnel list)
 * @param bypass the {@code [Split] Bypass} prefixes
 * @param peerAllowedIps per peer, in configuration order, its AllowedIPs
 * @param localNetworks whether attached networks bypass
 * @param attachedNetworks the machine's attached networks (empty offline)
 * @param endpoints the peers' endpoint addresses as host prefixes (never tunnelled)
 * @param dnsServers the tunnel resolvers ({@code [Interface] DNS}) as host prefixes: always
 *     tunnelled, so the forwarder's queries for corporate names never leave in clear
 */
public record SplitPolicy(
        SplitMode mode,
        List<IpPrefix> tunnel,
        List<IpPrefix> bypass,
        List<List<IpPrefix>> peerAllowedIps,
        LocalNetworks localNetworks,
        List<IpPrefix> attachedNetworks,
        List<IpPrefix> endpoints,
        List<IpPrefix> dnsServers) {

    public SplitPolicy {
        tunnel = List.copyOf(tunnel);
        bypass = List.copyOf(bypass);
        peerAllowedIps = peerAllowedIps.stream().map(List::copyOf).toList();
        attachedNetworks = List.copyOf(attachedNetworks);
        endpoints = List.copyOf(endpoints);
        dnsServers = List.copyOf(dnsServers);
    }

    /** The same policy with the running machine's attached networks and resolved endpoints. */
    public SplitPolicy withMachine(List<IpPrefix> attached, List<IpPrefix> endpointHosts) {
        return new SplitPolicy(
                mode,
                tunnel,
                bypass,
                peerAllowedIps,
                localNetworks,
                attached,
                endpointHosts,
                dnsServers);
    }
}
