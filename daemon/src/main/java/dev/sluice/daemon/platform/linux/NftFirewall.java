package dev.sluice.daemon.platform.linux;

import dev.sluice.daemon.killswitch.Firewall;
import dev.sluice.routing.manager.FirewallTable;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The kill switch's table in nftables, through the {@code nft} tool. */
public final class NftFirewall implements Firewall {
    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+)");

    @Override
    public void replace(FirewallTable table) throws IOException {
        Nft.apply(LinuxRouteBackend.replaceScript(table), "nft table " + table);
    }

    @Override
    public void delete(String family, String name) throws IOException {
        if (present(family, name)) {
            Nft.run(
                    List.of("nft", "delete", "table", family, name),
                    null,
                    "nft delete table " + family + " " + name);
        }
    }

    @Override
    public boolean present(String family, String name) throws IOException {
        try {
            Nft.run(List.of("nft", "list", "table", family, name), null, "nft list table");
            return true;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("No such file or directory")) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public long countedPackets(String family, String name) throws IOException {
        if (!present(family, name)) {
            return 0;
        }
        String listing =
                Nft.run(List.of("nft", "list", "table", family, name), null, "nft list table");
        long packets = 0;
        Matcher counter = COUNTER.matcher(listing);
        while (counter.find()) {
            packets += Long.parseLong(counter.group(1));
        }
        return packets;
    }
}
