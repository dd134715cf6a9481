package dev.sluice.daemon.bugreport;

import java.io.IOException;
import java.util.List;

/**
 * What a report reads from the running system, as an operator would see it with the usual tools.
 * Implemented by {@code platform.linux.LinuxHostView}; every method may fail with an {@link
 * IOException} whose message says why (missing tool, permission), which the report records in place
 * of the output.
 */
public interface HostView {
    /** {@code ip -4 rule show} or {@code ip -6 rule show}. */
    String rules(boolean ipv6) throws IOException;

    /** {@code ip -4/-6 route show table <table>} ({@code main} or a number). */
    String routes(boolean ipv6, String table) throws IOException;

    /** {@code nft list table} of every nftables table whose name starts with {@code sluice}. */
    String sluiceTables() throws IOException;

    /**
     * The resolver setup: {@code /etc/resolv.conf} (and where it links to), and {@code resolvectl
     * status} when systemd-resolved manages it.
     */
    String resolverSetup() throws IOException;

    /** The last {@code lines} lines of the system journal for {@code units}. */
    String journal(List<String> units, int lines) throws IOException;

    /** The value of sysctl {@code name} (e.g. {@code net.ipv4.conf.all.rp_filter}), or null. */
    String sysctl(String name);

    /**
     * {@code ip route get <address> mark <mark>}: the route the daemon's own packets (marked {@code
     * mark}) take to {@code address}.
     *
     * @throws IOException with the kernel's reason when there is none ("Network is unreachable")
     */
    String routeGet(String address, int mark) throws IOException;

    /** What the kernel says about the wall clock ({@code adjtimex}), or null when unknown. */
    ClockState clock();

    /**
     * @param synced false when the kernel marks the clock unsynchronized (no NTP discipline)
     * @param maxErrorMicros the kernel's bound on the clock's error, in microseconds
     */
    record ClockState(boolean synced, long maxErrorMicros) {}
}
