package dev.sluice.it.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Device;
import dev.sluice.packet.pcap.PcapReader;
import dev.sluice.packet.pcap.PcapRecord;
import dev.sluice.testkit.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Replays {@code src/test/resources/replay/packets.pcap} into the tun of a Sluice running in a
 * container and checks, packet by packet, the verdict the counters show against {@code
 * expected.txt}; that exactly the tunnel packets reached the wireguard-go peer, decrypted and byte
 * for byte; and the totals.
 *
 * <p>The container has NET_ADMIN and /dev/net/tun, no network (the peer listens on its loopback),
 * and the sysctls Sluice would set given at creation, since /proc/sys is read-only in containers.
 */
class ReplayIT {
    private static final Path FIXTURES = Path.of("src/test/resources/replay");

    @TempDir Path directory;

    @Test
    void everyRecordedPacketShouldMeetItsExpectedFate() throws Exception {
        Privileged.requireRoot();
        Path socket = PrivateDocker.socket();
        Privileged.requireDocker();
        Path deb =
                Path.of(System.getProperty("sluice.distribution", "../packaging/target/sluice"))
                        .resolveSibling("sluice_0.1.0_amd64.deb");
        String image = ReplayImage.ensure(socket, deb, directory);
        Files.writeString(directory.resolve("split.conf"), ReplayFixtures.CONFIG_SPLIT);

        try (GenericContainer<?> container =
                new GenericContainer<>(DockerImageName.parse(image))
                        .withCommand("sleep", "infinity")
                        .withNetworkMode("none")
                        .withCreateContainerCmdModifier(
                                create ->
                                        create.getHostConfig()
                                                .withCapAdd(
                                                        Capability.NET_ADMIN, Capability.NET_RAW)
                                                .withDevices(Device.parse("/dev/net/tun"))
                                                .withSysctls(
                                                        Map.of(
                                                                // No link-local address, no router
                                                                // solicitations: a quiet tun, so
                                                                // each counter move is the
                                                                // replay's.
                                                                "net.ipv6.conf.default.addr_gen_mode",
                                                                        "1",
                                                                "net.ipv6.conf.default.router_solicitations",
                                                                        "0",
                                                                "net.ipv6.conf.all.disable_ipv6",
                                                                        "0",
                                                                "net.ipv6.conf.default.disable_ipv6",
                                                                        "0",
                                                                "net.ipv4.ip_forward", "1",
                                                                // The tun inherits these.
                                                                "net.ipv6.conf.default.force_forwarding",
                                                                        "1",
                                                                "net.ipv4.conf.all.src_valid_mark",
                                                                        "1",
                                                                "net.ipv4.conf.default.accept_local",
                                                                        "1")))
                        .withCopyFileToContainer(
                                MountableFile.forHostPath(FIXTURES.resolve("setup.sh")),
                                "/replay/setup.sh")
                        .withCopyFileToContainer(
                                MountableFile.forHostPath(FIXTURES.resolve("replay.py")),
                                "/replay/replay.py")
                        .withCopyFileToContainer(
                                MountableFile.forHostPath(FIXTURES.resolve("packets.pcap")),
                                "/replay/packets.pcap")
                        .withCopyFileToContainer(
                                MountableFile.forHostPath(directory.resolve("split.conf")),
                                "/replay/split.conf")) {
            container.start();
            ExecResult setup = container.execInContainer("sh", "/replay/setup.sh");
            assertThat(setup.getExitCode())
                    .as(setup.getStdout() + setup.getStderr() + log(container))
                    .isZero();
            assertThat(setup.getStdout()).contains(" connected: ", "handshake done");

            ExecResult replay =
                    container.execInContainer(
                            "python3", "/replay/replay.py", "/replay/packets.pcap");
            assertThat(replay.getExitCode()).as(replay.getStderr()).isZero();
            container.execInContainer(
                    "sh", "-c", "sleep 1; kill -INT $(cat /tmp/tcpdump.pid); sleep 1");

            List<ReplayFixtures.Fixture> fixtures = ReplayFixtures.all();
            assertThat(Files.readString(FIXTURES.resolve("expected.txt")))
                    .as("committed expectations")
                    .isEqualTo(ReplayFixtures.expectations(fixtures));
            Map<Integer, String> observed = new HashMap<>();
            for (String line : replay.getStdout().split("\n")) {
                String[] fields = line.split(" ");
                if (fields.length == 2 && fields[0].matches("\\d+")) {
                    observed.put(Integer.parseInt(fields[0]), fields[1]);
                }
            }
            List<String> mismatches = new ArrayList<>();
            for (int i = 0; i < fixtures.size(); i++) {
                String expected = fixtures.get(i).expected();
                if (!expected.equals(observed.get(i))) {
                    mismatches.add(
                            i
                                    + " "
                                    + fixtures.get(i).name()
                                    + ": expected "
                                    + expected
                                    + ", counters moved "
                                    + observed.get(i));
                }
            }
            assertThat(mismatches).as(replay.getStdout() + log(container)).isEmpty();

            Path decrypted = directory.resolve("decrypted.pcap");
            container.copyFileFromContainer("/tmp/decrypted.pcap", decrypted.toString());
            // What the peer received from the client (its own link housekeeping, such as MLD
            // reports leaving its tun, is not the tunnel's traffic).
            List<byte[]> arrived = new ArrayList<>();
            for (PcapRecord record : PcapReader.readAll(decrypted)) {
                if (fromClient(record.packet())) {
                    arrived.add(record.packet());
                }
            }
            for (ReplayFixtures.Fixture fixture : fixtures) {
                boolean seen =
                        arrived.stream()
                                .anyMatch(packet -> Arrays.equals(packet, fixture.packet()));
                assertThat(seen)
                        .as(fixture.name() + " (" + fixture.expected() + ") decrypted by the peer")
                        .isEqualTo(fixture.expected().equals("tunnel"));
            }
            long tunnelled = fixtures.stream().filter(f -> f.expected().equals("tunnel")).count();
            assertThat(replay.getStdout()).contains("\"tunnel\": ").contains("totals");
            List<String> unexpected = new ArrayList<>();
            for (byte[] packet : arrived) {
                if (fixtures.stream().noneMatch(f -> Arrays.equals(f.packet(), packet))) {
                    unexpected.add(
                            java.util.HexFormat.of()
                                    .formatHex(packet, 0, Math.min(48, packet.length)));
                }
            }
            assertThat(arrived.size())
                    .as(
                            "the peer saw the warm-up datagram and every tunnel packet, nothing else; others: "
                                    + unexpected)
                    .isEqualTo(tunnelled + 1);
        }
    }

    /** Whether the packet's source is the client's tunnel address, 10.66.0.2 or fd66::2. */
    private static boolean fromClient(byte[] packet) {
        if (packet.length >= 20 && (packet[0] >> 4) == 4) {
            return packet[12] == 10 && packet[13] == 66 && packet[14] == 0 && packet[15] == 2;
        }
        byte[] fd66 = {(byte) 0xfd, 0x66, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
        return packet.length >= 40
                && (packet[0] >> 4) == 6
                && Arrays.equals(Arrays.copyOfRange(packet, 8, 24), fd66);
    }

    private static String log(GenericContainer<?> container) {
        try {
            return "\nsluice log:\n"
                    + container.execInContainer("cat", "/tmp/sluice.log").getStdout();
        } catch (Exception e) {
            return "";
        }
    }
}
