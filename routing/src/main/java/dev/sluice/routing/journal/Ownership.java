package dev.sluice.routing.journal;

import java.util.List;
import java.util.Set;

/**
 * How to tell Sluice's own entries from everyone else's in a state item: the protocol number its
 * routes and rules carry, its tun, its routing table, its firewall table and the sysctls it sets.
 * Recorded with the snapshot so that {@code sluice recover} needs no configuration.
 */
public record Ownership(
        int protocol, String device, int table, String firewallTable, Set<String> sysctlKeys) {
    public Ownership {
        sysctlKeys = Set.copyOf(sysctlKeys);
    }

    /**
     * The snapshot section holding the resolver configuration file, one item per file: its path, a
     * space, and its bytes as ISO-8859-1 characters (so any file compares exactly).
     */
    public static final String DNS_SECTION = "dns";

    /** Every resolver file Sluice writes carries this text (so recovery can tell it apart). */
    public static final String DNS_MARK = "written by sluice";

    /** True when {@code item} of {@code section} is one Sluice makes. */
    public boolean owns(String section, String item) {
        if (section.equals(DNS_SECTION)) {
            return item.contains(DNS_MARK);
        }
        if (section.equals("sysctls")) {
            int equals = item.indexOf('=');
            return equals > 0 && sysctlKeys.contains(item.substring(0, equals));
        }
        if (section.equals("nftables")) {
            return item.startsWith("table " + firewallTable + " ");
        }
        String padded = " " + item + " ";
        for (String word :
                List.of(
                        " proto " + protocol + " ",
                        " dev " + device + " ",
                        " iif " + device + " ",
                        " table " + table + " ",
                        " lookup " + table + " ")) {
            if (padded.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** As a snapshot section, so it travels in the snapshot file. */
    List<String> toItems() {
        return List.of(
                "protocol=" + protocol,
                "device=" + device,
                "table=" + table,
                "firewall=" + firewallTable,
                "sysctls=" + String.join(",", new java.util.TreeSet<>(sysctlKeys)));
    }

    static Ownership fromItems(List<String> items) {
        java.util.Map<String, String> values = new java.util.HashMap<>();
        for (String item : items) {
            int equals = item.indexOf('=');
            if (equals > 0) {
                values.put(item.substring(0, equals), item.substring(equals + 1));
            }
        }
        String sysctls = values.getOrDefault("sysctls", "");
        return new Ownership(
                Integer.parseInt(values.getOrDefault("protocol", "0")),
                values.getOrDefault("device", ""),
                Integer.parseInt(values.getOrDefault("table", "0")),
                values.getOrDefault("firewall", ""),
                sysctls.isEmpty() ? Set.of() : Set.of(sysctls.split(",")));
    }
}
