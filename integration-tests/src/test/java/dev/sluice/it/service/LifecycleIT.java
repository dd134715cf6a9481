package dev.sluice.it.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.daemon.control.ControlClient;
import dev.sluice.daemon.control.ControlProtocol;
import dev.sluice.daemon.control.ControlReply;
import dev.sluice.daemon.control.ControlRequest;
import dev.sluice.daemon.platform.linux.lab.LabPeer;
import dev.sluice.daemon.platform.linux.lab.LabSluice;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import dev.sluice.it.dataplane.NetworkState;
import dev.sluice.it.dataplane.WireGuardGoLab;
import dev.sluice.testkit.Privileged;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon under repetition and trouble: 100 connect/disconnect cycles leak no descriptors,
 * threads or routes; a disconnect while connecting to an unreachable endpoint; a reload with the
 * 850-prefix list during a transfer does not interrupt it; a peer that stops answering shows in the
 * handshake age; {@code wg show dump} agrees with status; random bytes on the socket change
 * nothing.
 */
class LifecycleIT {
    @TempDir Path directory;

    private Path socket;

    @BeforeEach
    void requirements() {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("wireguard-go", "the server peer");
        Privileged.requireTool("wg", "the stock WireGuard tool");
        Privileged.requireTool("iperf3", "a transfer across a reload");
    }

    private JsonNode request(String command, Integer waitSeconds) throws Exception {
        ControlReply reply =
                ControlClient.send(
                        socket,
                        new ControlRequest(ControlProtocol.VERSION, command, null, waitSeconds));
        assertThat(reply.ok()).as(command + ": " + reply.error()).isTrue();
        return reply.result();
    }

    private WireGuardGoLab fixture;

    private String config(int port, String tunnel) {
        return fixture.clientConfig(
                port,
                "10.0.0.0/8, fd00::/8",
                List.of(),
                List.of("Mode = include", "Tunnel = " + tunnel));
    }

