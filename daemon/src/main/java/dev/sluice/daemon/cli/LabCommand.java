package dev.sluice.daemon.cli;

import dev.sluice.daemon.platform.linux.lab.LabDemo;
import dev.sluice.daemon.platform.linux.lab.LabPeer;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice lab}: Sluice and a peer in network namespaces, traffic, and where it went. */
@Command(
        name = "lab",
        mixinStandardHelpOptions = true,
        description = {
            "Build a lab of network namespaces and show the split at work.",
            "",
            "Needs root, on Linux. The lab is five network namespaces on this host: a"
                    + " client running Sluice, a router, a WireGuard server (wireguard-go or a second"
                    + " Sluice), a corporate network behind the server and a host on the internet"
                    + " side. Sluice gets an 850-prefix split list; the lab sends traffic to a"
                    + " corporate and an internet host over IPv4 and IPv6 and shows where each flow"
                    + " arrived from, as the far side saw it, and at what rate. With dnsmasq"
                    + " installed it also resolves a corporate and an internet name and shows which"
                    + " resolver saw each query, and from where (split DNS).",
            "",
            "Everything is torn down afterwards unless --keep. Exit 0 when every flow and"
                    + " name went where the policy says."
        })
final class LabCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--peer",
            paramLabel = "wireguard-go|sluice",
            description =
                    "The server peer (default: wireguard-go when installed, otherwise Sluice).")
    String peer;

    @Option(
            names = "--keep",
            description = "Leave the lab running; print how to use and remove it.")
    boolean keep;

    @Option(
            names = "--clean",
            description =
                    "Remove a lab left by --keep (stop its processes, delete its namespaces).")
    boolean clean;

    @Option(
            names = "--prefix",
            paramLabel = "NAME",
            defaultValue = "sluice-lab",
            description = "Namespace name prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(
            names = "--strategy",
            paramLabel = "capture|kernel",
            defaultValue = "capture",
            description = "Sluice's routing strategy (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(
            names = "--seconds",
            paramLabel = "N",
            defaultValue = "3",
            description = "Length of each TCP transfer (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--tunnel-list",
            paramLabel = "FILE",
            description =
                    "Prefix list for Tunnel = @FILE (default: the distribution's corp-850.cidrs).")
    Path tunnelList;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
            err.println("sluice lab: must run as root (it creates network namespaces and a tun)");
            return ExitCodes.FAILURE;
        }
        if (clean) {
            List<String> removed = LabTopology.remove(prefix);
            out.println(
                    removed.isEmpty()
                            ? "no lab with prefix " + prefix + " is running"
                            : "removed " + String.join(", ", removed));
            return ExitCodes.OK;
        }
        Path home = Path.of(System.getProperty("sluice.home", "."));
        Path binary = home.resolve("bin/sluice");
        Path list = tunnelList != null ? tunnelList : home.resolve("share/corp-850.cidrs");
        for (Path required : List.of(binary, list)) {
            if (!Files.isReadable(required)) {
                err.println("sluice lab: " + required + " is missing from the distribution");
                return ExitCodes.FAILURE;
            }
        }
        LabPeer.Kind kind = peerKind(err);
        if (kind == null) {
            return ExitCodes.USAGE;
        }
        for (String tool : List.of("ip", "iperf3", "ping", "nft")) {
            if (!onPath(tool)) {
                err.println(
                        "sluice lab: '"
                                + tool
                                + "' is not installed (apt-get install iproute2"
                                + " iperf3 iputils-ping nftables)");
                return ExitCodes.FAILURE;
            }
        }
        if (!strategy.equals("capture") && !strategy.equals("kernel")) {
            err.println("sluice lab: --strategy must be capture or kernel, not '" + strategy + "'");
            return ExitCodes.USAGE;
        }
        Path directory = Files.createTempDirectory("sluice-lab-");
        boolean splitDns = onPath("dnsmasq");
        if (!splitDns) {
            err.println(
                    "sluice lab: dnsmasq is not installed, so split DNS is not shown"
                            + " (apt-get install dnsmasq-base)");
        }
        LabDemo.Options options =
                new LabDemo.Options(
                        prefix, kind, binary, list, strategy, seconds, directory, splitDns);
        LabDemo.Running running =
                LabDemo.run(
                        options,
                        step -> {
                            err.println("==> " + step);
                            err.flush();
                        });
        try {
            report(out, running, kind);
        } finally {
            if (keep) {
                out.println();
                out.println("The lab keeps running. Enter the client namespace:");
                out.println("  ip netns exec " + running.topology().client() + " bash");
                out.println("Logs and configurations: " + directory);
                out.println("Remove it: sluice lab --clean --prefix " + prefix);
            } else {
                err.println(
                        "==> tearing down (Sluice restores what it changed; namespaces deleted)");
                running.close();
            }
            out.flush();
        }
        return running.allAsExpected() ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private LabPeer.Kind peerKind(PrintWriter err) {
        if (peer == null) {
            return onPath("wireguard-go") ? LabPeer.Kind.WIREGUARD_GO : LabPeer.Kind.SLUICE;
        }
        switch (peer.toLowerCase(Locale.ROOT)) {
            case "wireguard-go":
                if (!onPath("wireguard-go")) {
                    err.println(
                            "sluice lab: --peer wireguard-go, but wireguard-go is not installed");
                    return null;
                }
                return LabPeer.Kind.WIREGUARD_GO;
            case "sluice":
                return LabPeer.Kind.SLUICE;
            default:
                err.println(
                        "sluice lab: --peer must be wireguard-go or sluice, not '" + peer + "'");
                return null;
        }
    }

    private static void report(PrintWriter out, LabDemo.Running running, LabPeer.Kind kind) {
        out.println();
        out.println("Sluice:    " + running.sluiceSummary());
        out.println(
                "Peer:      "
                        + (kind == LabPeer.Kind.WIREGUARD_GO ? "wireguard-go" : "Sluice")
                        + ", handshake "
                        + (running.handshakeCompleted() ? "completed" : "NOT completed"));
        out.println();
        out.printf("%-30s %-8s %-28s %10s%n", "flow", "policy", "seen by the far side", "Mbit/s");
        for (LabDemo.Flow flow : running.flows()) {
            out.printf(
                    "%-30s %-8s %-28s %10.1f%s%n",
                    flow.name() + " " + flow.destination(),
                    flow.expected(),
                    flow.observed() + " (from " + flow.source() + ")",
                    flow.mbps(),
                    flow.asExpected() ? "" : "   <-- unexpected");
        }
        if (!running.names().isEmpty()) {
            out.println();
            out.printf("%-30s %-8s %-28s %s%n", "name", "policy", "asked of", "answer");
            for (LabDemo.NameLookup name : running.names()) {
                String resolver = name.expected().equals("tunnel") ? "corp" : "internet";
                out.printf(
                        "%-30s %-8s %-28s %s%s%n",
                        name.name(),
                        name.expected(),
                        (name.observed().equals("none") ? "nobody" : resolver)
                                + " (from "
                                + name.source()
                                + ")",
                        name.answer().isEmpty() ? "-" : String.join(" ", name.answer()),
                        name.asExpected()
                                ? ""
                                : name.leaked()
                                        ? "   <-- the other resolver saw it"
                                        : "   <-- unexpected");
            }
        }
        out.println();
        out.println(
                running.allAsExpected()
                        ? "Every flow and every name went where the split policy says."
                        : "Some flows or names did not go where the split policy says (see"
                                + " above).");
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String directory : path.split(":")) {
            if (Files.isExecutable(Path.of(directory, tool))) {
                return true;
            }
        }
        return false;
    }
}
