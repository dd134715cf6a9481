package dev.sluice.packet.offload;

import dev.sluice.packet.PacketBuilder;
import dev.sluice.packet.TcpHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the consecutive TCP segments of one flow, as they come out of decryption: each in its own
 * direct buffer behind {@link #HEADROOM} bytes (room for the virtio header of an in-place write).
 */
final class TcpStream {
    static final int HEADROOM = 16;

    private final boolean ipv6;
    private final String source;
    private final String destination;
    private int sourcePort = 40000;
    private int destinationPort = 443;
    private int sequence = 1_000_000;
    private int acknowledgment = 77;
    private int identification = 100;
    private int window = 512;
    private int hopLimit = 64;
    private int tos;
    private byte[] options = new byte[0];
    private int seed;

    private TcpStream(boolean ipv6, String source, String destination) {
        this.ipv6 = ipv6;
        this.source = source;
        this.destination = destination;
    }

    static TcpStream ipv4() {
        return new TcpStream(false, "10.10.1.5", "10.66.0.2");
    }

    static TcpStream ipv6() {
        return new TcpStream(true, "fd10::5", "fd66::2");
    }

    TcpStream ports(int sourcePort, int destinationPort) {
        this.sourcePort = sourcePort;
        this.destinationPort = destinationPort;
        return this;
    }

    TcpStream sequence(int sequence) {
        this.sequence = sequence;
        return this;
    }

    TcpStream acknowledgment(int acknowledgment) {
        this.acknowledgment = acknowledgment;
        return this;
    }

    TcpStream identification(int identification) {
        this.identification = identification;
        return this;
    }

    TcpStream window(int window) {
        this.window = window;
        return this;
    }

    TcpStream hopLimit(int hopLimit) {
        this.hopLimit = hopLimit;
        return this;
    }

    TcpStream tos(int tos) {
        this.tos = tos;
        return this;
    }

    /** A timestamp option (NOP NOP TS) carried by every following segment. */
    TcpStream timestamps(int value, int echo) {
        options =
                ByteBuffer.allocate(12)
                        .put((byte) 1)
                        .put((byte) 1)
                        .put((byte) 8)
                        .put((byte) 10)
                        .putInt(value)
                        .putInt(echo)
                        .array();
        return this;
    }

    /** The next segment with {@code payloadLength} bytes and {@code flags}; advances the flow. */
    byte[] next(int payloadLength, int flags) {
        PacketBuilder builder =
                (ipv6
                                ? PacketBuilder.ipv6(source, destination)
                                : PacketBuilder.ipv4(source, destination))
                        .hopLimit(hopLimit)
                        .tos(tos)
                        .identification(identification)
                        .dontFragment()
                        .tcp(sourcePort, destinationPort, flags)
                        .sequence(sequence)
                        .acknowledgment(acknowledgment)
                        .window(window);
        if (options.length > 0) {
            builder.tcpOptions(options);
        }
        byte[] packet = builder.payload(SuperPackets.payload(payloadLength, seed++)).build();
        sequence += payloadLength;
        identification = (identification + 1) & 0xffff;
        return packet;
    }

    /** {@code count} ACK segments of {@code payloadLength} bytes. */
    List<byte[]> run(int count, int payloadLength) {
        List<byte[]> segments = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            segments.add(next(payloadLength, TcpHeader.FLAG_ACK));
        }
        return segments;
    }

    /**
     * {@code packet} in a fresh direct buffer at offset {@link #HEADROOM}, as decryption leaves it.
     */
    static ByteBuffer decrypted(byte[] packet) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(HEADROOM + packet.length + 16);
        buffer.put(HEADROOM, packet);
        return buffer;
    }
}
