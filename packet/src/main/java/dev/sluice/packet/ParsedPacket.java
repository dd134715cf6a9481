package dev.sluice.packet;

import java.nio.ByteBuffer;

/**
 * The fields {@link PacketDecoder} extracts from one IP packet: a mutable holder reused for every
 * packet a thread decodes, so decoding allocates nothing. Fields are valid only after {@code
 * decode} returned {@link DecodeResult#OK}, and only until the next decode into the same holder.
 *
 * <p>Addresses are primitives: IPv4 as an {@code int} in network order (first octet in the high
 * byte), IPv6 as two {@code long}s (high, low). For IPv4 packets the IPv6 fields are zero and vice
 * versa.
 *
 * <p>The decoder writes every field on every successful path (there is no separate reset), so a
 * holder never shows values left from an earlier packet after an OK decode.
 *
 * <p>Ports, TCP flags and ICMP type/code are read only from a packet that carries its transport
 * header: an unfragmented packet or a first fragment ({@link #hasTransportHeader()}); otherwise
 * they are -1.
 */
public final class ParsedPacket {
    ByteBuffer buffer;
    int offset;
    int length;
    int ipVersion;
    int protocol;
    int networkHeaderLength;
    int transportOffset;
    int transportLength;
    int hopLimit;
    int sourceV4;
    int destinationV4;
    long sourceHigh;
    long sourceLow;
    long destinationHigh;
    long destinationLow;
    boolean fragment;
    int fragmentOffsetBytes;
    boolean transportHeader;
    int sourcePort;
    int destinationPort;
    int tcpFlags;
    int icmpType;
    int icmpCode;

    /** The buffer the packet lies in. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Absolute offset of the IP header. */
    public int offset() {
        return offset;
    }

    /** Packet length in bytes as the IP header states it (trailing bytes beyond it ignored). */
    public int length() {
        return length;
    }

    /** 4 or 6. */
    public int ipVersion() {
        return ipVersion;
    }

    public boolean isIpv4() {
        return ipVersion == 4;
    }

    public boolean isIpv6() {
        return ipVersion == 6;
    }

    /**
     * Upper-layer protocol: for IPv6 the Next Header after the extension-header chain ({@link
     * IpProtocol#NO_NEXT_HEADER} or {@link IpProtocol#ESP} when the chain ends there).
     */
    public int protocol() {
        return protocol;
    }

    /** IPv4 header with options, or IPv6 fixed header plus every extension header walked. */
    public int networkHeaderLength() {
        return networkHeaderLength;
    }

    /** Absolute offset of the upper-layer header (or fragment data). */
    public int transportOffset() {
        return transportOffset;
    }

    /** Bytes from {@link #transportOffset()} to the end of the packet. */
    public int transportLength() {
        return transportLength;
    }

    /** IPv4 TTL or IPv6 Hop Limit. */
    public int hopLimit() {
        return hopLimit;
    }

    public int sourceV4() {
        return sourceV4;
    }

    public int destinationV4() {
        return destinationV4;
    }

    public long sourceHigh() {
        return sourceHigh;
    }

    public long sourceLow() {
        return sourceLow;
    }

    public long destinationHigh() {
        return destinationHigh;
    }

    public long destinationLow() {
        return destinationLow;
    }

    /** True for any fragment, first included (IPv4 MF or offset; an IPv6 Fragment header). */
    public boolean isFragment() {
        return fragment;
    }

    public int fragmentOffsetBytes() {
        return fragmentOffsetBytes;
    }

    /** True when the upper-layer header is present (not a non-first fragment) and was checked. */
    public boolean hasTransportHeader() {
        return transportHeader;
    }

    public int sourcePort() {
        return sourcePort;
    }

    public int destinationPort() {
        return destinationPort;
    }

    public int tcpFlags() {
        return tcpFlags;
    }

    public int icmpType() {
        return icmpType;
    }

    public int icmpCode() {
        return icmpCode;
    }
}
