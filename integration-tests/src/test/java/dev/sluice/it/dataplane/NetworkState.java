package dev.sluice.it.dataplane;

import dev.sluice.daemon.platform.linux.lab.LabTopology;
import java.io.IOException;

/**
 * The text of everything {@code sluice up} may change in a namespace: policy rules and routes of
 * every table (IPv4 and IPv6), the nftables ruleset and the sysctls it sets. Two captures compare
 * as plain text, as an operator would diff them.
 */
public final class NetworkState {
    private static final String[] SYSCTLS = {
        "net.ipv4.ip_forward",
        "net.ipv6.conf.all.forwarding",
        "net.ipv4.conf.all.accept_local",
        "net.ipv4.conf.all.src_valid_mark",
        "net.ipv4.conf.all.rp_filter",
        "net.ipv4.conf.default.rp_filter",
        "net.ipv4.conf.eth0.rp_filter",
        "net.ipv4.conf.eth0.forwarding",
        "net.ipv6.conf.eth0.forwarding",
        "net.ipv6.conf.eth0.accept_ra",
    };

    private NetworkState() {}

    /** The state of namespace {@code ns} as text, one section per command. */
    public static String capture(LabTopology lab, String ns) throws IOException {
        StringBuilder text = new StringBuilder();
        section(text, lab.exec(ns, "ip", "-4", "rule", "show"), "ip -4 rule");
        section(text, lab.exec(ns, "ip", "-6", "rule", "show"), "ip -6 rule");
        section(text, lab.exec(ns, "ip", "-4", "route", "show", "table", "all"), "ip -4 route");
        section(text, lab.exec(ns, "ip", "-6", "route", "show", "table", "all"), "ip -6 route");
        section(text, lab.exec(ns, "ip", "link", "show"), "ip link");
        section(text, lab.exec(ns, "nft", "list", "ruleset"), "nft list ruleset");
        section(text, lab.exec(ns, sysctlCommand()), "sysctl");
        return text.toString();
    }

    private static String[] sysctlCommand() {
        String[] command = new String[SYSCTLS.length + 1];
        command[0] = "sysctl";
        System.arraycopy(SYSCTLS, 0, command, 1, SYSCTLS.length);
        return command;
    }

    private static void section(StringBuilder text, String output, String title) {
        text.append("## ").append(title).append('\n').append(output);
    }
}
