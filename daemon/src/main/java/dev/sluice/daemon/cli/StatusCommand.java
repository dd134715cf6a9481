package dev.sluice.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.daemon.control.ControlProtocol;
import dev.sluice.daemon.control.ControlRequest;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice status [--json]}. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show the daemon's state, peers, traffic and managed keys.",
            "",
            "The report holds the state, the interface, the split mode and routing"
                    + " strategy, each peer (endpoint, latest handshake, bytes), the verdict counters,"
                    + " the routes and the drops by reason. Keys set by a managed source (a file in"
                    + " /etc/sluice/managed.d, or the managed preferences of domain dev.sluice on"
                    + " macOS) are listed with that source: neither the configuration file, nor"
                    + " reload, nor 'wg set' can change them. --json prints the same as one JSON"
                    + " object, for scripts."
        })
final class StatusCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Mixin SocketOptions socket = new SocketOptions();

    @Override
    public Integer call() throws Exception {
        DaemonRequests.Outcome outcome =
                DaemonRequests.send(spec, socket, ControlRequest.of("status"));
        if (!outcome.ok()) {
            return outcome.exitCode();
        }
        JsonNode status = outcome.reply().result();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ControlProtocol.JSON.writeValueAsString(status));
        } else {
            print(out, status);
        }
        out.flush();
        return ExitCodes.OK;
    }

    static void print(PrintWriter out, JsonNode status) {
        out.println("state:      " + status.path("state").asText());
        if (!status.path("error").isNull() && status.hasNonNull("error")) {
            out.println("error:      " + status.path("error").asText());
        }
        out.println("config:     " + status.path("configFile").asText());
        JsonNode killswitch = status.path("killswitch");
        if (killswitch.isObject()) {
            long refused = killswitch.path("refusedPackets").asLong();
            out.println(
                    "killswitch: "
                            + killswitch.path("state").asText()
                            + " ("
                            + killswitch.path("reason").asText()
                            + ")"
                            + (refused > 0 ? ", " + refused + " packets refused" : ""));
        }
        for (JsonNode managed : status.path("managedKeys")) {
            out.println(
                    "managed:    "
                            + managed.path("key").asText()
                            + " from "
                            + managed.path("source").asText());
        }
        if (!status.hasNonNull("interfaceName")) {
            return;
        }
        out.println(
                "interface:  "
                        + status.path("interfaceName").asText()
                        + " (mode "
                        + status.path("mode").asText()
                        + ", strategy "
                        + status.path("strategy").asText()
                        + ")");
        out.println(
                "routes:     "
                        + status.path("trieRoutes").asInt()
                        + " prefixes in the trie, "
                        + status.path("kernelRoutes").asInt()
                        + " route(s) in Sluice's table");
        List<String> offloads = new ArrayList<>();
        status.path("offloads").forEach(offload -> offloads.add(offload.asText()));
        out.println(
                "offloads:   "
                        + (offloads.isEmpty()
                                ? "none (one packet per read, write, send and receive)"
                                : String.join(", ", offloads)));
        out.println();
        out.printf(
                "%-46s %-28s %-12s %12s %12s%n",
                "peer", "endpoint", "handshake", "received", "sent");
        for (JsonNode peer : status.path("peers")) {
            JsonNode age = peer.path("latestHandshakeAgeSeconds");
            out.printf(
                    "%-46s %-28s %-12s %12s %12s%n",
                    peer.path("publicKey").asText(),
                    peer.hasNonNull("endpoint") ? peer.path("endpoint").asText() : "(none)",
                    age.isNull() || age.isMissingNode() ? "never" : age.asLong() + " s ago",
                    bytes(peer.path("receivedBytes").asLong()),
                    bytes(peer.path("transmittedBytes").asLong()));
        }
        JsonNode counters = status.path("counters");
        out.println();
        out.println(
                "out:        tunnel "
                        + counters.path("out_tunnel_packets").asLong()
                        + " packets ("
                        + bytes(counters.path("out_tunnel_bytes").asLong())
                        + "), bypass "
                        + counters.path("out_bypass_packets").asLong()
                        + " ("
                        + bytes(counters.path("out_bypass_bytes").asLong())
                        + "), drop "
                        + counters.path("out_drop_packets").asLong());
        out.println(
                "in:         "
                        + counters.path("in_packets").asLong()
                        + " packets ("
                        + bytes(counters.path("in_bytes").asLong())
                        + "), "
                        + counters.path("icmp_errors_sent").asLong()
                        + " ICMP errors sent"
                        + (counters.path("icmp_errors_suppressed").asLong() == 0
                                ? ""
                                : " ("
                                        + counters.path("icmp_errors_suppressed").asLong()
                                        + " more held back by the rate limit)"));
        List<String> pathErrors = new ArrayList<>();
        for (String path : List.of("outbound", "inbound", "control")) {
            long errors = counters.path(path + "_errors").asLong();
            if (errors != 0) {
                pathErrors.add(path + " " + errors);
            }
        }
        if (!pathErrors.isEmpty()) {
            out.println("errors:     " + String.join(", ", pathErrors) + " (see the log)");
        }
        List<String> drops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = status.path("drops").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> drop = it.next();
            if (drop.getValue().asLong() != 0) {
                drops.add(drop.getKey() + " " + drop.getValue().asLong());
            }
        }
        out.println("drops:      " + (drops.isEmpty() ? "none" : String.join(", ", drops)));
        for (JsonNode route : status.path("overridingRoutes")) {
            out.println(
                    "overridden: "
                            + route.asText()
                            + " (added by another program; wins over Sluice)");
        }
        printDns(out, status.path("dns"));
    }

    private static void printDns(PrintWriter out, JsonNode dns) {
        if (!dns.isObject()) {
            return;
        }
        out.println();
        out.println(
                "dns:        "
                        + dns.path("host").asText()
                        + " -> "
                        + join(dns.path("listening"))
                        + "; tunnel resolvers "
                        + join(dns.path("tunnelResolvers"))
                        + "; original resolvers "
                        + join(dns.path("originalResolvers")));
        JsonNode counters = dns.path("counters");
        out.println(
                "queries:    "
                        + counters.path("queries_tunnel").asLong()
                        + " through the tunnel, "
                        + counters.path("queries_original").asLong()
                        + " to the original resolvers, "
                        + counters.path("servfail_sent").asLong()
                        + " SERVFAIL, "
                        + counters.path("malformed_queries").asLong()
                        + " malformed");
        for (JsonNode learned : dns.path("learned")) {
            out.println(
                    "learned:    "
                            + learned.path("address").asText()
                            + " "
                            + learned.path("verdict").asText()
                            + (learned.hasNonNull("refused") ? " refused" : "")
                            + " ("
                            + learned.path("name").asText()
                            + " under "
                            + learned.path("domain").asText()
                            + (learned.hasNonNull("refused")
                                    ? ": " + learned.path("refused").asText() + ";"
                                    : ",")
                            + " expires in "
                            + learned.path("expiresInSeconds").asLong()
                            + " s)");
        }
    }

    private static String join(JsonNode array) {
        List<String> items = new ArrayList<>();
        array.forEach(item -> items.add(item.asText()));
        return items.isEmpty() ? "(none)" : String.join(", ", items);
    }

    private static String bytes(long count) {
        if (count < 1024) {
            return count + " B";
        }
        if (count < 1024 * 1024) {
            return String.format("%.1f KiB", count / 1024.0);
        }
        if (count < 1024L * 1024 * 1024) {
            return String.format("%.1f MiB", count / (1024.0 * 1024));
        }
        return String.format("%.2f GiB", count / (1024.0 * 1024 * 1024));
    }
}
