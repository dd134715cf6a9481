package dev.sluice.benchmarks;

import dev.sluice.packet.InternetChecksum;
import dev.sluice.packet.PacketBuilder;
import dev.sluice.packet.TcpHeader;
import dev.sluice.packet.offload.GroCoalescer;
import dev.sluice.packet.offload.GsoSegmenter;
import dev.sluice.packet.offload.VirtioNetHeader;
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
 * The offload packet work per super-packet, in nanoseconds: cutting a 64 KB IPv4 TSO super-packet
 * (45 segments of 1448 bytes behind timestamps, as the kernel hands it over) into segments with
 * full checksums, each at its own slot of a send batch behind WireGuard headroom ("tunnel out");
 * and coalescing 44 decrypted segments of one flow into one super-packet, copied behind its virtio
 * header or gathered in place ("tunnel in", checksum verification of every segment included).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class OffloadBenchmark {
    private static final int MSS = 1448;
    private static final int SEGMENTS_OUT = 45;
    private static final int SEGMENTS_IN = 44;
    private static final int HEADROOM = 16;
    private static final int SLOT = 2048;
    private static final byte[] TIMESTAMPS = {1, 1, 8, 10, 0, 0, 1, 0, 0, 0, 2, 0};

    private final GsoSegmenter segmenter = new GsoSegmenter();
    private final GroCoalescer coalescer = new GroCoalescer(64, 8, false);
    private final VirtioNetHeader virtio = new VirtioNetHeader();
    private ByteBuffer superPacket;
    private ByteBuffer batch;
    private ByteBuffer[] decrypted;
    private int[] lengths;
    private byte[] firstHeaders;
    private ByteBuffer write;

    @Setup
    public void setUp() {
        byte[] packet =
                PacketBuilder.ipv4("10.66.0.2", "10.10.3.4")
                        .dontFragment()
                        .tcp(40000, 443, TcpHeader.FLAG_ACK | TcpHeader.FLAG_PSH)
                        .tcpOptions(TIMESTAMPS)
                        .payload(payload(SEGMENTS_OUT * MSS))
                        .build();
        superPacket = ByteBuffer.allocateDirect(VirtioNetHeader.LENGTH + packet.length);
        superPacket.put(VirtioNetHeader.LENGTH, packet);
        // The partial checksum the kernel leaves: the pseudo-header sum only.
        int transportLength = packet.length - 20;
        long pseudo =
                InternetChecksum.pseudoHeaderSumV4(
                        superPacket.getInt(VirtioNetHeader.LENGTH + 12),
                        superPacket.getInt(VirtioNetHeader.LENGTH + 16),
                        6,
                        transportLength);
        superPacket.putShort(VirtioNetHeader.LENGTH + 36, (short) InternetChecksum.fold(pseudo));
        virtio.wrap(superPacket, 0)
                .set(
                        VirtioNetHeader.FLAG_NEEDS_CHECKSUM,
                        VirtioNetHeader.GSO_TCPV4,
                        52,
                        MSS,
                        20,
                        TcpHeader.CHECKSUM_OFFSET);
        batch = ByteBuffer.allocateDirect(SEGMENTS_OUT * SLOT);

        decrypted = new ByteBuffer[SEGMENTS_IN];
        lengths = new int[SEGMENTS_IN];
        for (int i = 0; i < SEGMENTS_IN; i++) {
            byte[] segment =
                    PacketBuilder.ipv6("fd10::4", "fd66::2")
                            .tcp(443, 40000, TcpHeader.FLAG_ACK)
                            .sequence(1000 + i * MSS)
                            .tcpOptions(TIMESTAMPS)
                            .payload(payload(MSS))
                            .build();
            decrypted[i] = ByteBuffer.allocateDirect(HEADROOM + segment.length + 16);
            decrypted[i].put(HEADROOM, segment);
            lengths[i] = segment.length;
        }
        firstHeaders = new byte[40 + 32];
        decrypted[0].get(HEADROOM, firstHeaders);
        write = ByteBuffer.allocateDirect(VirtioNetHeader.LENGTH + 65_535);
    }

    private static byte[] payload(int length) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        return payload;
    }

    /**
     * Baseline for the machine at hand: copying the same 64 KB once (what segmentation cannot do
     * with less); the segmentation figure reads best as a multiple of this one.
     */
    @Benchmark
    public int copy64kBaseline() {
        batch.put(HEADROOM, superPacket, 0, superPacket.capacity());
        return batch.get(HEADROOM + 100);
    }

    /** Tunnel out: wrap the 64 KB super-packet and write its 45 segments, checksums complete. */
    @Benchmark
    public int segmentTso64k() {
        segmenter.wrap(
                superPacket,
                VirtioNetHeader.LENGTH,
                superPacket.capacity() - VirtioNetHeader.LENGTH,
                virtio.wrap(superPacket, 0));
        int bytes = 0;
        for (int i = 0; i < segmenter.segmentCount(); i++) {
            bytes += segmenter.segment(i, batch, i * SLOT + HEADROOM);
        }
        return bytes;
    }

    /** Tunnel in: 44 segments into one super-packet, copied into the tun write buffer. */
    @Benchmark
    public int coalesce44Copy() {
        coalescer.reset();
        for (int i = 0; i < SEGMENTS_IN; i++) {
            coalescer.add(decrypted[i], HEADROOM, lengths[i]);
        }
        return coalescer.emit(0, write, 0);
    }

    /** Tunnel in: 44 segments into one super-packet, headers rewritten in place for a writev. */
    @Benchmark
    public int coalesce44InPlace() {
        // Restore what the previous invocation's in-place rewrite changed (decryption would have
        // written fresh plaintext).
        decrypted[0].put(HEADROOM, firstHeaders);
        coalescer.reset();
        for (int i = 0; i < SEGMENTS_IN; i++) {
            coalescer.add(decrypted[i], HEADROOM, lengths[i]);
        }
        return coalescer.emitInPlace(0);
    }
}
