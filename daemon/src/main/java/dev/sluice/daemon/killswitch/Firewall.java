package dev.sluice.daemon.killswitch;

import dev.sluice.config.SluiceConfig;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.aggregate.ValueRanges;
import dev.sluice.routing.manager.FirewallTable;
import java.io.IOException;
import java.util.List;

/**
 * Where the kill switch's table lives (nftables on Linux, a pf anchor on macOS). The defaults
 * describe nftables ({@link KillSwitchRules}); another firewall overrides the table's identity and
 * language.
 */
public interface Firewall {
    /** Creates {@code table}, or replaces it in one transaction (never a moment without it). */
    void replace(FirewallTable table) throws IOException;

    /** Deletes the table; nothing happens when it is not there. */
    void delete(String family, String name) throws IOException;

    /** Whether the table exists. */
    boolean present(String family, String name) throws IOException;

    /** Packets the table's counters counted so far (what it refused), 0 when it is not there. */
    long countedPackets(String family, String name) throws IOException;

    /** The family of the kill switch's table in this firewall. */
    default String killSwitchFamily() {
        return KillSwitchRules.FAMILY;
    }

    /** The name of the kill switch's table in this firewall. */
    default String killSwitchName() {
        return KillSwitchRules.NAME;
    }

    /**
     * The kill switch's table in this firewall's language: what {@link KillSwitchRules} describes.
     *
     * @param localNetworks attached networks to allow (empty unless LocalNetworks = bypass)
     * @param bypassRanges address ranges the policy bypasses by route (kernel strategy, while
     *     connected); empty otherwise
     */
    default FirewallTable killSwitchTable(
            SluiceConfig config,
            List<IpPrefix> localNetworks,
            List<ValueRanges.Range> bypassRanges) {
        return KillSwitchRules.table(
                config.iface().name(), config.iface().fwMark(), localNetworks, bypassRanges);
    }

    /**
     * What this firewall holds in the system on the table's behalf that must be given back when the
     * table goes, also by a later process (pf's enable reference token); null when nothing. The
     * kill switch records it with the table.
     */
    default String reference() {
        return null;
    }

    /**
     * Takes over a reference an earlier process recorded (see {@link #reference}): {@link #delete}
     * gives it back, {@link #replace} takes a fresh one and then gives the recorded one back.
     *
     * @param recorded the recorded reference, or null
     */
    default void adoptReference(String recorded) {}
}
