package dev.sluice.daemon.platform.linux.lab;

import dev.sluice.crypto.PrivateKey;
import dev.sluice.daemon.platform.linux.lab.LabProbes.Transfer;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The scenario of {@code sluice lab}: build the topology, start the peer and Sluice with a split
 * list in include mode, send traffic to a corp host (tunnel) and an internet host (bypass) over
 * IPv4 and IPv6, and report where each flow arrived from as seen by the far side. Progress is told
 * step by step; the caller tears down with {@link Running#close()} unless the lab is kept.
 */
public final class LabDemo {
    private LabDemo() {}

    /**
     * What to run.
     *
     * @param prefix namespace name prefix ({@code <prefix>-client}, …)
     * @param peer the server implementation
     * @param binary the {@code bin/sluice} to start in the namespaces
     * @param tunnelList the prefix list for {@code Tunnel = @…}
     * @param strategy {@code capture} or {@code kernel}
     * @param seconds length of each TCP transfer
     * @param directory configurations, keys, logs
     * @param splitDns whether to run the two resolvers and show split DNS (needs dnsmasq)
     */
    public record Options(
            String prefix,
            LabPeer.Kind peer,
            Path binary,
            Path tunnelList,
            String strategy,
            int seconds,
            Path directory,
            boolean splitDns) {}

    /**
     * One name looked up in the client namespace, and which resolver saw the query from where.
     *
     * @param expected {@code tunnel} (the corp resolver, asked from the tunnel address) or {@code
     *     bypass} (the internet resolver, asked from the client's underlay address)
     * @param observed what the resolvers' logs say, or {@code none}
     * @param source the address the resolver saw the query from, or {@code -}
     * @param answer the addresses the name resolved to
     * @param leaked whether the other resolver saw the name too
     */
    public record NameLookup(
            String name,
            String expected,
            String observed,
            String source,
            List<String> answer,
            boolean leaked) {
        public boolean asExpected() {
            return expected.equals(observed) && !answer.isEmpty() && !leaked;
        }
    }

    /**
     * One flow and what the far side saw.
     *
     * @param expected {@code tunnel} or {@code bypass}
     * @param observed {@code tunnel} when the far side saw the tunnel address, {@code bypass} when
     *     it saw the client's underlay address, else {@code none}
     */
    public record Flow(
            String name,
            String destination,
            String expected,
            String observed,
            String source,
            double mbps) {
        public boolean asExpected() {
            return expected.equals(observed);
        }
    }

    /** A running lab and its results; {@link #close()} tears it down. */
    public static final class Running implements AutoCloseable {
        private final LabTopology lab;
        private LabPeer peer;
        private LabSluice sluice;
        private final List<Flow> flows = new ArrayList<>();
        private final List<NameLookup> names = new ArrayList<>();
        private boolean handshake;
        private String sluiceSummary = "";

        private Running(LabTopology lab) {
            this.lab = lab;
        }

        public LabTopology topology() {
            return lab;
        }

        public List<Flow> flows() {
            return List.copyOf(flows);
        }

        /** Split-DNS lookups (empty when the lab ran without resolvers). */
        public List<NameLookup> names() {
            return List.copyOf(names);
        }

        public boolean handshakeCompleted() {
            return handshake;
        }

        /** Sluice's "connected: …" line (device, peers, prefixes, strategy, routes, port). */
        public String sluiceSummary() {
            return sluiceSummary;
        }

        public boolean allAsExpected() {
            if (names.stream().anyMatch(lookup -> !lookup.asExpected())) {
                return false;
            }
            return handshake && !flows.isEmpty() && flows.stream().allMatch(Flow::asExpected);
        }

        /**
         * Stops Sluice (it undoes its changes), the peer, every process; deletes the namespaces.
         */
        @Override
        public void close() {
            if (sluice != null) {
                try {
                    sluice.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    // It will be killed with the namespaces.
                }
            }
            if (peer != null) {
                try {
                    peer.close();
                } catch (IOException e) {
                    // best effort
                }
            }
            lab.close();
        }
    }

    /** Runs the scenario; on failure everything is torn down before the exception propagates. */
    public static Running run(Options options, Consumer<String> progress) throws Exception {
        List<String> taken = LabTopology.existing(options.prefix());
        if (!taken.isEmpty()) {
            throw new IllegalStateException(
                    "network namespace "
                            + String.join(", ", taken)
                            + " already exists: another lab is running (remove it with 'sluice lab"
                            + " --clean --prefix "
                            + options.prefix()
                            + "') or choose another --prefix");
        }
        progress.accept(
                "building namespaces "
                        + options.prefix()
                        + "-{client,router,server,corp,internet}");
        Running running = new Running(LabTopology.create(options.prefix()));
        try {
            scenario(running, options, progress);
            return running;
        } catch (Exception | Error e) {
            running.close();
            throw e;
        }
    }

    private static void scenario(Running running, Options options, Consumer<String> progress)
            throws Exception {
        LabTopology lab = running.lab;
        SecureRandom random = new SecureRandom();
        PrivateKey clientKey = PrivateKey.generate(random);
        progress.accept(
                "starting the peer ("
                        + (options.peer() == LabPeer.Kind.WIREGUARD_GO ? "wireguard-go" : "Sluice")
                        + ") in "
                        + lab.server()
                        + " at "
                        + LabTopology.SERVER_UNDERLAY
                        + ":"
                        + LabTopology.PEER_PORT);
        running.peer =
                LabPeer.start(
                        options.peer(),
                        lab,
                        options.binary(),
                        PrivateKey.generate(random),
                        clientKey.publicKey().toBase64(),
                        options.directory());
        LabResolvers resolvers = null;
        if (options.splitDns()) {
            progress.accept(
                    "starting resolvers: corp.example at "
                            + LabTopology.CORP_HOST
                            + " (behind the peer), everything else at "
                            + LabTopology.INTERNET_HOST
                            + " (the client's resolver before Sluice)");
            resolvers = LabResolvers.start(lab, options.directory());
        }
        Path config =
                LabPeer.secretFile(
                        options.directory().resolve("client.conf"),
                        String.join(
                                "\n",
                                "[Interface]",
                                "PrivateKey = " + clientKey.toBase64(),
                                "Address = "
                                        + LabTopology.CLIENT_TUNNEL
                                        + "/32, "
                                        + LabTopology.CLIENT_TUNNEL6
                                        + "/128",
                                options.splitDns()
                                        ? "DNS = " + LabTopology.CORP_HOST + ", corp.example"
                                        : "",
                                "",
                                "[Peer]",
                                "PublicKey = " + running.peer.publicKey(),
                                "Endpoint = "
                                        + LabTopology.SERVER_UNDERLAY
                                        + ":"
                                        + LabTopology.PEER_PORT,
                                "AllowedIPs = 10.0.0.0/8, fd00::/8",
                                "",
                                "[Split]",
                                "Mode = include",
                                "Strategy = " + options.strategy(),
                                "Tunnel = @" + options.tunnelList().toAbsolutePath(),
                                options.splitDns() ? "TunnelDomains = corp.example" : "",
                                ""));
        progress.accept(
                "starting Sluice in "
                        + lab.client()
                        + " (include mode, "
                        + options.strategy()
                        + " strategy, Tunnel = @"
                        + options.tunnelList().getFileName()
                        + ")");
        running.sluice =
                LabSluice.up(
                        lab,
                        lab.client(),
                        options.binary(),
                        config,
                        options.directory().resolve("sluice.log"));
        running.sluiceSummary =
                running.sluice
                        .log()
                        .lines()
                        .filter(line -> line.contains(" connected: "))
                        .map(line -> line.substring(line.indexOf(" connected: ") + 12))
                        .findFirst()
                        .orElse("");
        LabProbes probes = new LabProbes(lab, options.directory());
        progress.accept(
                "pinging the corp host "
                        + LabTopology.CORP_HOST
                        + " (first packet starts the handshake)");
        probes.ping(lab.client(), LabTopology.CORP_HOST);
        running.handshake = running.peer.handshakeCompleted();
        String[][] flows = {
            {"corp", lab.corp(), LabTopology.CORP_HOST, "tunnel"},
            {"corp", lab.corp(), LabTopology.CORP_HOST6, "tunnel"},
            {"internet", lab.internet(), LabTopology.INTERNET_HOST, "bypass"},
            {"internet", lab.internet(), LabTopology.INTERNET_HOST6, "bypass"}
        };
        for (String[] flow : flows) {
            measure(running, probes, options, progress, flow[0], flow[1], flow[2], flow[3]);
        }
        if (resolvers != null) {
            lookUp(running, resolvers, progress, LabResolvers.CORP_NAME, "tunnel");
            lookUp(running, resolvers, progress, LabResolvers.INTERNET_NAME, "bypass");
        }
    }

    private static void lookUp(
            Running running,
            LabResolvers resolvers,
            Consumer<String> progress,
            String name,
            String expected)
            throws IOException {
        progress.accept("resolving " + name + " in " + running.lab.client());
        List<String> answer = resolvers.resolve(name);
        List<String> corp = resolvers.askedFrom("corp", name);
        List<String> internet = resolvers.askedFrom("internet", name);
        String observed;
        String source;
        boolean leaked;
        if (expected.equals("tunnel")) {
            observed = corp.contains(LabTopology.CLIENT_TUNNEL) ? "tunnel" : "none";
            source = corp.isEmpty() ? "-" : corp.getFirst();
            leaked = !internet.isEmpty();
        } else {
            observed = internet.contains(LabTopology.CLIENT_UNDERLAY) ? "bypass" : "none";
            source = internet.isEmpty() ? "-" : internet.getFirst();
            leaked = !corp.isEmpty();
        }
        running.names.add(new NameLookup(name, expected, observed, source, answer, leaked));
    }

    private static void measure(
            Running running,
            LabProbes probes,
            Options options,
            Consumer<String> progress,
            String name,
            String ns,
            String host,
            String expected)
            throws Exception {
        progress.accept(
                "TCP for "
                        + options.seconds()
                        + " s to the "
                        + name
                        + " host "
                        + host
                        + " (iperf3)");
        Transfer transfer = probes.tcpTransfer(running.lab.client(), ns, host, options.seconds());
        String source = transfer.farSideSource() == null ? "-" : transfer.farSideSource();
        String observed =
                source.equals(LabTopology.CLIENT_TUNNEL)
                                || source.equals(LabTopology.CLIENT_TUNNEL6)
                        ? "tunnel"
                        : source.equals(LabTopology.CLIENT_UNDERLAY)
                                        || source.equals(LabTopology.CLIENT_UNDERLAY6)
                                ? "bypass"
                                : "none";
        running.flows.add(
                new Flow(name, host, expected, observed, source, transfer.bitsPerSecond() / 1e6));
    }
}
