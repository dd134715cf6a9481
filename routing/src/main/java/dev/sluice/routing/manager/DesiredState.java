package dev.sluice.routing.manager;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What Sluice wants the system to hold; {@link #EMPTY} means "nothing of ours". Sets are ordered
 * (insertion order) so that transcripts are stable.
 *
 * @param firewall the nftables table, or null
 */
public record DesiredState(
        Set<RouteEntry> routes,
        Set<RuleEntry> rules,
        List<SysctlEntry> sysctls,
        FirewallTable firewall) {
    public static final DesiredState EMPTY = new DesiredState(Set.of(), Set.of(), List.of(), null);

    public DesiredState {
        routes = new LinkedHashSet<>(routes);
        rules = new LinkedHashSet<>(rules);
        sysctls = List.copyOf(sysctls);
    }

    public boolean isEmpty() {
        return routes.isEmpty() && rules.isEmpty() && sysctls.isEmpty() && firewall == null;
    }
}
