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

    /** Whether replace takes a reference (as pf's enable token), numbered from 1. */
    boolean takesReferences;

    /** References taken so far (the next is numbered one more). */
    int references;

    private String held;
    private String adopted;

    @Override
    public void replace(FirewallTable table) {
        tables.put(table.family() + " " + table.name(), table);
        transcript.add("replace " + table);
        if (takesReferences && held == null) {
            held = "token-" + ++references;
            transcript.add("take " + held);
        }
        giveBackAdopted();
    }

    private void giveBackAdopted() {
        if (adopted != null) {
            transcript.add("give back " + adopted);
            adopted = null;
        }
    }

    @Override
    public String reference() {
        return held != null ? held : adopted;
    }

    @Override
    public void adoptReference(String recorded) {
        if (recorded != null && !recorded.equals(held)) {
            adopted = recorded;
        }
    }

    @Override
    public void delete(String family, String name) {
        if (tables.remove(family + " " + name) != null) {
            transcript.add("delete " + family + " " + name);
        }
        if (held != null) {
            transcript.add("give back " + held);
            held = null;
        }
        giveBackAdopted();
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
