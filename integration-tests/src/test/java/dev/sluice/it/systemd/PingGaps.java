package dev.sluice.it.systemd;

import dev.sluice.it.netns.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A 10 Hz ping from a namespace, timestamped ({@code ping -D}), and the longest time between two
 * replies while it ran: how long the traffic it stands for was cut.
 */
final class PingGaps {
    private final Process ping;
    private final Path log;
    private final long startMs;

    private PingGaps(Process ping, Path log, long startMs) {
        this.ping = ping;
        this.log = log;
        this.startMs = startMs;
    }

    /**
     * Starts pinging {@code address} from {@code namespace} every 100 ms, output to {@code log}.
     */
    static PingGaps start(String namespace, String address, Path log) {
        long startMs = System.currentTimeMillis();
        Process ping =
                Shell.start(
                        List.of(
                                "ip", "netns", "exec", namespace, "ping", "-D", "-n", "-i", "0.1",
                                "-W", "1", "-c", "6000", address),
                        Map.of(),
                        log);
        return new PingGaps(ping, log, startMs);
    }

    /** The result of a run. */
    record Result(double longestGapSeconds, int replies, double runSeconds) {}

    /**
     * Stops the ping and measures: the longest interval without a reply, counting from the start to
     * the first reply and from the last reply to now as well.
     */
    Result stop() throws IOException {
        long stopMs = System.currentTimeMillis();
        Shell.stop(ping);
        double previous = startMs / 1000.0;
        double longest = 0;
        int replies = 0;
        for (String line : Files.readAllLines(log)) {
            // [1733350000.123456] 64 bytes from 10.60.32.10: icmp_seq=1 ttl=63 time=0.51 ms
            if (!line.startsWith("[") || !line.contains(" bytes from ")) {
                continue;
            }
            double at = Double.parseDouble(line.substring(1, line.indexOf(']')));
            longest = Math.max(longest, at - previous);
            previous = at;
            replies++;
        }
        longest = Math.max(longest, stopMs / 1000.0 - previous);
        return new Result(longest, replies, (stopMs - startMs) / 1000.0);
    }
}
