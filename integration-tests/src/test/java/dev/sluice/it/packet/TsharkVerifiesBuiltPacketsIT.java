package dev.sluice.it.packet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.packet.DecodeResult;
import dev.sluice.packet.IcmpErrorBuilder;
import dev.sluice.packet.MssClamp;
import dev.sluice.packet.PacketDecoder;
import dev.sluice.packet.ParsedPacket;
import dev.sluice.packet.UnreachableReason;
import dev.sluice.packet.pcap.PcapReader;
import dev.sluice.packet.pcap.PcapRecord;
import dev.sluice.packet.pcap.PcapWriter;
import dev.sluice.testkit.Privileged;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent decoder (tshark) checks the ICMP errors and MSS-clamped SYNs that the packet
 * module builds from packets the kernel built: every checksum verifies, nothing is malformed, and
 * the fields are the ones intended.
 */
class TsharkVerifiesBuiltPacketsIT {
    private static final String[] FIELDS = {
        "frame.number",
        "ip.checksum.status",
        "icmp.checksum.status",
        "icmpv6.checksum.status",
        "tcp.checksum.status",
        "icmp.type",
        "icmp.code",
        "icmpv6.type",
        "icmpv6.code",
        "tcp.options.mss_val",
        "_ws.malformed",
        "_ws.expert.severity"
    };

    /** Wireshark's proto_checksum_enum_e: 0 bad, 1 good, 2 unverified. */
    private static final String GOOD = "1";

    private static final String BAD = "0";

    private List<PcapRecord> kernelPackets;

    @BeforeEach
    void setUp() throws Exception {
        Privileged.requireTool("tshark", "independent packet decoder");
        Path repo = Path.of(System.getProperty("sluice.repo.root", ".."));
        kernelPackets =
                PcapReader.readAll(
                        repo.resolve("packet/src/test/resources/pcap/kernel-packets.pcap"));
    }

    @Test
    void shouldAcceptEveryIcmpErrorAndClampedSyn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("built.pcap");
        List<String> expectations = new ArrayList<>();
        ByteBuffer out = ByteBuffer.allocateDirect(2048);
        ParsedPacket parsed = new ParsedPacket();
        try (PcapWriter writer = PcapWriter.create(file)) {
            for (PcapRecord record : kernelPackets) {
                ByteBuffer packet = record.toDirectBuffer();
                assertThat(PacketDecoder.decode(packet, 0, packet.capacity(), parsed))
                        .isEqualTo(DecodeResult.OK);
                int length =
                        IcmpErrorBuilder.destinationUnreachable(
                                parsed, UnreachableReason.ADMINISTRATIVELY_PROHIBITED, out, 0);
                if (length > 0) {
                    writer.write(0, out, 0, length);
                    expectations.add(parsed.isIpv4() ? "icmp 3/13" : "icmpv6 1/1");
                }
                length = IcmpErrorBuilder.packetTooBig(parsed, 1280, out, 0);
                if (length > 0) {
                    writer.write(0, out, 0, length);
                    expectations.add(parsed.isIpv4() ? "icmp 3/4" : "icmpv6 2/0");
                }
                if (MssClamp.clampSyn(parsed, 1200)) {
                    writer.write(0, packet, 0, parsed.length());
                    expectations.add("tcp mss 1200");
                }
            }
            // Negative control: one corrupted error, which tshark must flag.
            ByteBuffer first = kernelPackets.get(0).toDirectBuffer();
            PacketDecoder.decode(first, 0, first.capacity(), parsed);
            int length =
                    IcmpErrorBuilder.destinationUnreachable(
                            parsed, UnreachableReason.HOST_UNREACHABLE, out, 0);
            out.put(30, (byte) (out.get(30) ^ 0x5a)); // inside the quoted packet
            writer.write(0, out, 0, length);
        }
        assertThat(expectations).hasSizeGreaterThan(10).contains("tcp mss 1200");

        List<String> lines = tshark(file);
        assertThat(lines).hasSize(expectations.size() + 1);
        String[] control = lines.get(lines.size() - 1).split("\t", -1);
        assertThat(first(control[2])).as("corrupted control packet's icmp checksum").isEqualTo(BAD);
        for (int i = 0; i < expectations.size(); i++) {
            String[] f = lines.get(i).split("\t", -1);
            String expected = expectations.get(i);
            String where = "frame " + f[0] + " (" + expected + "): " + lines.get(i);
            assertThat(f[10]).as(where + " malformed").isEmpty();
            assertThat(first(f[11])).as(where + " expert severity").isNotIn("error");
            if (expected.startsWith("icmp ")) {
                assertThat(first(f[1])).as(where + " ip checksum").isEqualTo(GOOD);
                assertThat(first(f[2])).as(where + " icmp checksum").isEqualTo(GOOD);
                assertThat(first(f[5]) + "/" + first(f[6])).isEqualTo(expected.substring(5));
            } else if (expected.startsWith("icmpv6")) {
                assertThat(first(f[3])).as(where + " icmpv6 checksum").isEqualTo(GOOD);
                assertThat(first(f[7]) + "/" + first(f[8])).isEqualTo(expected.substring(7));
            } else {
                assertThat(first(f[4])).as(where + " tcp checksum").isEqualTo(GOOD);
                assertThat(first(f[9])).as(where + " mss").isEqualTo("1200");
            }
        }
    }

    private static String first(String field) {
        int comma = field.indexOf(',');
        return comma < 0 ? field : field.substring(0, comma);
    }

    private static List<String> tshark(Path file) throws Exception {
        List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString()));
        command.addAll(
                List.of(
                        "-o", "ip.check_checksum:TRUE",
                        "-o", "tcp.check_checksum:TRUE",
                        "-o", "udp.check_checksum:TRUE",
                        "-T", "fields"));
        for (String field : FIELDS) {
            command.add("-e");
            command.add(field);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("tshark: " + stderr).isZero();
        return stdout.lines().filter(line -> !line.isBlank()).toList();
    }
}
