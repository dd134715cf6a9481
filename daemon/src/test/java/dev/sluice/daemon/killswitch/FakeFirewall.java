package dev.sluice.daemon.killswitch;

import dev.sluice.routing.manager.FirewallTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tables in memory, with a transcript of what was done to them. */
final class FakeFirewall implements Firewall {
    final Map<String, FirewallTable> tables = new LinkedHashMap<>();
    final List<String> transcript = new ArrayList<>();
    long counted;

    @Override
    public void replace(FirewallTable table) {
        tables.put(table.family() + " " + table.name(), table);
        transcript.add("replace " + table);
    }

    @Override
    public void delete(String family, String name) {
        if (tables.remove(family + " " + name) != null) {
            transcript.add("delete " + family + " " + name);
        }
    }

    @Override
    public boolean present(String family, String name) {
        return tables.containsKey(family + " " + name);
    }

    @Override
    public long countedPackets(String family, String name) throws IOException {
        return present(family, name) ? counted : 0;
    }

    FirewallTable killSwitch() {
        return tables.get(KillSwitchRules.FAMILY + " " + KillSwitchRules.NAME);
    }
}
