package dev.sluice.routing.manager;

/**
 * One nftables table Sluice owns as a whole ({@code table inet sluice}): created from {@code
 * script} (the table's contents) and deleted by name.
 */
public record FirewallTable(String family, String name, String script) {
    @Override
    public String toString() {
        return family + " " + name;
    }
}
