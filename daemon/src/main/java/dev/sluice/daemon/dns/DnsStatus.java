package dev.sluice.daemon.dns;

import java.util.List;
import java.util.Map;

/**
 * Split DNS in {@code sluice status}.
 *
 * @param host how the host points at the forwarder: {@code resolv.conf} or {@code systemd-resolved}
 * @param listening the forwarder's addresses
 * @param tunnelResolvers the {@code [Interface] DNS} servers
 * @param originalResolvers the machine's resolvers from before connecting
 * @param learned host routes learned from answers
 * @param counters what the forwarder did, by name
 */
public record DnsStatus(
        String host,
        List<String> listening,
        List<String> tunnelResolvers,
        List<String> originalResolvers,
        List<Learned> learned,
        Map<String, Long> counters) {
    /**
     * One learned route.
     *
     * @param address the address
     * @param verdict what the answer asked for: tunnel or bypass
     * @param name the name asked
     * @param domain the TunnelDomains or BypassDomains pattern that decided
     * @param expiresInSeconds time left
     * @param refused null when the route applies, else why the address keeps its static verdict
     */
    public record Learned(
            String address,
            String verdict,
            String name,
            String domain,
            long expiresInSeconds,
            String refused) {}
}
