package dev.sluice.it.killswitch;

import dev.sluice.daemon.platform.linux.lab.LabTopology;
import java.util.List;

/** How the kill-switch tests read the router's capture of the client's link. */
public final class Leaks {
    /**
     * A tcpdump filter for what the client sends on its link to anyone but the peer's endpoint (its
     * WireGuard traffic, and what the policy sends there directly: the endpoint is never
     * tunnelled), but for link housekeeping (IPv6 multicast, neighbour and router discovery).
     */
    public static final String FILTER =
            "(src host "
                    + LabTopology.CLIENT_UNDERLAY
                    + " or src host "
                    + LabTopology.CLIENT_UNDERLAY6
                    + ") and not dst host "
                    + LabTopology.SERVER_UNDERLAY
                    + " and not ip6 multicast and not (icmp6 and ip6[40] >= 133 and ip6[40] <= 137)";

    private Leaks() {}

    /**
     * The capture's lines (tcpdump {@code -tt}) stamped at or after {@code fromEpochSeconds} and
     * before {@code untilEpochSeconds}.
     */
    public static List<String> between(
            List<String> lines, double fromEpochSeconds, double untilEpochSeconds) {
        return lines.stream()
                .filter(
                        line -> {
                            double stamp = Double.parseDouble(line.split(" ")[0]);
                            return stamp >= fromEpochSeconds && stamp < untilEpochSeconds;
                        })
                .toList();
    }

    /** The time now in tcpdump's {@code -tt} unit (seconds since the epoch). */
    public static double nowEpochSeconds() {
        return System.currentTimeMillis() / 1000.0;
    }
}