    private static long count(String pattern, String text) {
        Matcher matcher = Pattern.compile(pattern, Pattern.MULTILINE).matcher(text);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private static long openDescriptors(long pid) throws Exception {
        try (var files = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return files.count();
        }
    }

    private static long threads(long pid) throws Exception {
        return count(
                "^Threads:\\s+(\\d+)",
                Files.readString(Path.of("/proc", Long.toString(pid), "status")));
    }

    @Test
    void theDaemonShouldSurviveRepetitionReloadsSilentPeersAndGarbage() throws Exception {
        try (WireGuardGoLab started =
                WireGuardGoLab.start("sll" + ProcessHandle.current().pid() % 10_000, directory)) {
            fixture = started;
            LabTopology lab = fixture.topology();
            String before = fixture.clientStateBefore();
            LabPeer server = fixture.server();
            Path config = fixture.writeClientConfig(config(51999, "10.60.0.0/16"));
            Path state = directory.resolve("state");
            socket = LabSluice.controlSocket(directory.resolve("daemon.log"));
            LabSluice daemon =
                    LabSluice.startDaemon(
                            lab,
                            lab.client(),
                            Launcher.binary(),
                            config,
                            directory.resolve("daemon.log"),
                            state);
            try {
                daemon.awaitControlSocket();
                // Disconnect while connecting to an endpoint nobody answers on.
                request("connect", null);
                Thread.sleep(500);
                assertThat(request("status", null).path("state").asText()).isEqualTo("connecting");
                assertThat(request("disconnect", null).path("state").asText())
                        .isEqualTo("disconnected");
                assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);

                Files.writeString(config, config(51820, "10.60.0.0/16"));
                for (int i = 0; i < 3; i++) {
                    assertThat(request("connect", 20).path("state").asText())
                            .isEqualTo("connected");
                    request("disconnect", null);
                }
                long descriptors = openDescriptors(daemon.pid());
                long threads = threads(daemon.pid());
                for (int i = 0; i < 100; i++) {
                    JsonNode connected = request("connect", 20);
                    assertThat(connected.path("state").asText())
                            .as("cycle " + i + ": " + connected)
                            .isEqualTo("connected");
                    assertThat(request("disconnect", null).path("state").asText())
                            .isEqualTo("disconnected");
                }
                assertThat(openDescriptors(daemon.pid()))
                        .as("open descriptors after 100 cycles")
                        .isLessThanOrEqualTo(descriptors + 3);
                assertThat(threads(daemon.pid()))
                        .as("threads after 100 cycles")
                        .isLessThanOrEqualTo(threads + 3);
                assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);

                // A reload to the 850-prefix list while a transfer runs: no interruption.
                assertThat(request("connect", 20).path("state").asText()).isEqualTo("connected");
                Path iperfServerLog = directory.resolve("iperf3-server.log");
                Process iperfServer =
                        lab.start(
                                lab.corp(),
                                Map.of(),
                                iperfServerLog,
                                "iperf3",
                                "-s",
                                "-1",
                                "-p",
                                "5201");
                Thread.sleep(500);
                Path iperfLog = directory.resolve("iperf3-client.log");
                Process transfer =
                        lab.start(
                                lab.client(),
                                Map.of(),
                                iperfLog,
                                "iperf3",
                                "-c",
                                LabTopology.CORP_HOST,
                                "-p",
                                "5201",
                                "-t",
                                "6",
                                "-i",
                                "0.5",
                                "-f",
                                "m");
                Thread.sleep(2_000);
                Path corp850 =
                        Path.of(
                                        System.getProperty("sluice.repo.root", ".."),
                                        "fixtures",
                                        "corp-850.cidrs")
                                .toAbsolutePath();
                Files.writeString(config, config(51820, "@" + corp850));
                assertThat(request("reload", null).path("message").asText())
                        .isEqualTo("reloaded without dropping the tunnel");
                assertThat(transfer.waitFor() == 0 || transfer.exitValue() == 0).isTrue();
                iperfServer.waitFor();
                String intervals = Files.readString(iperfLog);
                assertThat(intervals)
                        .as(intervals)
                        .contains("receiver")
                        .doesNotContain(" 0.00 Mbits/sec");
                assertThat(request("status", null).path("trieRoutes").asInt()).isGreaterThan(800);

                // wg show dump against status.
                JsonNode status = request("status", null);
                JsonNode peer = status.path("peers").get(0);
                String dump = lab.exec(lab.client(), "wg", "show", "sluice0", "dump");
                String[] peerLine = dump.lines().skip(1).findFirst().orElseThrow().split("\t");
                assertThat(peerLine[0]).isEqualTo(peer.path("publicKey").asText());
                assertThat(peerLine[2]).isEqualTo(peer.path("endpoint").asText());
                long handshake = Long.parseLong(peerLine[4]);
                assertThat(System.currentTimeMillis() / 1000 - handshake)
                        .isBetween(
                                peer.path("latestHandshakeAgeSeconds").asLong() - 2,
                                peer.path("latestHandshakeAgeSeconds").asLong() + 2);
                assertThat(Long.parseLong(peerLine[5]))
                        .as("rx bytes")
                        .isGreaterThanOrEqualTo(peer.path("receivedBytes").asLong());
                assertThat(Long.parseLong(peerLine[6]))
                        .as("tx bytes")
                        .isGreaterThanOrEqualTo(peer.path("transmittedBytes").asLong());

                // The peer stops answering: status keeps reporting, the handshake ages.
                lab.exec(
                        lab.server(),
                        "nft",
                        "add table inet mute; add chain inet mute in { type filter hook input priority 0; }; add rule inet mute in udp dport 51820 drop");
                long ageBefore =
                        request("status", null)
                                .path("peers")
                                .get(0)
                                .path("latestHandshakeAgeSeconds")
                                .asLong();
                Thread.sleep(3_000);
                lab.tryExec(lab.client(), "ping", "-c", "1", "-W", "1", LabTopology.CORP_HOST);
                JsonNode silent = request("status", null);
                assertThat(silent.path("state").asText()).isEqualTo("connected");
                assertThat(silent.path("peers").get(0).path("latestHandshakeAgeSeconds").asLong())
                        .isGreaterThanOrEqualTo(ageBefore + 3);
                lab.exec(lab.server(), "nft", "delete table inet mute");

                // Garbage on the socket: the daemon answers or hangs up, and keeps working.
                Random noise = new Random(7);
                for (int i = 0; i < 200; i++) {
                    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                        channel.connect(UnixDomainSocketAddress.of(socket));
                        OutputStream out = Channels.newOutputStream(channel);
                        byte[] bytes = new byte[noise.nextInt(i % 50 == 0 ? 100_000 : 600)];
                        noise.nextBytes(bytes);
                        out.write(bytes);
                        out.write(i % 2 == 0 ? "\n".getBytes(StandardCharsets.UTF_8) : new byte[0]);
                        out.flush();
                        // As a client does: done sending, read the answer to the end. (The
                        // daemon serves 32 connections at once; a client that leaves before
                        // the daemon is done with it would not wait for its answer either.)
                        channel.shutdownOutput();
                        Channels.newInputStream(channel).readAllBytes();
                    } catch (java.io.IOException reset) {
                        // A hang-up on an oversized line is an answer too.
                    }
                }
                assertThat(request("status", null).path("state").asText()).isEqualTo("connected");
            } finally {
                assertThat(daemon.stop()).as(daemon.log()).isZero();
            }
            assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);
        }
    }
}
