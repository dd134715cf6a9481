package dev.sluice.daemon.platform.darwin;

/**
 * The framing of utun packets: each one read or written carries, before the IP header, the protocol
 * family as a 32-bit integer in network order ({@code AF_INET} 2, {@code AF_INET6} 30; {@code
 * utun_output}/{@code utun_demux}, bsd/net/if_utun.c). Reads and writes use two iovecs, header and
 * packet, so packets stay where the data plane keeps them.
 *
 * <pre>
 *   struct iovec (bsd/sys/_types/_iovec_t.h, 16 on LP64)  0 iov_base (pointer) | 8 iov_len (size_t)
 * </pre>
 */
public final class UtunFraming {
    public static final int HEADER_LENGTH = 4;
    public static final int IOVEC_LENGTH = 16;

    private UtunFraming() {}

    /**
     * The family header for a packet whose first byte is {@code firstByte}: {@code AF_INET} for
     * version 4, {@code AF_INET6} for version 6, 0 for anything else (not written).
     */
    public static int family(byte firstByte) {
        return switch ((firstByte & 0xf0) >>> 4) {
            case 4 -> Sockaddr.AF_INET;
            case 6 -> Sockaddr.AF_INET6;
            default -> 0;
        };
    }

    /** The header's four bytes, network order, for {@code family}. */
    public static byte[] header(int family) {
        return new byte[] {
            (byte) (family >>> 24), (byte) (family >>> 16), (byte) (family >>> 8), (byte) family
        };
    }
}
