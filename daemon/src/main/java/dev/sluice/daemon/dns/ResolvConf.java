package dev.sluice.daemon.dns;

import dev.sluice.routing.journal.Ownership;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The resolver file ({@code resolv.conf(5)}): the servers it names, and the file Sluice writes in
 * its place while connected.
 */
public final class ResolvConf {
    private ResolvConf() {}

    /** The {@code nameserver} addresses of {@code text}, in order (unreadable ones skipped). */
    public static List<InetAddress> nameservers(String text) {
        List<InetAddress> servers = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals("nameserver")) {
                String address = words[1];
                int zone = address.indexOf('%');
                if (zone > 0) {
                    address = address.substring(0, zone);
                }
                if (address.matches("[0-9a-fA-F:.]+")) {
                    try {
                        servers.add(InetAddress.getByName(address));
                    } catch (UnknownHostException ignored) {
                        // Not an address after all: resolvers skip it too.
                    }
                }
            }
        }
        return servers;
    }

    /**
     * The file Sluice writes: its mark (so recovery knows it), the forwarder as the only server,
     * Sluice's search domains before the original ones, and the original options.
     *
     * @param original the file as it was
     * @param servers the forwarder's addresses
     * @param searchDomains {@code [Interface] DNS} names
     */
    public static byte[] render(
            byte[] original, List<InetAddress> servers, List<String> searchDomains) {
        String text = new String(original, StandardCharsets.ISO_8859_1);
        List<String> search = new ArrayList<>(searchDomains);
        List<String> options = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] words = line.strip().split("\\s+");
            if (words[0].equals("search") || words[0].equals("domain")) {
                for (int i = 1; i < words.length; i++) {
                    if (!search.contains(words[i])) {
                        search.add(words[i]);
                    }
                }
            } else if (words[0].equals("options")) {
                options.add(line.strip());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("# ")
                .append(Ownership.DNS_MARK)
                .append(" while connected; the original comes back at disconnect\n")
                .append("# (or with 'sluice recover'). Edits here are lost then.\n");
        for (InetAddress server : servers) {
            out.append("nameserver ").append(server.getHostAddress()).append('\n');
        }
        if (!search.isEmpty()) {
            out.append("search ").append(String.join(" ", search)).append('\n');
        }
        options.forEach(option -> out.append(option).append('\n'));
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
