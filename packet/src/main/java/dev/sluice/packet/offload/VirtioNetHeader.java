package dev.sluice.packet.offload;

import java.nio.ByteBuffer;

/**
 * Flyweight over the 10-byte {@code struct virtio_net_hdr} that precedes every packet read from or
 * written to a Linux tun opened with {@code IFF_VNET_HDR} (include/uapi/linux/virtio_net.h). The
 * 16-bit fields are little-endian: that is how the tun uses them on little-endian hosts and
 * whenever {@code TUNSETVNETBE} is off, the only configuration Sluice uses. Reads and writes are
 * byte-wise, so the buffer's own {@link java.nio.ByteOrder} does not matter.
 *
 * <pre>
 *  0               1               2               3
 *  0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 * +---------------+---------------+-------------------------------+
 * |     flags     |   gso_type    |      hdr_len (LE16)           |
 * +---------------+---------------+-------------------------------+
 * |      gso_size (LE16)          |      csum_start (LE16)        |
 * +-------------------------------+-------------------------------+
 * |      csum_offset (LE16)       |  the IP packet follows ...
 * +-------------------------------+
 *
 * flags:    NEEDS_CSUM (1): the checksum at csum_start + csum_offset holds only the
 *                           pseudo-header sum; whoever sends the packet completes it.
 *           DATA_VALID (2): the checksum was verified (a hint; Sluice writes 0).
 * gso_type: NONE (0), TCPV4 (1), UDP (3, legacy UFO: refused), TCPV6 (4), UDP_L4 (5, USO),
 *           plus ECN (0x80): the TCP super-packet carries CWR (RFC 3168), on its first segment.
 * hdr_len:  bytes of headers (IP + transport). A hint only when reading: the kernel reports its
 *           linear head length, which on the forwarding path covers payload too.
 * gso_size: payload bytes per segment (the MSS for TCP).
 * csum_start / csum_offset: where the transport header starts, and where in it the checksum is.
 * </pre>
 *
 * <p>Accessors do no validation; {@link GsoSegmenter} checks every field it uses against the
 * packet. Allocation-free; one owner thread at a time.
 */
public final class VirtioNetHeader {
    /** {@code sizeof(struct virtio_net_hdr)}: the bytes before each packet. */
    public static final int LENGTH = 10;

    public static final int FLAGS_OFFSET = 0;
    public static final int GSO_TYPE_OFFSET = 1;
    public static final int HEADER_LENGTH_OFFSET = 2;
    public static final int GSO_SIZE_OFFSET = 4;
    public static final int CHECKSUM_START_OFFSET = 6;
    public static final int CHECKSUM_OFFSET_OFFSET = 8;

    /** VIRTIO_NET_HDR_F_NEEDS_CSUM: complete the partial checksum at csum_start + csum_offset. */
    public static final int FLAG_NEEDS_CHECKSUM = 1;

    /** VIRTIO_NET_HDR_F_DATA_VALID: the checksum has been verified. */
    public static final int FLAG_DATA_VALID = 2;

    /** VIRTIO_NET_HDR_GSO_NONE: a single packet. */
    public static final int GSO_NONE = 0;

    /** VIRTIO_NET_HDR_GSO_TCPV4: an IPv4 TCP super-packet (TSO). */
    public static final int GSO_TCPV4 = 1;

    /** VIRTIO_NET_HDR_GSO_UDP: legacy UDP fragmentation offload (UFO), never enabled by Sluice. */
    public static final int GSO_UDP = 3;

    /** VIRTIO_NET_HDR_GSO_TCPV6: an IPv6 TCP super-packet (TSO). */
    public static final int GSO_TCPV6 = 4;

    /** VIRTIO_NET_HDR_GSO_UDP_L4: an IPv4 or IPv6 UDP super-packet cut into datagrams (USO). */
    public static final int GSO_UDP_L4 = 5;

    /** VIRTIO_NET_HDR_GSO_ECN: bit set in gso_type when the TCP super-packet carries CWR. */
    public static final int GSO_ECN = 0x80;

