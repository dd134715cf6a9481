package dev.sluice.daemon.bugreport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.PeerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.daemon.connection.CaptureRoutes;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.PrefixFormatException;
import dev.sluice.routing.policy.Classification;
import dev.sluice.routing.policy.CompiledPolicy;
import dev.sluice.routing.policy.LocalNetworks;
import dev.sluice.routing.policy.PolicyCompiler;
import dev.sluice.routing.policy.Verdict;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The known problems a report looks for ({@code checks.txt}), each found one as a sentence that
 * names what is wrong, where, and why it hurts Sluice:
 *
 * <ul>
 *   <li>strict reverse-path filtering on the uplink;
 *   <li>another program's policy rules deciding before Sluice's capture rule;
 *   <li>routes in {@code main} that win over the capture for addresses the configuration tunnels;
 *   <li>a peer endpoint the daemon's own packets have no route to, no recent handshake, the
 *       daemon's error state;
 *   <li>a wall clock that is unsynchronized or behind files written earlier.
 * </ul>
 */
final class KnownProblems {
    /**
     * A handshake older than this (WireGuard's REJECT_AFTER_TIME) means the peer is not answering.
     */
    static final long STALE_HANDSHAKE_SECONDS = 180;

    /** An unsynchronized clock whose error bound is above this is reported as far off. */
    static final long CLOCK_ERROR_REPORTED_MICROS = 1_000_000;

    /** A file modified this far in the future means the clock was set back. */
    static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(10);

    private KnownProblems() {}

    /**
     * @param config the configuration, or null when it could not be read or is invalid
     * @param status the daemon's {@code status --json}, or null when it did not answer
     * @param clockWitnesses files whose modification time the clock must not be behind
     */
    static List<String> find(
            SluiceConfig config,
            JsonNode status,
            HostView host,
            Instant now,
            List<Path> clockWitnesses) {
        List<String> found = new ArrayList<>();
        if (config != null && config.iface().capturesRoutes()) {
            reversePathFilter(host, found);
            rulesBeforeCapture(host, found);
            if (config.split().localNetworks() == LocalNetworks.BYPASS) {
                overridingRoutes(config, host, found);
            }
        }
        if (status != null) {
            for (JsonNode route : status.path("overridingRoutes")) {
                found.add(
                        "the daemon reports a route another program added that wins over Sluice: "
                                + route.asText());
            }
        }
        if (config != null) {
            endpoints(config, host, found);
        }
        handshakes(status, found);
        clock(host, now, clockWitnesses, found);
        return found;
    }

    private static void reversePathFilter(HostView host, List<String> found) {
        String uplink;
        try {
            uplink = uplink(host.routes(false, "main"));
        } catch (IOException e) {
            return;
        }
        if (uplink == null) {
            return;
        }
        int all = parseInt(host.sysctl("net.ipv4.conf.all.rp_filter"));
        int device = parseInt(host.sysctl("net.ipv4.conf." + uplink + ".rp_filter"));
        if (Math.max(all, device) == 1) {
            found.add(
                    "reverse-path filtering is strict on the uplink "
                            + uplink
                            + " (net.ipv4.conf.all.rp_filter="
                            + all
                            + ", net.ipv4.conf."
                            + uplink
                            + ".rp_filter="
                            + device
                            + "): replies to bypassed traffic arrive on "
                            + uplink
                            + " while the route back to their sender leads into Sluice's table,"
                            + " so the kernel drops them; set it to 2 (loose)");
        }
    }

    /** The device of the first IPv4 default route in {@code main}, or null. */
    static String uplink(String mainRoutes) {
        for (String line : mainRoutes.split("\n")) {
            String[] words = line.strip().split("\\s+");
            if (words.length > 0 && words[0].equals("default")) {
                for (int i = 0; i + 1 < words.length; i++) {
                    if (words[i].equals("dev")) {
                        return words[i + 1];
                    }
                }
            }
        }
        return null;
    }

    private static void rulesBeforeCapture(HostView host, List<String> found) {
        for (boolean ipv6 : new boolean[] {false, true}) {
            String rules;
            try {
                rules = host.rules(ipv6);
            } catch (IOException e) {
                continue;
            }
            for (String rule : foreignRulesBeforeCapture(rules)) {
                found.add(
                        "another program's policy rule decides before Sluice's capture rule (pref "
                                + CaptureRoutes.PRIORITY_CAPTURE
                                + "): '"
                                + rule
                                + "'; traffic it matches never reaches Sluice (another VPN?)");
            }
        }
    }

    /**
     * Rules with a preference below the capture rule's that are neither the kernel's nor Sluice's.
     */
    static List<String> foreignRulesBeforeCapture(String rules) {
        List<String> foreign = new ArrayList<>();
        for (String line : rules.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            long pref;
            try {
                pref = Long.parseLong(line.substring(0, colon).strip());
            } catch (NumberFormatException e) {
                continue;
            }
            String rule = line.substring(colon + 1).strip().replaceAll("\\s+", " ");
            if (pref == 0 || pref >= CaptureRoutes.PRIORITY_CAPTURE) {
                continue;
            }
            if (pref == CaptureRoutes.PRIORITY_TUN_INPUT
                    || pref == CaptureRoutes.PRIORITY_OWN_TRAFFIC
                    || pref == CaptureRoutes.PRIORITY_LOCAL_ROUTES) {
                continue; // Sluice's own
            }
            foreign.add(pref + ": " + rule);
        }
        return foreign;
    }

