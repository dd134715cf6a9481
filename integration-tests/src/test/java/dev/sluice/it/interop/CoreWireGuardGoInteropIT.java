package dev.sluice.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.crypto.PrivateKey;
import dev.sluice.it.netns.Namespaces;
import dev.sluice.it.netns.Shell;
import dev.sluice.testkit.Privileged;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol core against a real wireguard-go, across two network namespaces:
 *
 * <pre>
 *   ns A: CoreDriver (this core + a UDP socket) 10.201.0.1:51821, tunnel address 10.202.0.1
 *     | veth 10.201.0.0/24
 *   ns B: wireguard-go 10.201.0.2:51820, tun address 10.202.0.2/24 (the kernel answers pings)
 * </pre>
 */
class CoreWireGuardGoInteropIT {
    @TempDir Path directory;

    @BeforeEach
    void requirements() {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("wireguard-go", "the reference peer");
        Privileged.requireTool("wg", "configures wireguard-go");
    }

    private Shell.Output runDriver(Namespaces namespaces, String namespace, String... args) {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED",
                                "-cp",
                                System.getProperty("java.class.path"),
                                CoreDriver.class.getName()));
        command.addAll(List.of(args));
        return namespaces.run(namespace, command.toArray(String[]::new));
    }

    @Test
    void shouldHandshakeAsInitiatorAndDecryptTheKernelsEchoReply() throws Exception {
        try (Namespaces namespaces = new Namespaces("wi")) {
            String a = namespaces.create("a");
            String b = namespaces.create("b");
            namespaces.link(a, "wia", "10.201.0.1/24", b, "wib", "10.201.0.2/24");
            WireGuardGo peer =
                    new WireGuardGo(
                            namespaces,
                            b,
                            "slwi" + (ProcessHandle.current().pid() % 1000),
                            directory);
            try {
                PrivateKey ours = PrivateKey.generate(new SecureRandom());
                peer.addPeer(ours.publicKey().toBase64(), "10.202.0.1/32", null);
                peer.up("10.202.0.2/24");
                Shell.Output driver =
                        runDriver(
                                namespaces,
                                a,
                                "initiate",
                                ours.toBase64(),
                                peer.publicKey(),
                                "10.201.0.1:51821",
                                "10.201.0.2:51820",
                                "10.202.0.1",
                                "10.202.0.2");
                assertThat(driver.exitCode()).as(driver.out() + driver.err() + peer.log()).isZero();
                assertThat(driver.out())
                        .contains("session-established", "ok echo-reply from 10.202.0.2");
                assertThat(peer.show("latest-handshakes")).contains(ours.publicKey().toBase64());
                assertThat(peer.show("transfer")).doesNotContain("\t0\t0");
            } finally {
                peer.cleanUp();
            }
        }
    }

    @Test
    void shouldRespondToWireGuardGosHandshakeAndAnswerItsPing() throws Exception {
        try (Namespaces namespaces = new Namespaces("wr")) {
            String a = namespaces.create("a");
            String b = namespaces.create("b");
            namespaces.link(a, "wra", "10.201.0.1/24", b, "wrb", "10.201.0.2/24");
            WireGuardGo peer =
                    new WireGuardGo(
                            namespaces,
                            b,
                            "slwr" + (ProcessHandle.current().pid() % 1000),
                            directory);
            try {
                PrivateKey ours = PrivateKey.generate(new SecureRandom());
                peer.addPeer(ours.publicKey().toBase64(), "10.202.0.1/32", "10.201.0.1:51821");
                peer.up("10.202.0.2/24");
                Path log = directory.resolve("driver.log");
                List<String> command =
                        new ArrayList<>(
                                List.of(
                                        Path.of(System.getProperty("java.home"), "bin", "java")
                                                .toString(),
                                        "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED",
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        CoreDriver.class.getName(),
                                        "respond",
                                        ours.toBase64(),
                                        peer.publicKey(),
                                        "10.201.0.1:51821",
                                        "10.201.0.2:51820",
                                        "10.202.0.1",
                                        "10.202.0.2"));
                Process driver =
                        namespaces.start(
                                a, java.util.Map.of(), log, command.toArray(String[]::new));
                // wireguard-go initiates when the kernel in B sends the first packet.
                Shell.Output ping = Shell.Output.class.cast(null);
                for (int attempt = 0; attempt < 5; attempt++) {
                    ping = namespaces.run(b, "ping", "-c", "1", "-W", "3", "10.202.0.1");
                    if (ping.ok()) {
                        break;
                    }
                }
                Shell.stop(driver);
                String events = java.nio.file.Files.readString(log);
                assertThat(ping.ok()).as(ping.out() + "\n" + events + "\n" + peer.log()).isTrue();
                assertThat(events)
                        .contains(
                                "received 148 bytes: WRITE_TO_NETWORK",
                                "ok answered echo-request from 10.202.0.2");
            } finally {
                peer.cleanUp();
            }
        }
    }
}
