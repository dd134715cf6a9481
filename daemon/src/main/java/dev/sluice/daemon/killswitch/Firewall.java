package dev.sluice.daemon.killswitch;

import dev.sluice.routing.manager.FirewallTable;
import java.io.IOException;

/** Where the kill switch's table lives (nftables on Linux). */
public interface Firewall {
    /** Creates {@code table}, or replaces it in one transaction (never a moment without it). */
    void replace(FirewallTable table) throws IOException;

    /** Deletes the table; nothing happens when it is not there. */
    void delete(String family, String name) throws IOException;

    /** Whether the table exists. */
    boolean present(String family, String name) throws IOException;

    /** Packets the table's counters counted so far (what it refused), 0 when it is not there. */
    long countedPackets(String family, String name) throws IOException;
}
