package dev.sluice.daemon.dns;

import dev.sluice.config.DomainPattern;
import dev.sluice.config.SluiceConfig;
import dev.sluice.routing.policy.SplitMode;
import dev.sluice.routing.policy.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Which resolver answers a name, and which verdict its addresses get.
 *
 * <p>Resolver: a name under a {@code TunnelDomains} pattern or an {@code [Interface] DNS} search
 * domain goes to the tunnel resolvers; in exclude mode (everything tunnelled) so does every name
 * not under a {@code BypassDomains} pattern. All other names go to the machine's original
 * resolvers, through the bypass path. Without tunnel resolvers, every name goes to the original
 * resolvers (and answers are still learned).
 *
 * <p>Verdict: the names of an answer's CNAME chain are looked at in order, question first; the
 * first one under a {@code TunnelDomains} pattern makes the addresses tunnel, under a {@code
 * BypassDomains} pattern bypass (tunnel patterns are checked first at each name).
 */
public final class DomainRules {
    /** Where a query goes. */
    public enum Upstream {
        TUNNEL,
        ORIGINAL
    }

    /** A learned verdict and the pattern that gave it. */
    public record Match(Verdict verdict, DomainPattern pattern) {}

    private final List<DomainPattern> tunnelDomains;
    private final List<DomainPattern> bypassDomains;
    private final List<DomainPattern> searchDomains;
    private final boolean fullTunnel;
    private final boolean hasTunnelResolvers;

    public DomainRules(
            List<DomainPattern> tunnelDomains,
            List<DomainPattern> bypassDomains,
            List<DomainPattern> searchDomains,
            boolean fullTunnel,
            boolean hasTunnelResolvers) {
        this.tunnelDomains = List.copyOf(tunnelDomains);
        this.bypassDomains = List.copyOf(bypassDomains);
        this.searchDomains = List.copyOf(searchDomains);
        this.fullTunnel = fullTunnel;
        this.hasTunnelResolvers = hasTunnelResolvers;
    }

    public static DomainRules of(SluiceConfig config) {
        List<DomainPattern> search = new ArrayList<>();
        for (String domain : config.iface().dnsSearchDomains()) {
            search.add(DomainPattern.parse(domain));
        }
        return new DomainRules(
                config.split().tunnelDomains(),
                config.split().bypassDomains(),
                search,
                config.split().mode() == SplitMode.EXCLUDE,
                !config.iface().dnsServers().isEmpty());
    }

    /** Whether the forwarder has anything to do for this configuration. */
    public static boolean wanted(SluiceConfig config) {
        return !config.iface().dnsServers().isEmpty()
                || !config.split().tunnelDomains().isEmpty()
                || !config.split().bypassDomains().isEmpty();
    }

    /** The resolver for {@code name} (lower case, no final dot). */
    public Upstream upstream(String name) {
        if (!hasTunnelResolvers) {
            return Upstream.ORIGINAL;
        }
        if (matchesAny(tunnelDomains, name) || matchesAny(searchDomains, name)) {
            return Upstream.TUNNEL;
        }
        if (fullTunnel && !matchesAny(bypassDomains, name)) {
            return Upstream.TUNNEL;
        }
        return Upstream.ORIGINAL;
    }

    /** The verdict for the addresses of a chain of names, or null when no pattern covers one. */
    public Match verdict(List<String> chain) {
        for (String name : chain) {
            for (DomainPattern pattern : tunnelDomains) {
                if (pattern.matches(name)) {
                    return new Match(Verdict.TUNNEL, pattern);
                }
            }
            for (DomainPattern pattern : bypassDomains) {
                if (pattern.matches(name)) {
                    return new Match(Verdict.BYPASS, pattern);
                }
            }
        }
        return null;
    }

    /**
     * The routing domains systemd-resolved should send to the forwarder: every pattern and search
     * domain as {@code ~domain}, and {@code ~.} (everything) in exclude mode.
     */
    public List<String> routingDomains() {
        List<String> domains = new ArrayList<>();
        for (List<DomainPattern> patterns : List.of(tunnelDomains, searchDomains, bypassDomains)) {
            for (DomainPattern pattern : patterns) {
                String domain = "~" + pattern.domain();
                if (!domains.contains(domain)) {
                    domains.add(domain);
                }
            }
        }
        if (fullTunnel && hasTunnelResolvers) {
            domains.add("~.");
        }
        return domains;
    }

    private static boolean matchesAny(List<DomainPattern> patterns, String name) {
        for (DomainPattern pattern : patterns) {
            if (pattern.matches(name)) {
                return true;
            }
        }
        return false;
    }
}
