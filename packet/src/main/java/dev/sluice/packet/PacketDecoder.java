package dev.sluice.packet;

import java.nio.ByteBuffer;

/**
 * Decodes the IP, extension and transport headers of one packet into a {@link ParsedPacket}.
 *
 * <p>Contract: for any buffer, offset and length (including negative, past the limit, or random
 * bytes) {@link #decode} returns a {@link DecodeResult} and never throws; it reads only bytes in
 * {@code [offset, offset + length)} and allocates nothing. Cost is a constant number of reads plus
 * one step per IPv6 extension header (at most {@link #MAX_EXTENSION_HEADERS}).
 *
 * <p>Checks, in order: version (RFC 791, RFC 8200); IPv4 IHL and total length against the bytes
 * present; IPv6 payload length against the bytes present (jumbograms, RFC 2675, are refused: a tun
 * never carries them); the extension-header chain of RFC 8200 section 4 (Hop-by-Hop only first,
 * every header within the packet); then, when the packet carries its transport header, the TCP data
 * offset (RFC 9293), the UDP length (RFC 768) and the ICMP minimum. Checksums are not verified
 * here: packets from the tun were built by the local kernel, packets from the tunnel are
 * authenticated by the AEAD.
 */
public final class PacketDecoder {
    /**
     * Longest IPv6 extension-header chain accepted. RFC 8200 section 4.1 recommends at most one of
     * each kind (Destination Options twice): 8 covers every legitimate chain.
     */
    public static final int MAX_EXTENSION_HEADERS = 8;

    private PacketDecoder() {}

    /**
     * Decodes the packet at {@code buffer[offset, offset + length)} into {@code out}.
     *
     * @return {@link DecodeResult#OK} when every header checked is well formed
     */
    public static DecodeResult decode(ByteBuffer buffer, int offset, int length, ParsedPacket out) {
        out.buffer = buffer;
        out.offset = offset;
        if (offset < 0 || length < 1 || offset > buffer.limit() - length) {
            return DecodeResult.TRUNCATED;
        }
        int version = (buffer.get(offset) & 0xff) >>> 4;
        if (version == 4) {
            return decodeIpv4(buffer, offset, length, out);
        }
        if (version == 6) {
            return decodeIpv6(buffer, offset, length, out);
        }
        return DecodeResult.BAD_VERSION;
    }

    private static DecodeResult decodeIpv4(
            ByteBuffer buffer, int offset, int length, ParsedPacket out) {
        if (length < Ipv4Header.MIN_LENGTH) {
            return DecodeResult.TRUNCATED;
        }
        // Three wide reads cover the fixed header: [ver/ihl tos length id flags/offset],
        // [ttl protocol checksum source], [destination].
        long first = buffer.getLong(offset);
        long second = buffer.getLong(offset + Ipv4Header.TTL_OFFSET);
        int headerLength = ((int) (first >>> 56) & 0x0f) << 2;
        if (headerLength < Ipv4Header.MIN_LENGTH) {
            return DecodeResult.BAD_HEADER_LENGTH;
        }
        int totalLength = (int) (first >>> 32) & 0xffff;
        if (totalLength < headerLength) {
            return DecodeResult.BAD_TOTAL_LENGTH;
        }
        if (totalLength > length) {
            return DecodeResult.TRUNCATED;
        }
        int fragmentWord = (int) first & 0xffff;
        int fragmentOffsetBytes = (fragmentWord & Ipv4Header.FRAGMENT_OFFSET_MASK) << 3;
        out.ipVersion = 4;
        out.length = totalLength;
        out.networkHeaderLength = headerLength;
        out.protocol = (int) (second >>> 48) & 0xff;
        out.hopLimit = (int) (second >>> 56) & 0xff;
        out.sourceV4 = (int) second;
        out.destinationV4 = buffer.getInt(offset + Ipv4Header.DESTINATION_OFFSET);
        out.sourceHigh = 0;
        out.sourceLow = 0;
        out.destinationHigh = 0;
        out.destinationLow = 0;
        out.fragmentOffsetBytes = fragmentOffsetBytes;
        out.fragment =
                (fragmentWord & Ipv4Header.FLAG_MORE_FRAGMENTS) != 0 || fragmentOffsetBytes != 0;
        out.transportOffset = offset + headerLength;
        out.transportLength = totalLength - headerLength;
        return decodeTransport(buffer, out);
    }

