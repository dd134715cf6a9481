package dev.sluice.it.offload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames of a classic pcap file of an Ethernet link, as an observer on the wire sees them: each
 * frame's length on the wire (whatever the capture kept of it), its transport protocol and ports,
 * and whether it is an IP fragment.
 */
final class WireFrames {
    /** Ethernet header: destination, source, type. */
    static final int ETHERNET_HEADER = 14;

    private static final int IPPROTO_FRAGMENT = 44;

    /**
     * One frame.
     *
     * @param wireLength bytes on the wire, Ethernet header included
     * @param protocol the IP protocol number (6 TCP, 17 UDP), or -1 for a frame that is not IP
     * @param fragment an IPv4 fragment (more-fragments flag or offset) or an IPv6 fragment header
     */
    record Frame(
            int wireLength, int protocol, boolean fragment, int sourcePort, int destinationPort) {
        boolean udp() {
            return protocol == 17;
        }

        boolean tcp() {
            return protocol == 6;
        }
    }

    private WireFrames() {}

    /** Reads every frame of {@code pcap}; fails on anything but an Ethernet capture. */
    static List<Frame> read(Path pcap) throws IOException {
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(pcap));
        int magic = file.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
            file.order(ByteOrder.LITTLE_ENDIAN);
        } else {
            file.order(ByteOrder.BIG_ENDIAN);
        }
        if (file.getInt(20) != 1) {
            throw new IOException(pcap + ": link type " + file.getInt(20) + ", not Ethernet");
        }
        List<Frame> frames = new ArrayList<>();
        int at = 24;
        while (at + 16 <= file.limit()) {
            int captured = file.getInt(at + 8);
            int wire = file.getInt(at + 12);
            int data = at + 16;
            if (data + captured > file.limit()) {
                break; // the capture was stopped in the middle of a record
            }
            frames.add(frame(file.slice(data, captured).order(ByteOrder.BIG_ENDIAN), wire));
            at = data + captured;
        }
        return frames;
    }

    private static Frame frame(ByteBuffer bytes, int wireLength) {
        if (bytes.limit() < ETHERNET_HEADER + 40) {
            return new Frame(wireLength, -1, false, 0, 0);
        }
        int type = bytes.getShort(12) & 0xffff;
        int ip = ETHERNET_HEADER;
        if (type == 0x0800) {
            int headerLength = (bytes.get(ip) & 0x0f) * 4;
            int fragmentWord = bytes.getShort(ip + 6) & 0xffff;
            boolean fragment = (fragmentWord & 0x3fff) != 0; // MF flag or an offset
            int protocol = bytes.get(ip + 9) & 0xff;
            return withPorts(bytes, wireLength, protocol, fragment, ip + headerLength);
        }
        if (type == 0x86dd) {
            int next = bytes.get(ip + 6) & 0xff;
            return withPorts(bytes, wireLength, next, next == IPPROTO_FRAGMENT, ip + 40);
        }
        return new Frame(wireLength, -1, false, 0, 0);
    }

    private static Frame withPorts(
            ByteBuffer bytes, int wireLength, int protocol, boolean fragment, int transport) {
        if (fragment || transport + 4 > bytes.limit()) {
            return new Frame(wireLength, protocol, fragment, 0, 0);
        }
        return new Frame(
                wireLength,
                protocol,
                false,
                bytes.getShort(transport) & 0xffff,
                bytes.getShort(transport + 2) & 0xffff);
    }
}
