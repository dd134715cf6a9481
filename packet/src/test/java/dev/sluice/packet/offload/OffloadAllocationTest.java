package dev.sluice.packet.offload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.AllocationMeter;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-packet paths allocate nothing once warmed up. */
class OffloadAllocationTest {
    @Test
    void shouldAllocateNothingWhenCuttingSuperPacketsAndCompletingChecksums() {
        List<KernelGso.Read> reads = KernelGso.reads();
        ByteBuffer[] packets = new ByteBuffer[reads.size()];
        VirtioNetHeader[] headers = new VirtioNetHeader[reads.size()];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = KernelGso.direct(reads.get(i).packet());
            headers[i] =
                    new VirtioNetHeader().wrap(KernelGso.direct(reads.get(i).virtioHeader()), 0);
        }
        GsoSegmenter segmenter = new GsoSegmenter();
        ByteBuffer out = ByteBuffer.allocateDirect(65_535 + 32);
        ByteBuffer garbage = ByteBuffer.allocateDirect(64);
        long[] sink = new long[1];
        long bytes =
                AllocationMeter.bytesAllocatedBy(
                        2_000,
                        5_000,
                        () -> {
                            for (int i = 0; i < packets.length; i++) {
                                ByteBuffer packet = packets[i];
                                segmenter.wrap(packet, 0, packet.capacity(), headers[i]);
                                for (int s = 0; s < segmenter.segmentCount(); s++) {
                                    sink[0] += segmenter.segment(s, out, 32);
                                }
                            }
                            sink[0] += segmenter.wrap(garbage, 0, 64, headers[0]).ordinal();
                            sink[0] += PartialChecksum.complete(packets[0], 0, 128, 20, 6) ? 1 : 0;
                        });
        assertThat(bytes).as("bytes allocated by 5000 rounds over every kernel read").isZero();
        assertThat(sink[0]).isPositive();
    }

    @Test
    void shouldAllocateNothingWhenCoalescingAndEmittingABatch() {
        List<byte[]> segments = TcpStream.ipv4().timestamps(1, 2).run(44, 1448);
        segments.addAll(TcpStream.ipv6().ports(1, 2).run(10, 1220));
        // Decryption writes fresh plaintext into each buffer per batch; emitInPlace rewrites the
        // first packet's headers, so every round starts from the originals.
        ByteBuffer[] plaintexts =
                segments.stream().map(TcpStream::decrypted).toArray(ByteBuffer[]::new);
        ByteBuffer[] buffers =
                segments.stream().map(TcpStream::decrypted).toArray(ByteBuffer[]::new);
        int[] lengths = segments.stream().mapToInt(s -> s.length).toArray();
        GroCoalescer coalescer = new GroCoalescer(64, 8, true);
        ByteBuffer out = ByteBuffer.allocateDirect(VirtioNetHeader.LENGTH + 65_535);
        long[] sink = new long[1];
        long bytes =
                AllocationMeter.bytesAllocatedBy(
                        2_000,
                        5_000,
                        () -> {
                            coalescer.reset();
                            for (int i = 0; i < buffers.length; i++) {
                                buffers[i].put(0, plaintexts[i], 0, plaintexts[i].capacity());
                                coalescer.add(buffers[i], TcpStream.HEADROOM, lengths[i]);
                            }
                            for (int w = 0; w < coalescer.writeCount(); w++) {
                                sink[0] += coalescer.emit(w, out, 0);
                                sink[0] += coalescer.emitInPlace(w);
                            }
                        });
        assertThat(bytes).as("bytes allocated by 5000 batches of 54 packets").isZero();
        assertThat(coalescer.writeCount()).isEqualTo(2);
    }
}