    private static DecodeResult decodeIpv6(
            ByteBuffer buffer, int offset, int length, ParsedPacket out) {
        if (length < Ipv6Header.LENGTH) {
            return DecodeResult.TRUNCATED;
        }
        // [version class flow], [payload length, next header, hop limit] in one read.
        long first = buffer.getLong(offset);
        int payloadLength = (int) (first >>> 16) & 0xffff;
        int nextHeader = (int) (first >>> 8) & 0xff;
        if (payloadLength == 0 && nextHeader == IpProtocol.HOP_BY_HOP) {
            return DecodeResult.BAD_TOTAL_LENGTH;
        }
        int totalLength = Ipv6Header.LENGTH + payloadLength;
        if (totalLength > length) {
            return DecodeResult.TRUNCATED;
        }
        out.ipVersion = 6;
        out.length = totalLength;
        out.hopLimit = (int) first & 0xff;
        out.sourceV4 = 0;
        out.destinationV4 = 0;
        out.sourceHigh = buffer.getLong(offset + Ipv6Header.SOURCE_OFFSET);
        out.sourceLow = buffer.getLong(offset + Ipv6Header.SOURCE_OFFSET + 8);
        out.destinationHigh = buffer.getLong(offset + Ipv6Header.DESTINATION_OFFSET);
        out.destinationLow = buffer.getLong(offset + Ipv6Header.DESTINATION_OFFSET + 8);
        out.fragment = false;
        out.fragmentOffsetBytes = 0;

        int end = offset + totalLength;
        int at = offset + Ipv6Header.LENGTH;
        int walked = 0;
        boolean chainEnded = false;
        while (!chainEnded) {
            switch (nextHeader) {
                case IpProtocol.HOP_BY_HOP,
                        IpProtocol.ROUTING,
                        IpProtocol.DESTINATION_OPTIONS,
                        IpProtocol.AUTHENTICATION -> {
                    if (nextHeader == IpProtocol.HOP_BY_HOP && walked != 0) {
                        return DecodeResult.BAD_EXTENSION_HEADER;
                    }
                    if (++walked > MAX_EXTENSION_HEADERS) {
                        return DecodeResult.TOO_MANY_EXTENSION_HEADERS;
                    }
                    if (end - at < Ipv6ExtensionHeader.MIN_LENGTH) {
                        return DecodeResult.BAD_EXTENSION_HEADER;
                    }
                    int kindAndLength = buffer.getShort(at) & 0xffff;
                    int headerLength =
                            Ipv6ExtensionHeader.lengthBytes(nextHeader, kindAndLength & 0xff);
                    if (headerLength > end - at) {
                        return DecodeResult.BAD_EXTENSION_HEADER;
                    }
                    nextHeader = kindAndLength >>> 8;
                    at += headerLength;
                }
                case IpProtocol.FRAGMENT -> {
                    if (++walked > MAX_EXTENSION_HEADERS) {
                        return DecodeResult.TOO_MANY_EXTENSION_HEADERS;
                    }
                    if (end - at < Ipv6FragmentHeader.LENGTH) {
                        return DecodeResult.BAD_EXTENSION_HEADER;
                    }
                    int word = buffer.getInt(at);
                    out.fragment = true;
                    out.fragmentOffsetBytes = word & 0xfff8;
                    nextHeader = word >>> 24;
                    at += Ipv6FragmentHeader.LENGTH;
                    // Headers after a non-first fragment's Fragment header are payload bytes.
                    chainEnded = out.fragmentOffsetBytes != 0;
                }
                default -> chainEnded = true;
            }
        }
        out.protocol = nextHeader;
        out.networkHeaderLength = at - offset;
        out.transportOffset = at;
        out.transportLength = end - at;
        return decodeTransport(buffer, out);
    }

    private static DecodeResult decodeTransport(ByteBuffer buffer, ParsedPacket out) {
        out.transportHeader = false;
        out.sourcePort = -1;
        out.destinationPort = -1;
        out.tcpFlags = -1;
        out.icmpType = -1;
        out.icmpCode = -1;
        if (out.fragmentOffsetBytes != 0) {
            return DecodeResult.OK;
        }
        int at = out.transportOffset;
        int available = out.transportLength;
        switch (out.protocol) {
            case IpProtocol.TCP -> {
                if (available < TcpHeader.MIN_LENGTH) {
                    return DecodeResult.BAD_TRANSPORT_HEADER;
                }
                int offsetAndFlags = buffer.getShort(at + TcpHeader.DATA_OFFSET_OFFSET) & 0xffff;
                int headerLength = (offsetAndFlags >>> 12) << 2;
                if (headerLength < TcpHeader.MIN_LENGTH || headerLength > available) {
                    return DecodeResult.BAD_TRANSPORT_HEADER;
                }
                int ports = buffer.getInt(at);
                out.sourcePort = ports >>> 16;
                out.destinationPort = ports & 0xffff;
                out.tcpFlags = offsetAndFlags & 0xff;
            }
            case IpProtocol.UDP -> {
                if (available < UdpHeader.LENGTH) {
                    return DecodeResult.BAD_TRANSPORT_HEADER;
                }
                long header = buffer.getLong(at);
                int udpLength = (int) (header >>> 16) & 0xffff;
                // A first fragment holds only part of the datagram the length describes.
                if (udpLength < UdpHeader.LENGTH || (!out.fragment && udpLength > available)) {
                    return DecodeResult.BAD_TRANSPORT_HEADER;
                }
                out.sourcePort = (int) (header >>> 48);
                out.destinationPort = (int) (header >>> 32) & 0xffff;
            }
            case IpProtocol.ICMP, IpProtocol.ICMPV6 -> {
                if ((out.protocol == IpProtocol.ICMP) != (out.ipVersion == 4)) {
                    return DecodeResult.OK; // ICMPv6 in IPv4 or vice versa: opaque payload
                }
                if (available < IcmpHeader.LENGTH) {
                    return DecodeResult.BAD_TRANSPORT_HEADER;
                }
                int typeAndCode = buffer.getShort(at) & 0xffff;
                out.icmpType = typeAndCode >>> 8;
                out.icmpCode = typeAndCode & 0xff;
            }
            default -> {
                return DecodeResult.OK;
            }
        }
        out.transportHeader = true;
        return DecodeResult.OK;
    }
}
