package dev.sluice.daemon.platform.linux;

import dev.sluice.daemon.platform.ExternalCommand;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * systemd-resolved, driven with {@code resolvectl}: per-link DNS servers and routing domains (the
 * documented command-line interface; its D-Bus API says the same in more code). A link's settings
 * vanish with the link, so a crash can leave nothing behind once the tun is gone.
 */
public final class Resolved {
    private static final Path STUB_DIRECTORY = Path.of("/run/systemd/resolve");

    /** resolvectl talks to a local daemon over D-Bus: seconds at most, unless resolved hangs. */
    static final long TIMEOUT_MS = 10_000;

    private Resolved() {}

    /**
     * True when {@code resolvConf} is managed by a running systemd-resolved: it links into {@code
     * /run/systemd/resolve} and resolved's socket exists.
     */
    public static boolean manages(Path resolvConf) {
        try {
            if (!Files.isSymbolicLink(resolvConf)) {
                return false;
            }
            Path target = resolvConf.toRealPath();
            return target.startsWith(STUB_DIRECTORY)
                    && Files.exists(STUB_DIRECTORY.resolve("io.systemd.Resolve"));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Gives {@code link} its own servers and routing domains; it is the default route for names
     * only when the domains hold {@code ~.} (a full tunnel).
     */
    public static void setLink(String link, List<String> servers, List<String> domains)
            throws IOException {
        for (List<String> command : setLinkCommands(link, servers, domains)) {
            run(command);
        }
    }

    /** The {@code resolvectl} commands of {@link #setLink}, in order. */
    static List<List<String>> setLinkCommands(
            String link, List<String> servers, List<String> domains) {
        List<String> dns = new ArrayList<>(List.of("resolvectl", "dns", link));
        dns.addAll(servers);
        List<String> domain = new ArrayList<>(List.of("resolvectl", "domain", link));
        domain.addAll(domains);
        List<String> defaultRoute =
                List.of(
                        "resolvectl",
                        "default-route",
                        link,
                        domains.contains("~.") ? "true" : "false");
        return List.of(dns, domain, defaultRoute);
    }

    /** Drops the per-link settings of {@code link}. */
    public static void revertLink(String link) throws IOException {
        run(List.of("resolvectl", "revert", link));
    }

    /**
     * The DNS servers resolved uses on every link but {@code exceptLink} (and its global ones),
     * read from {@code resolvectl dns}.
     */
    public static List<InetAddress> servers(String exceptLink) throws IOException {
        return parseServers(run(List.of("resolvectl", "dns")), exceptLink);
    }

    /**
     * Parses {@code resolvectl dns} output: {@code Global: 1.1.1.1} and {@code Link 2 (eth0):
     * 192.0.2.1 2001:db8::1} lines; addresses may carry {@code #name} or {@code %ifindex} suffixes.
     */
    static List<InetAddress> parseServers(String output, String exceptLink) {
        List<InetAddress> servers = new ArrayList<>();
        for (String line : output.split("\n")) {
            int colon = line.indexOf("):");
            int start = colon >= 0 ? colon + 2 : line.startsWith("Global:") ? 7 : -1;
            if (start < 0 || line.contains("(" + exceptLink + ")")) {
                continue;
            }
            for (String word : line.substring(start).trim().split("\\s+")) {
                String address = word.replaceAll("[#%].*$", "");
                if (address.isEmpty()) {
                    continue;
                }
                try {
                    if (address.matches("[0-9a-fA-F:.]+")) {
                        servers.add(InetAddress.getByName(address));
                    }
                } catch (UnknownHostException ignored) {
                    // Not an address: resolvectl's own wording, skipped.
                }
            }
        }
        return servers;
    }

    private static String run(List<String> command) throws IOException {
        return ExternalCommand.check(command, null, TIMEOUT_MS, String.join(" ", command));
    }
}