    private static void overridingRoutes(SluiceConfig config, HostView host, List<String> found) {
        CompiledPolicy policy = PolicyCompiler.compile(config.splitPolicy());
        String tun = config.iface().name();
        for (boolean ipv6 : new boolean[] {false, true}) {
            String routes;
            try {
                routes = host.routes(ipv6, "main");
            } catch (IOException e) {
                continue;
            }
            for (String line : routes.split("\n")) {
                String route = line.strip().replaceAll("\\s+", " ");
                if (route.isEmpty()
                        || route.startsWith("default")
                        || route.contains(" dev " + tun)
                        || route.contains(" proto kernel")) {
                    continue; // the default route, Sluice's own, attached networks (bypass)
                }
                IpPrefix prefix;
                try {
                    prefix = IpPrefix.parse(route.split(" ")[0]);
                } catch (PrefixFormatException e) {
                    continue; // a route type first (unreachable, local, ...)
                }
                IpPrefix first =
                        prefix.isIpv4()
                                ? IpPrefix.hostV4(prefix.ipv4Address())
                                : IpPrefix.hostV6(prefix.high(), prefix.low());
                Classification c = policy.classify(first);
                if (c.verdict() == Verdict.TUNNEL) {
                    found.add(
                            "the route '"
                                    + route
                                    + "' in table main wins over the capture (rule pref "
                                    + CaptureRoutes.PRIORITY_LOCAL_ROUTES
                                    + ", lookup main suppress_prefixlength 0): "
                                    + prefix
                                    + " is to go through the tunnel"
                                    + (c.matched() == null ? "" : " (" + c.matched() + ")")
                                    + " but leaves where this route says");
                }
            }
        }
    }

    private static void endpoints(SluiceConfig config, HostView host, List<String> found) {
        for (PeerConfig peer : config.peers()) {
            if (peer.endpoint() == null) {
                continue;
            }
            String address;
            try {
                address = InetAddress.getByName(peer.endpoint().host()).getHostAddress();
            } catch (IOException e) {
                found.add(endpointOf(peer) + " does not resolve: " + e.getMessage());
                continue;
            }
            try {
                host.routeGet(address, config.iface().fwMark());
            } catch (IOException e) {
                found.add(
                        endpointOf(peer)
                                + " is unreachable: no route for the daemon's packets to "
                                + address
                                + " ("
                                + e.getMessage()
                                + ")");
            }
        }
    }

    private static String endpointOf(PeerConfig peer) {
        return "the endpoint " + peer.endpoint() + " of peer " + peer.publicKey().toBase64();
    }

    private static void handshakes(JsonNode status, List<String> found) {
        if (status == null) {
            return;
        }
        String state = status.path("state").asText();
        if (state.equals("error")) {
            found.add("the daemon is in the error state: " + status.path("error").asText());
        }
        if (!state.equals("connected")) {
            return;
        }
        for (JsonNode peer : status.path("peers")) {
            JsonNode age = peer.path("latestHandshakeAgeSeconds");
            String endpoint =
                    peer.hasNonNull("endpoint") ? peer.path("endpoint").asText() : "(none)";
            if (age.isNull() || age.isMissingNode()) {
                found.add(
                        "no handshake yet with peer "
                                + peer.path("publicKey").asText()
                                + " at "
                                + endpoint
                                + ": the endpoint does not answer (unreachable, filtered, or"
                                + " the keys do not match)");
            } else if (age.asLong() > STALE_HANDSHAKE_SECONDS) {
                found.add(
                        "the last handshake with peer "
                                + peer.path("publicKey").asText()
                                + " at "
                                + endpoint
                                + " was "
                                + age.asLong()
                                + " s ago: the endpoint stopped answering");
            }
        }
    }

    private static void clock(
            HostView host, Instant now, List<Path> witnesses, List<String> found) {
        HostView.ClockState clock = host.clock();
        if (clock != null
                && !clock.synced()
                && clock.maxErrorMicros() > CLOCK_ERROR_REPORTED_MICROS) {
            found.add(
                    "the clock is not synchronized (the kernel bounds its error at "
                            + clock.maxErrorMicros() / 1_000_000
                            + " s): each WireGuard handshake carries a timestamp the peer requires"
                            + " to increase, so a clock set back drops new handshakes until it"
                            + " catches up");
        }
        for (Path witness : witnesses) {
            try {
                Instant modified = Files.getLastModifiedTime(witness).toInstant();
                if (modified.isAfter(now.plus(FUTURE_TOLERANCE))) {
                    found.add(
                            "the clock is behind: "
                                    + witness
                                    + " was modified at "
                                    + modified
                                    + ", "
                                    + Duration.between(now, modified).toMinutes()
                                    + " minutes after the current time "
                                    + now
                                    + "; the peer drops handshakes older than its last one");
                }
            } catch (IOException absent) {
                // not on this system
            }
        }
    }

    private static int parseInt(String text) {
        try {
            return text == null ? 0 : Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
