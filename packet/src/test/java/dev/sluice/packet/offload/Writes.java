package dev.sluice.packet.offload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs packets through a {@link GroCoalescer} and cuts its writes back with a {@link GsoSegmenter}.
 */
final class Writes {
    private Writes() {}

    /** One tun write: the virtio header's ten bytes and the packet. */
    record Write(byte[] bytes) {
        VirtioNetHeader header() {
            return new VirtioNetHeader().wrap(ByteBuffer.wrap(bytes), 0);
        }

        byte[] packet() {
            return Arrays.copyOfRange(bytes, VirtioNetHeader.LENGTH, bytes.length);
        }

        boolean isSuperPacket() {
            return header().gsoType() != VirtioNetHeader.GSO_NONE;
        }
    }

    /** Adds every packet (each in its own decrypted buffer) and returns the copied writes. */
    static List<Write> coalesce(GroCoalescer coalescer, List<byte[]> packets) {
        coalescer.reset();
        for (byte[] packet : packets) {
            ByteBuffer buffer = TcpStream.decrypted(packet);
            assertThat(coalescer.add(buffer, TcpStream.HEADROOM, packet.length))
                    .as("room left")
                    .isNotNegative();
        }
        return emitted(coalescer);
    }

    static List<Write> emitted(GroCoalescer coalescer) {
        List<Write> writes = new ArrayList<>();
        ByteBuffer out = ByteBuffer.allocateDirect(VirtioNetHeader.LENGTH + 65_535);
        for (int w = 0; w < coalescer.writeCount(); w++) {
            int length = coalescer.emit(w, out, 0);
            assertThat(length).as("write %d", w).isEqualTo(coalescer.writeLength(w));
            byte[] bytes = new byte[length];
            out.get(0, bytes);
            writes.add(new Write(bytes));
        }
        return writes;
    }

    /** The packets a write stands for, as the kernel would cut it. */
    static List<byte[]> split(Write write) {
        byte[] packet = write.packet();
        GsoSegmenter segmenter = new GsoSegmenter();
        assertThat(segmenter.wrap(ByteBuffer.wrap(packet), 0, packet.length, write.header()))
                .isEqualTo(SegmentationResult.OK);
        List<byte[]> segments = new ArrayList<>();
        ByteBuffer out = ByteBuffer.allocate(65_535);
        for (int i = 0; i < segmenter.segmentCount(); i++) {
            int length = segmenter.segment(i, out, 0);
            byte[] bytes = new byte[length];
            out.get(0, bytes);
            segments.add(bytes);
        }
        return segments;
    }

    /** Every write cut back into packets, in write order. */
    static List<byte[]> splitAll(List<Write> writes) {
        List<byte[]> packets = new ArrayList<>();
        for (Write write : writes) {
            packets.addAll(split(write));
        }
        return packets;
    }

    /** Packets as hex strings: list equality that compares contents and diffs readably. */
    static List<String> hex(List<byte[]> packets) {
        return packets.stream().map(p -> java.util.HexFormat.of().formatHex(p)).toList();
    }

    /** How many packets each write holds, for readable assertions on grouping. */
    static List<Integer> shape(List<Write> writes) {
        return writes.stream().map(w -> split(w).size()).toList();
    }
}
