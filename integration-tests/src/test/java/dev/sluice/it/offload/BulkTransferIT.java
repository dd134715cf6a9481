package dev.sluice.it.offload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.crypto.PrivateKey;
import dev.sluice.daemon.platform.linux.lab.LabPeer;
import dev.sluice.daemon.platform.linux.lab.LabSluice;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import dev.sluice.it.dataplane.UnderlayCapture;
import dev.sluice.testkit.Privileged;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bulk TCP through the lab, with Sluice on both ends of the tunnel and the {@code capture} strategy
 * on the client: uploads and downloads, IPv4 and IPv6, to a corp host (tunnel) and to an internet
 * host (bypass, reinjected). With offloads on, the client reads and writes super-packets and sends
 * and receives UDP in GSO/GRO batches; with {@code SLUICE_OFFLOADS=off} it moves one packet at a
 * time. Either way every byte arrives (SHA-256 on both sides) and the router sees what a wire would
 * carry: frames of at most the link MTU, no IP fragments, and the bulk of the data in full-sized
 * frames. The client's underlay link and the router's side of it segment in software ({@code
 * gso_max_segs 1}), as a NIC does in hardware, so the capture shows real frame sizes.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class BulkTransferIT {
    private static final AtomicInteger LABS = new AtomicInteger();
    private static final int TRANSFER_BYTES = 24 << 20;
    private static final int PORT = 5301;
    private static final int LINK_MTU = 1500;
    private static final int FULL_SIZED_FRAME = 1400;

    @TempDir Path directory;

    private final SecureRandom random = new SecureRandom();

    @BeforeEach
    void requirements() {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("tcpdump", "the router's view of the client link");
        Privileged.requireTool("python3", "bulk transfers with a hash on each side");
        Privileged.requireTool("nft", "Sluice's firewall table");
    }

    private record Moved(long bytes, String sha256) {
        static Moved parse(String line) {
            String[] fields = line.strip().split(" ");
            return new Moved(Long.parseLong(fields[0]), fields[1]);
        }
    }

    @ParameterizedTest(name = "offloads {0}")
    @ValueSource(strings = {"on", "off"})
    void bulkTcpShouldArriveIntactInMtuSizedFramesThroughTunnelAndBypass(String offloads)
            throws Exception {
        Map<String, String> environment =
                offloads.equals("off") ? Map.of("SLUICE_OFFLOADS", "off") : Map.of();
        String prefix =
                "slb" + ProcessHandle.current().pid() % 10_000 + "n" + LABS.incrementAndGet();
        try (LabTopology lab = LabTopology.create(prefix)) {
            // A packet that came in through the tun with a GSO header counts no segments yet
            // (gso_segs 0): only the size limit makes the kernel cut it before the veth.
            for (String[] link :
                    List.of(
                            new String[] {lab.client(), "eth0"},
                            new String[] {lab.router(), "to-client"})) {
                lab.exec(
                        link[0],
                        "ip",
                        "link",
                        "set",
                        "dev",
                        link[1],
                        "gso_max_segs",
                        "1",
                        "gso_max_size",
                        "" + LINK_MTU);
            }
            Path bulk = copyScript();
            PrivateKey clientKey = PrivateKey.generate(random);
            try (LabPeer server =
                    LabPeer.start(
                            LabPeer.Kind.SLUICE,
                            lab,
                            Launcher.binary(),
                            PrivateKey.generate(random),
                            clientKey.publicKey().toBase64(),
                            directory,
                            environment)) {
                Path log = directory.resolve("client.log");
                LabSluice client =
                        LabSluice.start(
                                lab,
                                lab.client(),
                                Launcher.binary(),
                                clientConfig(clientKey, server),
                                log,
                                LabSluice.stateDirectory(directory, lab.client()),
                                environment);
                try {
                    client.awaitConnected();
                    JsonNode before = status(lab, lab.client(), log);
                    List<String> features = new ArrayList<>();
                    before.path("offloads").forEach(feature -> features.add(feature.asText()));
                    if (offloads.equals("on")) {
                        assertThat(features)
                                .as("offloads on a 6.18 kernel")
                                .contains("tun-tso", "udp-gso", "udp-gro");
                    } else {
                        assertThat(features).as("offloads with SLUICE_OFFLOADS=off").isEmpty();
                    }

                    UnderlayCapture wire =
                            UnderlayCapture.start(
                                    lab, lab.router(), "to-client", directory, "wire", 96);
                    int seed = 1;
                    for (String host :
                            List.of(
                                    LabTopology.CORP_HOST,
                                    LabTopology.CORP_HOST6,
                                    LabTopology.INTERNET_HOST,
                                    LabTopology.INTERNET_HOST6)) {
                        String farNs =
                                host.startsWith("10.") || host.startsWith("fd11:")
                                        ? lab.corp()
                                        : lab.internet();
                        upload(lab, bulk, farNs, host, seed++);
                        download(lab, bulk, farNs, host, seed++);
                    }
                    wire.close();

                    List<WireFrames.Frame> frames = WireFrames.read(wire.pcap());
                    assertThat(frames)
                            .as("frames on the client link larger than its MTU")
                            .filteredOn(f -> f.wireLength() > LINK_MTU + WireFrames.ETHERNET_HEADER)
                            .isEmpty();
                    assertThat(frames).as("IP fragments").filteredOn(f -> f.fragment()).isEmpty();
                    // Two tunnelled transfers each way, two bypassed uploads: each byte once.
                    long fullSizedLowerBound = 2L * TRANSFER_BYTES / LINK_MTU;
                    assertThat(
                                    count(
                                            frames,
                                            f ->
                                                    f.udp()
                                                            && f.destinationPort()
                                                                    == LabTopology.PEER_PORT))
                            .as("full-sized WireGuard frames client -> server")
                            .isGreaterThan(fullSizedLowerBound);
                    assertThat(
                                    count(
                                            frames,
                                            f ->
                                                    f.udp()
                                                            && f.sourcePort()
                                                                    == LabTopology.PEER_PORT))
                            .as("full-sized WireGuard frames server -> client")
                            .isGreaterThan(fullSizedLowerBound);
                    assertThat(count(frames, f -> f.tcp() && f.destinationPort() == PORT))
                            .as("full-sized TCP frames of the bypassed uploads")
                            .isGreaterThan(fullSizedLowerBound);

                    JsonNode counters = status(lab, lab.client(), log).path("counters");
                    JsonNode serverCounters =
                            status(lab, lab.server(), directory.resolve("server-sluice.log"))
                                    .path("counters");
                    long superPackets = counters.path("out_super_packets").asLong();
                    long segments = counters.path("out_segments").asLong();
                    long coalesced = counters.path("in_coalesced_writes").asLong();
                    long serverCoalesced = serverCounters.path("in_coalesced_writes").asLong();
                    if (offloads.equals("on")) {
                        assertThat(superPackets).as("super-packets read").isPositive();
                        assertThat(segments)
                                .as("segments cut from super-packets")
                                .isGreaterThan(2 * superPackets);
                        assertThat(counters.path("udp_sends").asLong())
                                .as("UDP sends (GSO batches) against datagrams")
                                .isLessThan(counters.path("out_tunnel_packets").asLong() / 2);
                        assertThat(coalesced).as("client's coalesced tun writes").isPositive();
                        assertThat(serverCoalesced)
                                .as("server's coalesced tun writes")
                                .isPositive();
                    } else {
                        assertThat(superPackets + segments + coalesced + serverCoalesced)
                                .as("offload counters in per-packet mode")
                                .isZero();
                    }
                    assertThat(
                                    status(lab, lab.client(), log)
                                            .path("drops")
                                            .path("offload_malformed")
                                            .asLong())
                            .isZero();
                } finally {
                    assertThat(client.stop()).as(client.log()).isZero();
                }
            }
        }
    }

    private static long count(
            List<WireFrames.Frame> frames, java.util.function.Predicate<WireFrames.Frame> kind) {
        return frames.stream().filter(kind).filter(f -> f.wireLength() >= FULL_SIZED_FRAME).count();
    }

    /** Client to {@code host}: what the far side received is what the client sent. */
    private void upload(LabTopology lab, Path bulk, String farNs, String host, int seed)
            throws Exception {
        Path log = directory.resolve("receive-" + seed + ".log");
        Process receiver =
                lab.start(farNs, Map.of(), log, "python3", bulk.toString(), "receive", "" + PORT);
        awaitListening(receiver, log);
        Moved sent =
                Moved.parse(
                        lab.exec(
                                lab.client(),
                                "python3",
                                bulk.toString(),
                                "send",
                                host,
                                "" + PORT,
                                "" + TRANSFER_BYTES,
                                "" + seed));
        Moved received = finished(receiver, log);
        assertThat(sent.bytes()).isEqualTo(TRANSFER_BYTES);
        assertThat(received).as("received by %s from the client", host).isEqualTo(sent);
    }

    /** {@code host} to the client: what the client received is what the far side sent. */
    private void download(LabTopology lab, Path bulk, String farNs, String host, int seed)
            throws Exception {
        Path log = directory.resolve("serve-" + seed + ".log");
        Process sender =
                lab.start(
                        farNs,
                        Map.of(),
                        log,
                        "python3",
                        bulk.toString(),
                        "serve",
                        "" + PORT,
                        "" + TRANSFER_BYTES,
                        "" + seed);
        awaitListening(sender, log);
        Moved received =
                Moved.parse(
                        lab.exec(
                                lab.client(),
                                "python3",
                                bulk.toString(),
                                "fetch",
                                host,
                                "" + PORT));
        Moved sent = finished(sender, log);
        assertThat(sent.bytes()).isEqualTo(TRANSFER_BYTES);
        assertThat(received).as("received by the client from %s", host).isEqualTo(sent);
    }

    private static void awaitListening(Process process, Path log) throws Exception {
        for (int i = 0; i < 400 && !Files.readString(log).contains("listening"); i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("bulk.py exited: " + Files.readString(log));
            }
            Thread.sleep(25);
        }
    }

    private static Moved finished(Process process, Path log) throws Exception {
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bulk.py finished").isTrue();
        List<String> lines = Files.readAllLines(log);
        return Moved.parse(lines.get(lines.size() - 1));
    }

    private static JsonNode status(LabTopology lab, String ns, Path log) throws IOException {
        String output =
                lab.exec(
                        ns,
                        Launcher.binary().toAbsolutePath().toString(),
                        "status",
                        "--json",
                        "--socket",
                        LabSluice.controlSocket(log).toString());
        return new ObjectMapper().readTree(output);
    }

    private Path copyScript() throws IOException {
        Path script = directory.resolve("bulk.py");
        try (InputStream source = BulkTransferIT.class.getResourceAsStream("/offload/bulk.py")) {
            if (source == null) {
                throw new IllegalStateException("offload/bulk.py is missing from the classpath");
            }
            Files.copy(source, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return script;
    }

    private Path clientConfig(PrivateKey client, LabPeer server) throws IOException {
        return LabPeer.secretFile(
                directory.resolve("client.conf"),
                String.join(
                        "\n",
                        "[Interface]",
                        "PrivateKey = " + client.toBase64(),
                        "Address = "
                                + LabTopology.CLIENT_TUNNEL
                                + "/32, "
                                + LabTopology.CLIENT_TUNNEL6
                                + "/128",
                        "",
                        "[Peer]",
                        "PublicKey = " + server.publicKey(),
                        "Endpoint = " + LabTopology.SERVER_UNDERLAY + ":" + LabTopology.PEER_PORT,
                        "AllowedIPs = 10.60.0.0/16, fd11:1d80:c67a::/48",
                        "",
                        "[Split]",
                        "Mode = include",
                        "Strategy = capture",
                        "Tunnel = 10.60.0.0/16, fd11:1d80:c67a::/48",
                        ""));
    }
}
