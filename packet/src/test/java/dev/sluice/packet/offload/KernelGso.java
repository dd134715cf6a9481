package dev.sluice.packet.offload;

import dev.sluice.packet.pcap.PcapReader;
import dev.sluice.packet.pcap.PcapRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The fixtures capture-kernel-gso.py wrote: packets read from a tun with offloads on, each with its
 * virtio header (kernel-gso.pcap / .txt), and the kernel's own segmentation of every super-packet
 * it could forward (kernel-gso-segments.pcap / .txt).
 */
final class KernelGso {
    /** One read from the tun: the virtio header's 10 bytes and the IP packet behind them. */
    record Read(int index, byte[] virtioHeader, byte[] packet, String label) {
        int gsoType() {
            return virtioHeader[1] & 0xff;
        }

        boolean isSuperPacket() {
            return gsoType() != VirtioNetHeader.GSO_NONE;
        }

        VirtioNetHeader header() {
            return new VirtioNetHeader().wrap(ByteBuffer.wrap(virtioHeader), 0);
        }

        @Override
        public String toString() {
            return "record " + index + " (" + label + ")";
        }
    }

    private KernelGso() {}

    static List<Read> reads() {
        List<byte[]> packets = pcap("kernel-gso.pcap");
        List<Read> reads = new ArrayList<>();
        for (String line : lines("kernel-gso.txt")) {
            String[] fields = line.split(" ", 4);
            int index = Integer.parseInt(fields[0]);
            byte[] packet = packets.get(index);
            if (packet.length != Integer.parseInt(fields[1])) {
                throw new IllegalStateException("kernel-gso.txt disagrees with the pcap: " + line);
            }
            reads.add(new Read(index, HexFormat.of().parseHex(fields[2]), packet, fields[3]));
        }
        return reads;
    }

    static List<Read> superPackets() {
        return reads().stream().filter(Read::isSuperPacket).toList();
    }

    /** The kernel's segments of record {@code index}, empty when it could not forward it. */
    static List<byte[]> kernelSegments(int index) {
        List<byte[]> segments = pcap("kernel-gso-segments.pcap");
        List<byte[]> of = new ArrayList<>();
        for (String line : lines("kernel-gso-segments.txt")) {
            String[] fields = line.split(" ");
            if (Integer.parseInt(fields[2]) == index) {
                of.add(segments.get(Integer.parseInt(fields[0])));
            }
        }
        return of;
    }

    static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(0, bytes);
    }

    private static List<byte[]> pcap(String name) {
        try {
            return PcapReader.readAll(resource(name)).stream().map(PcapRecord::packet).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(String name) {
        try {
            return Files.readAllLines(resource(name)).stream()
                    .filter(line -> !line.startsWith("#") && !line.isBlank())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resource(String name) {
        try {
            return Path.of(KernelGso.class.getResource("/pcap/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
