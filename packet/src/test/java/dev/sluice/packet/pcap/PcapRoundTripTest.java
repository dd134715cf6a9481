package dev.sluice.packet.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.packet.PacketBuilder;
import dev.sluice.packet.TcpHeader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapRoundTripTest {
    @Test
    void shouldReadBackWhatItWrote(@TempDir Path dir) throws Exception {
        byte[] first = PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).build();
        byte[] second =
                PacketBuilder.ipv6("fd00::1", "fd00::2").tcp(3, 4, TcpHeader.FLAG_SYN).build();
        Path file = dir.resolve("out.pcap");
        try (PcapWriter writer = PcapWriter.create(file)) {
            writer.write(1_700_000_000_123_456_789L, first);
            ByteBuffer direct = ByteBuffer.allocateDirect(second.length + 10).put(5, second);
            writer.write(1_700_000_001_000_000_000L, direct, 5, second.length);
        }
        List<PcapRecord> records = PcapReader.readAll(file);
        assertThat(records).hasSize(2);
        assertThat(records.get(0).packet()).isEqualTo(first);
        assertThat(records.get(0).timestampNs()).isEqualTo(1_700_000_000_123_456_789L);
        assertThat(records.get(1).packet()).isEqualTo(second);
        assertThat(records.get(1).truncated()).isFalse();
    }

    @Test
    void shouldTruncateToTheSnapLengthAndRecordTheOriginalLength() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] packet = PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").payload(new byte[100]).build();
        try (PcapWriter writer = new PcapWriter(bytes, 40)) {
            writer.write(0, packet);
        }
        PcapReader reader = new PcapReader(new ByteArrayInputStream(bytes.toByteArray()), "mem");
        PcapRecord record = reader.next();
        assertThat(record.packet()).hasSize(40);
        assertThat(record.originalLength()).isEqualTo(120);
        assertThat(record.truncated()).isTrue();
        assertThat(reader.next()).isNull();
    }

    @Test
    void shouldReadTheKernelFixtureWrittenWithMicrosecondTimestamps() throws Exception {
        Path fixture = Path.of(getClass().getResource("/pcap/kernel-packets.pcap").toURI());
        try (PcapReader reader = PcapReader.open(fixture)) {
            assertThat(reader.linkType()).isEqualTo(PcapLinkType.RAW);
            PcapRecord first = reader.next();
            assertThat(first.timestampNs()).isEqualTo(1_700_000_000_000_000_000L);
        }
    }

    @Test
    void shouldRefuseNonPcapFilesNamingTheFile(@TempDir Path dir) throws Exception {
        Path notPcap = dir.resolve("notes.txt");
        Files.writeString(notPcap, "this is not a capture at all");
        assertThatThrownBy(() -> PcapReader.readAll(notPcap))
                .isInstanceOf(PcapFormatException.class)
                .hasMessageContaining("notes.txt")
                .hasMessageContaining("not a classic pcap file");
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, new byte[] {(byte) 0xd4, (byte) 0xc3});
        assertThatThrownBy(() -> PcapReader.readAll(cut)).hasMessageContaining("too short");
    }
}
