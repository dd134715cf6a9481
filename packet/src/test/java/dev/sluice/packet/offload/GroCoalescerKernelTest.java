package dev.sluice.packet.offload;

import static dev.sluice.packet.offload.Writes.coalesce;
import static dev.sluice.packet.offload.Writes.shape;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.packet.InternetChecksum;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Coalescing the kernel's own segments (see {@link KernelGso}) gives back the super-packet the
 * kernel had cut them from: same virtio header, same bytes, but for the hop forwarding took.
 */
class GroCoalescerKernelTest {
    private final GroCoalescer coalescer = new GroCoalescer(64, 8, true);

    @Test
    void shouldRebuildTheKernelsSuperPacketWhenGivenItsSegments() {
        int rebuilt = 0;
        for (KernelGso.Read read : KernelGso.superPackets()) {
            List<byte[]> segments = KernelGso.kernelSegments(read.index());
            if (segments.isEmpty() || !plain(read)) {
                continue;
            }
            List<Writes.Write> writes = coalesce(coalescer, segments);

            assertThat(writes).as(read.toString()).hasSize(1);
            assertThat(HexFormat.of().formatHex(writes.get(0).bytes()))
                    .as(read.toString())
                    .isEqualTo(
                            HexFormat.of().formatHex(read.virtioHeader())
                                    + HexFormat.of().formatHex(forwarded(read.packet())));
            rebuilt++;
        }
        assertThat(rebuilt).as("super-packets rebuilt").isGreaterThanOrEqualTo(6);
    }

    @Test
    void shouldLeaveFinCwrAndIpv4OptionSegmentsAloneWhenGivenKernelSegments() {
        int checked = 0;
        for (KernelGso.Read read : KernelGso.superPackets()) {
            List<byte[]> segments = KernelGso.kernelSegments(read.index());
            if (segments.isEmpty()) {
                continue;
            }
            int n = segments.size();
            if (read.label().contains("options")) {
                // IPv4 options: each segment is written as it came (as the kernel's GRO does).
                assertThat(shape(coalesce(coalescer, segments)))
                        .as(read.toString())
                        .containsOnly(1)
                        .hasSize(n);
                checked++;
            } else if (read.label().contains("fin")) {
                assertThat(shape(coalesce(coalescer, segments)))
                        .as(read.toString())
                        .containsExactly(n - 1, 1);
                checked++;
            } else if (read.label().contains("cwr")) {
                assertThat(shape(coalesce(coalescer, segments)))
                        .as(read.toString())
                        .containsExactly(1, n - 1);
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(5);
    }

    private static boolean plain(KernelGso.Read read) {
        String label = read.label();
        return !label.contains("fin") && !label.contains("cwr") && !label.contains("options");
    }

    /** The super-packet as forwarding changed its segments: one hop less, IPv4 checksum updated. */
    private static byte[] forwarded(byte[] packet) {
        byte[] copy = packet.clone();
        ByteBuffer view = ByteBuffer.wrap(copy);
        if ((copy[0] & 0xf0) == 0x40) {
            copy[8]--;
            view.putShort(10, (short) 0);
            view.putShort(10, (short) InternetChecksum.compute(view, 0, (copy[0] & 0x0f) << 2));
        } else {
            copy[7]--;
        }
        return copy;
    }
}
