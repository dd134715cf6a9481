package dev.sluice.config;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.policy.LocalNetworks;
import dev.sluice.routing.policy.SplitMode;
import java.time.Duration;
import java.util.List;

/** {@code [Split]} (all keys optional; defaults as in SPEC.md). */
public record SplitConfig(
        SplitMode mode,
        List<IpPrefix> tunnel,
        List<IpPrefix> bypass,
        List<DomainPattern> tunnelDomains,
        List<DomainPattern> bypassDomains,
        LocalNetworks localNetworks,
        RoutingStrategy strategy,
        Duration domainTtlMin,
        Duration domainTtlMax) {
    public static final Duration DEFAULT_DOMAIN_TTL_MIN = Duration.ofSeconds(60);
    public static final Duration DEFAULT_DOMAIN_TTL_MAX = Duration.ofHours(24);

    public SplitConfig {
        tunnel = List.copyOf(tunnel);
        bypass = List.copyOf(bypass);
        tunnelDomains = List.copyOf(tunnelDomains);
        bypassDomains = List.copyOf(bypassDomains);
    }
}
