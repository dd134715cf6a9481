package dev.sluice.packet;

import dev.sluice.packet.pcap.PcapReader;
import dev.sluice.packet.pcap.PcapRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The packets in {@code pcap/kernel-packets.pcap}: built by the Linux kernel and read from a TUN by
 * capture-kernel-packets.py (kernel-packets.txt lists them by index).
 */
final class KernelPackets {
    static final int V4_ECHO = 0;
    static final int V4_SYN = 1;
    static final int V4_UDP = 2;
    static final int V4_FRAGMENT_FIRST = 3;
    static final int V4_FRAGMENT_MIDDLE = 4;
    static final int V4_FRAGMENT_LAST = 5;
    static final int V6_ECHO = 6;
    static final int V6_SYN = 7;
    static final int V6_UDP_TWO_EXTENSIONS = 8;
    static final int V6_FRAGMENT_FIRST = 9;
    static final int V6_FRAGMENT_MIDDLE = 10;
    static final int V6_FRAGMENT_LAST = 11;

    private KernelPackets() {}

    static Path file() {
        try {
            return Path.of(KernelPackets.class.getResource("/pcap/kernel-packets.pcap").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<byte[]> all() {
        try {
            return PcapReader.readAll(file()).stream().map(PcapRecord::packet).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] get(int index) {
        return all().get(index);
    }

    static ByteBuffer direct(byte[] packet) {
        return ByteBuffer.allocateDirect(packet.length).put(0, packet);
    }

    static ParsedPacket decode(byte[] packet) {
        ParsedPacket parsed = new ParsedPacket();
        DecodeResult result = PacketDecoder.decode(direct(packet), 0, packet.length, parsed);
        if (result != DecodeResult.OK) {
            throw new AssertionError("kernel packet did not decode: " + result);
        }
        return parsed;
    }
}