    private ByteBuffer buffer;
    private int offset;

    /** Points this view at the header starting at {@code offset}; returns {@code this}. */
    public VirtioNetHeader wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public int flags() {
        return buffer.get(offset + FLAGS_OFFSET) & 0xff;
    }

    public VirtioNetHeader flags(int flags) {
        buffer.put(offset + FLAGS_OFFSET, (byte) flags);
        return this;
    }

    /** True when {@link #FLAG_NEEDS_CHECKSUM} is set. */
    public boolean needsChecksum() {
        return (flags() & FLAG_NEEDS_CHECKSUM) != 0;
    }

    /** The raw gso_type octet, {@link #GSO_ECN} bit included. */
    public int gsoType() {
        return buffer.get(offset + GSO_TYPE_OFFSET) & 0xff;
    }

    public VirtioNetHeader gsoType(int gsoType) {
        buffer.put(offset + GSO_TYPE_OFFSET, (byte) gsoType);
        return this;
    }

    /** gso_type without the {@link #GSO_ECN} bit: one of the {@code GSO_*} kinds. */
    public int gsoKind() {
        return gsoType() & ~GSO_ECN;
    }

    public int headerLength() {
        return uint16(HEADER_LENGTH_OFFSET);
    }

    public VirtioNetHeader headerLength(int bytes) {
        return uint16(HEADER_LENGTH_OFFSET, bytes);
    }

    public int gsoSize() {
        return uint16(GSO_SIZE_OFFSET);
    }

    public VirtioNetHeader gsoSize(int bytes) {
        return uint16(GSO_SIZE_OFFSET, bytes);
    }

    /** csum_start: offset of the transport header from the start of the IP packet. */
    public int checksumStart() {
        return uint16(CHECKSUM_START_OFFSET);
    }

    public VirtioNetHeader checksumStart(int bytes) {
        return uint16(CHECKSUM_START_OFFSET, bytes);
    }

    /** csum_offset: offset of the checksum field from {@link #checksumStart()}. */
    public int checksumOffset() {
        return uint16(CHECKSUM_OFFSET_OFFSET);
    }

    public VirtioNetHeader checksumOffset(int bytes) {
        return uint16(CHECKSUM_OFFSET_OFFSET, bytes);
    }

    /** Writes all ten bytes as zero: a single packet, checksum complete (what GSO_NONE means). */
    public VirtioNetHeader clear() {
        buffer.putLong(offset, 0L);
        buffer.putShort(offset + 8, (short) 0);
        return this;
    }

    /** Writes every field at once; returns {@code this}. */
    public VirtioNetHeader set(
            int flags,
            int gsoType,
            int headerLength,
            int gsoSize,
            int checksumStart,
            int checksumOffset) {
        flags(flags).gsoType(gsoType);
        uint16(HEADER_LENGTH_OFFSET, headerLength);
        uint16(GSO_SIZE_OFFSET, gsoSize);
        uint16(CHECKSUM_START_OFFSET, checksumStart);
        return uint16(CHECKSUM_OFFSET_OFFSET, checksumOffset);
    }

    private int uint16(int field) {
        return (buffer.get(offset + field) & 0xff) | (buffer.get(offset + field + 1) & 0xff) << 8;
    }

    private VirtioNetHeader uint16(int field, int value) {
        buffer.put(offset + field, (byte) value);
        buffer.put(offset + field + 1, (byte) (value >>> 8));
        return this;
    }

    @Override
    public String toString() {
        if (buffer == null) {
            return "VirtioNetHeader[unwrapped]";
        }
        return "VirtioNetHeader[flags="
                + flags()
                + " gsoType="
                + gsoType()
                + " hdrLen="
                + headerLength()
                + " gsoSize="
                + gsoSize()
                + " csumStart="
                + checksumStart()
                + " csumOffset="
                + checksumOffset()
                + "]";
    }
}
