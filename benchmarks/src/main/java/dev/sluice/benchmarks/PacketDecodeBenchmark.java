package dev.sluice.benchmarks;

import dev.sluice.packet.PacketBuilder;
import dev.sluice.packet.PacketDecoder;
import dev.sluice.packet.ParsedPacket;
import dev.sluice.packet.TcpHeader;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@link PacketDecoder#decode} per invocation: an IPv4 TCP segment (1400 bytes of payload, as a
 * bulk transfer carries) and an IPv6 UDP datagram behind Hop-by-Hop and Destination Options
 * headers. Targets: 20 ns (IPv4), 40 ns (IPv6).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PacketDecodeBenchmark {
    private final ParsedPacket parsed = new ParsedPacket();
    private ByteBuffer ipv4Tcp;
    private ByteBuffer ipv6TwoExtensions;

    @Setup
    public void setUp() {
        ipv4Tcp =
                direct(
                        PacketBuilder.ipv4("10.66.0.2", "10.10.3.4")
                                .tcp(40000, 443, TcpHeader.FLAG_ACK | TcpHeader.FLAG_PSH)
                                .payload(new byte[1400])
                                .build());
        ipv6TwoExtensions =
                direct(
                        PacketBuilder.ipv6("fd66::2", "fd10::4")
                                .hopByHopPadding()
                                .destinationOptionsPadding()
                                .udp(40000, 53)
                                .payload(new byte[512])
                                .build());
    }

    private static ByteBuffer direct(byte[] packet) {
        return ByteBuffer.allocateDirect(packet.length).put(0, packet);
    }

    @Benchmark
    public int decodeIpv4Tcp() {
        PacketDecoder.decode(ipv4Tcp, 0, ipv4Tcp.capacity(), parsed);
        return parsed.destinationPort();
    }

    @Benchmark
    public int decodeIpv6TwoExtensionHeaders() {
        PacketDecoder.decode(ipv6TwoExtensions, 0, ipv6TwoExtensions.capacity(), parsed);
        return parsed.destinationPort();
    }
}
