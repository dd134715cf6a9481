package dev.sluice.packet.offload;

import dev.sluice.packet.InternetChecksum;
import java.nio.ByteBuffer;

/**
 * The checksum state a tun with {@code TUN_F_CSUM} hands over ({@code VIRTIO_NET_HDR_F_NEEDS_CSUM},
 * the kernel's CHECKSUM_PARTIAL) and expects back: the 16-bit field at {@code csum_start +
 * csum_offset} holds the folded, uncomplemented sum of the pseudo-header (RFC 9293 section 3.1, RFC
 * 768, RFC 8200 section 8.1, upper-layer length included), and whoever sends the packet sums the
 * bytes from {@code csum_start} to the end over it and stores the complement.
 *
 * <p>Stateless, allocation-free, safe from any thread; bad offsets return false, never throw.
 */
public final class PartialChecksum {
    private PartialChecksum() {}

    /**
     * Completes a partial checksum in place, as the kernel's {@code skb_checksum_help} does: the
     * one's complement sum of {@code packet[offset + checksumStart, offset + length)} (the field
     * with its pseudo-header sum included) is complemented and stored in the field; a result of
     * zero is stored as 0xffff (equal in one's complement, and required for UDP, RFC 768).
     *
     * @param length the IP packet's length in bytes
     * @return false, changing nothing, when the field does not lie inside the packet
     */
    public static boolean complete(
            ByteBuffer packet, int offset, int length, int checksumStart, int checksumOffset) {
        if (offset < 0
                || length < 0
                || offset > packet.limit() - length
                || checksumStart < 0
                || checksumOffset < 0
                || checksumStart > length - 2 - checksumOffset) {
            return false;
        }
        long accumulator =
                InternetChecksum.sum(packet, offset + checksumStart, length - checksumStart);
        int checksum = InternetChecksum.finish(accumulator);
        packet.putShort(
                offset + checksumStart + checksumOffset,
                (short) (checksum == 0 ? 0xffff : checksum));
        return true;
    }

    /**
     * The value a partial checksum field holds: the pseudo-header sum {@code pseudoHeaderSum}
     * (addresses, protocol and upper-layer length, see {@link InternetChecksum#pseudoHeaderSumV4}
     * and {@link InternetChecksum#pseudoHeaderSumV6}) folded to 16 bits, not complemented.
     */
    public static int partialValue(long pseudoHeaderSum) {
        return InternetChecksum.fold(pseudoHeaderSum);
    }
}
