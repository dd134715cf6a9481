package dev.sluice.it.packet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.packet.offload.GsoSegmenter;
import dev.sluice.packet.offload.SegmentationResult;
import dev.sluice.packet.offload.VirtioNetHeader;
import dev.sluice.packet.pcap.PcapReader;
import dev.sluice.packet.pcap.PcapRecord;
import dev.sluice.packet.pcap.PcapWriter;
import dev.sluice.testkit.Privileged;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent decoder (tshark) checks the segments {@link GsoSegmenter} cuts from the TSO/USO
 * super-packets the kernel handed an offload tun (packet/src/test/resources/pcap/kernel-gso.*), and
 * the single packets whose partial checksum it completed: every IP, TCP and UDP checksum verifies
 * and nothing is malformed.
 */
class TsharkVerifiesSegmentsIT {
    private static final String[] FIELDS = {
        "frame.number",
        "ip.checksum.status",
        "tcp.checksum.status",
        "udp.checksum.status",
        "_ws.malformed",
        "_ws.expert.severity"
    };

    private static final String GOOD = "1";
    private static final String BAD = "0";

    @Test
    void shouldFindEveryChecksumGoodWhenKernelSuperPacketsAreCut(@TempDir Path dir)
            throws Exception {
        Privileged.requireTool("tshark", "independent packet decoder");
        Path fixtures =
                Path.of(System.getProperty("sluice.repo.root", ".."))
                        .resolve("packet/src/test/resources/pcap");
        List<PcapRecord> reads = PcapReader.readAll(fixtures.resolve("kernel-gso.pcap"));
        List<String> headers =
                Files.readAllLines(fixtures.resolve("kernel-gso.txt")).stream()
                        .filter(line -> !line.startsWith("#"))
                        .map(line -> line.split(" ")[2])
                        .toList();
        assertThat(headers).hasSameSizeAs(reads);

        Path file = dir.resolve("segments.pcap");
        GsoSegmenter segmenter = new GsoSegmenter();
        ByteBuffer out = ByteBuffer.allocateDirect(65_535);
        int written = 0;
        try (PcapWriter writer = PcapWriter.create(file)) {
            for (int i = 0; i < reads.size(); i++) {
                ByteBuffer packet = reads.get(i).toDirectBuffer();
                VirtioNetHeader header =
                        new VirtioNetHeader()
                                .wrap(ByteBuffer.wrap(HexFormat.of().parseHex(headers.get(i))), 0);
                assertThat(segmenter.wrap(packet, 0, packet.capacity(), header))
                        .as("record " + i)
                        .isEqualTo(SegmentationResult.OK);
                for (int s = 0; s < segmenter.segmentCount(); s++) {
                    writer.write(0, out, 0, segmenter.segment(s, out, 0));
                    written++;
                }
            }
            // Negative control: one segment with a flipped payload bit, which tshark must flag.
            int length = segmenter.segment(0, out, 0);
            out.put(length - 1, (byte) (out.get(length - 1) ^ 0x01));
            writer.write(0, out, 0, length);
        }
        assertThat(written).as("segments written").isGreaterThan(250);

        List<String> lines = tshark(file);
        assertThat(lines).hasSize(written + 1);
        String[] control = lines.get(written).split("\t", -1);
        assertThat(first(control[3])).as("corrupted control segment's UDP checksum").isEqualTo(BAD);
        for (int i = 0; i < written; i++) {
            String[] f = lines.get(i).split("\t", -1);
            String where = "frame " + f[0] + ": " + lines.get(i);
            assertThat(f[1]).as(where + " ip checksum").isIn("", GOOD);
            assertThat(f[2] + f[3]).as(where + " tcp/udp checksum").isEqualTo(GOOD);
            assertThat(f[4]).as(where + " malformed").isEmpty();
            assertThat(first(f[5])).as(where + " expert severity").isNotIn("error");
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
                        // The payloads are test patterns, not the DNS their ports suggest.
                        "--disable-protocol", "dns",
                        "--disable-protocol", "mdns",
                        "-T", "fields"));
        for (String field : FIELDS) {
            command.add("-e");
            command.add(field);
        }
        Process process = new ProcessBuilder(command).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("tshark: " + stderr).isZero();
        return stdout.lines().filter(line -> !line.isBlank()).toList();
    }
}
