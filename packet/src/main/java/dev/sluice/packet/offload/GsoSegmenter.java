package dev.sluice.packet.offload;

import dev.sluice.packet.InternetChecksum;
import dev.sluice.packet.IpProtocol;
import dev.sluice.packet.Ipv4Header;
import dev.sluice.packet.Ipv6ExtensionHeader;
import dev.sluice.packet.Ipv6Header;
import dev.sluice.packet.PacketDecoder;
import dev.sluice.packet.TcpHeader;
import dev.sluice.packet.UdpHeader;
import java.nio.ByteBuffer;

/**
 * Cuts a packet read from a tun with offloads on into the packets it stands for ("tunnel out"): a
 * TSO super-packet ({@code GSO_TCPV4}/{@code GSO_TCPV6}) or a USO one ({@code GSO_UDP_L4}) into
 * segments of {@code gso_size} payload bytes, as the kernel's {@code tcp_gso_segment} and {@code
 * __udp_gso_segment} would, and a single packet ({@code GSO_NONE}) into itself with its partial
 * checksum completed.
 *
 * <pre>
 *  super-packet (up to 64 KB):
 *  +---------+-----------+--------+--------+-----+--------+
 *  | IP hdr  | TCP / UDP | gso_size bytes  | ... | rest   |
 *  | (+opts, | header    |        |        |     | (<=    |
 *  | +ext)   |           |        |        |     | gso)   |
 *  +---------+-----------+--------+--------+-----+--------+
 *  ^ 0       ^ csum_start           header length = csum_start + transport header length
 *
 *  segment i:  [ IP hdr' | TCP/UDP hdr' | payload i ]       (headers copied, then per segment:)
 *    IPv4: total length, identification = first + i (mod 2^16), header checksum
 *    IPv6: payload length
 *    TCP:  sequence = first + i * gso_size; CWR only on segment 0; FIN and PSH only on the last
 *    UDP:  length
 *    TCP/UDP checksum computed in full (pseudo-header with the segment's length)
 * </pre>
 *
 * <p>The virtio header's {@code hdr_len} is not trusted (the kernel reports its linear head length,
 * which on the forwarding path includes payload): the header length is {@code csum_start} plus the
 * TCP data offset, or plus 8 for UDP. {@code csum_start} is checked against the IPv4 header length
 * or the IPv6 extension-header chain (Hop-by-Hop, Destination Options, Routing without segments
 * left), which are copied into every segment like IPv4 options. The IP length field bounds the
 * packet; bytes beyond it are ignored.
 *
 * <p>Use: {@link #wrap} once per packet read, then {@link #segment} for each index below {@link
 * #segmentCount()}, each into the caller's buffer at the offset it chooses (leaving headroom for
 * the WireGuard header so the segment is sealed in place). The source must stay unchanged and must
 * not overlap a destination. Allocation-free and exception-free for any input; one owner thread at
 * a time; reusable for the next packet.
 */
public final class GsoSegmenter {
    /** Largest IP packet a segment can be (the IPv4 total length and IPv6 payload length cap). */
    public static final int MAX_PACKET_LENGTH = 65_535;

    private static final int TCP_CHECKSUM_FIELD = TcpHeader.CHECKSUM_OFFSET;
    private static final int UDP_CHECKSUM_FIELD = UdpHeader.CHECKSUM_OFFSET;

    private ByteBuffer source;
    private int sourceOffset;
    private int packetLength;
    private int ipVersion;
    private int protocol;
    private boolean gso;
    private int networkHeaderLength;
    private int headerLength;
    private int gsoSize;
    private int segmentCount;
    private boolean needsChecksum;
    private int checksumStart;
    private int checksumOffset;
    private long pseudoHeaderSumWithoutLength;
    private int firstSequence;
    private int firstIdentification;

    /**
     * Checks the packet at {@code packet[offset, offset + length)} and its virtio header (read
     * whole here; the view may be re-pointed afterwards) and prepares its segments.
     *
     * @return {@link SegmentationResult#OK}, or why the packet cannot be cut (then {@link
     *     #segmentCount()} is 0)
     */
    public SegmentationResult wrap(
            ByteBuffer packet, int offset, int length, VirtioNetHeader header) {
        segmentCount = 0;
        source = packet;
        sourceOffset = offset;
        if (offset < 0 || length < 1 || offset > packet.limit() - length) {
            return SegmentationResult.TRUNCATED;
        }
        ipVersion = (packet.get(offset) & 0xff) >>> 4;
        SegmentationResult network = checkNetworkHeader(packet, offset, length);
        if (network != SegmentationResult.OK) {
            return network;
        }
        int gsoType = header.gsoType();
        int kind = gsoType & ~VirtioNetHeader.GSO_ECN;
        boolean ecn = (gsoType & VirtioNetHeader.GSO_ECN) != 0;
        needsChecksum = header.needsChecksum();
        checksumStart = header.checksumStart();
        checksumOffset = header.checksumOffset();
        if (kind == VirtioNetHeader.GSO_NONE && !ecn) {
            return prepareSingle();
        }
        if (kind == VirtioNetHeader.GSO_TCPV4 || kind == VirtioNetHeader.GSO_TCPV6) {
            if ((kind == VirtioNetHeader.GSO_TCPV4) != (ipVersion == 4)) {
                return SegmentationResult.GSO_TYPE_MISMATCH;
            }
            protocol = IpProtocol.TCP;
        } else if (kind == VirtioNetHeader.GSO_UDP_L4 && !ecn) {
            protocol = IpProtocol.UDP;
        } else {
            return SegmentationResult.UNSUPPORTED_GSO_TYPE;
        }
        if (!needsChecksum) {
            return SegmentationResult.MISSING_CHECKSUM_OFFLOAD;
        }
        int expectedField = protocol == IpProtocol.TCP ? TCP_CHECKSUM_FIELD : UDP_CHECKSUM_FIELD;
        if (checksumOffset != expectedField) {
            return SegmentationResult.BAD_CHECKSUM_OFFSET;
        }
        SegmentationResult chain = checkTransportPosition(packet, offset);
        if (chain != SegmentationResult.OK) {
            return chain;
        }
        return prepareSegments(packet, offset, header.gsoSize());
    }

    /** Sets {@link #packetLength} from the IP header and checks what every path relies on. */
    private SegmentationResult checkNetworkHeader(ByteBuffer packet, int offset, int length) {
        if (ipVersion == 4) {
            if (length < Ipv4Header.MIN_LENGTH) {
                return SegmentationResult.TRUNCATED;
            }
            networkHeaderLength = (packet.get(offset) & 0x0f) << 2;
            packetLength = packet.getShort(offset + Ipv4Header.TOTAL_LENGTH_OFFSET) & 0xffff;
            if (networkHeaderLength < Ipv4Header.MIN_LENGTH || packetLength < networkHeaderLength) {
                return SegmentationResult.BAD_NETWORK_HEADER;
            }
        } else if (ipVersion == 6) {
            if (length < Ipv6Header.LENGTH) {
                return SegmentationResult.TRUNCATED;
            }
            networkHeaderLength = Ipv6Header.LENGTH;
            packetLength =
                    Ipv6Header.LENGTH
                            + (packet.getShort(offset + Ipv6Header.PAYLOAD_LENGTH_OFFSET) & 0xffff);
        } else {
            return SegmentationResult.BAD_VERSION;
        }
        return packetLength > length ? SegmentationResult.TRUNCATED : SegmentationResult.OK;
    }

    private SegmentationResult prepareSingle() {
        gso = false;
        protocol = -1;
        if (needsChecksum
                && (checksumStart < networkHeaderLength
                        || checksumStart > packetLength - 2 - checksumOffset)) {
            return SegmentationResult.BAD_CHECKSUM_OFFSET;
        }
        headerLength = packetLength;
        gsoSize = 0;
        segmentCount = 1;
        return SegmentationResult.OK;
    }

    /**
     * Checks that the transport header of {@link #protocol} starts at csum_start: right after the
     * IPv4 header (options included), or at the end of the IPv6 extension-header chain.
     */
    private SegmentationResult checkTransportPosition(ByteBuffer packet, int offset) {
        if (ipVersion == 4) {
            int fragment = packet.getShort(offset + Ipv4Header.FLAGS_FRAGMENT_OFFSET);
            if ((fragment & (Ipv4Header.FLAG_MORE_FRAGMENTS | Ipv4Header.FRAGMENT_OFFSET_MASK))
                    != 0) {
                return SegmentationResult.BAD_NETWORK_HEADER;
            }
            if (checksumStart != networkHeaderLength) {
                return SegmentationResult.BAD_CHECKSUM_OFFSET;
            }
            return (packet.get(offset + Ipv4Header.PROTOCOL_OFFSET) & 0xff) == protocol
                    ? SegmentationResult.OK
                    : SegmentationResult.GSO_TYPE_MISMATCH;
        }
        int nextHeader = packet.get(offset + Ipv6Header.NEXT_HEADER_OFFSET) & 0xff;
        int at = Ipv6Header.LENGTH;
        for (int walked = 0; at < checksumStart; walked++) {
            boolean allowed =
                    nextHeader == IpProtocol.DESTINATION_OPTIONS
                            || nextHeader == IpProtocol.ROUTING
                            || (nextHeader == IpProtocol.HOP_BY_HOP && walked == 0);
            if (nextHeader == IpProtocol.TCP || nextHeader == IpProtocol.UDP) {
                return SegmentationResult.BAD_CHECKSUM_OFFSET; // the chain ended before it
            }
            if (!allowed || walked == PacketDecoder.MAX_EXTENSION_HEADERS) {
                return SegmentationResult.BAD_NETWORK_HEADER;
            }
            if (at > packetLength - Ipv6ExtensionHeader.MIN_LENGTH) {
                return SegmentationResult.TRUNCATED;
            }
            if (nextHeader == IpProtocol.ROUTING && packet.get(offset + at + 3) != 0) {
                return SegmentationResult.UNSUPPORTED_ROUTING_HEADER;
            }
            int kindAndLength = packet.getShort(offset + at) & 0xffff;
            at += Ipv6ExtensionHeader.lengthBytes(nextHeader, kindAndLength & 0xff);
            nextHeader = kindAndLength >>> 8;
        }
        if (at != checksumStart) {
            return SegmentationResult.BAD_CHECKSUM_OFFSET;
        }
        networkHeaderLength = at;
        return nextHeader == protocol
                ? SegmentationResult.OK
                : SegmentationResult.GSO_TYPE_MISMATCH;
    }

    private SegmentationResult prepareSegments(ByteBuffer packet, int offset, int segmentSize) {
        gso = true;
        int transport = offset + networkHeaderLength;
        int transportHeaderLength;
        if (protocol == IpProtocol.TCP) {
            if (networkHeaderLength > packetLength - TcpHeader.MIN_LENGTH) {
                return SegmentationResult.BAD_TRANSPORT_HEADER;
            }
            transportHeaderLength =
                    ((packet.get(transport + TcpHeader.DATA_OFFSET_OFFSET) & 0xff) >>> 4) << 2;
            if (transportHeaderLength < TcpHeader.MIN_LENGTH
                    || transportHeaderLength > packetLength - networkHeaderLength) {
                return SegmentationResult.BAD_TRANSPORT_HEADER;
            }
            firstSequence = packet.getInt(transport + TcpHeader.SEQUENCE_OFFSET);
        } else {
            transportHeaderLength = UdpHeader.LENGTH;
            if (networkHeaderLength > packetLength - UdpHeader.LENGTH) {
                return SegmentationResult.BAD_TRANSPORT_HEADER;
            }
        }
        headerLength = networkHeaderLength + transportHeaderLength;
        if (segmentSize < 1 || segmentSize > MAX_PACKET_LENGTH - headerLength) {
            return SegmentationResult.BAD_GSO_SIZE;
        }
        gsoSize = segmentSize;
        if (ipVersion == 4) {
            firstIdentification =
                    packet.getShort(offset + Ipv4Header.IDENTIFICATION_OFFSET) & 0xffff;
            pseudoHeaderSumWithoutLength =
                    InternetChecksum.pseudoHeaderSumV4(
                            packet.getInt(offset + Ipv4Header.SOURCE_OFFSET),
                            packet.getInt(offset + Ipv4Header.DESTINATION_OFFSET),
                            protocol,
                            0);
        } else {
            pseudoHeaderSumWithoutLength =
                    InternetChecksum.pseudoHeaderSumV6(
                            packet.getLong(offset + Ipv6Header.SOURCE_OFFSET),
                            packet.getLong(offset + Ipv6Header.SOURCE_OFFSET + 8),
                            packet.getLong(offset + Ipv6Header.DESTINATION_OFFSET),
                            packet.getLong(offset + Ipv6Header.DESTINATION_OFFSET + 8),
                            protocol,
                            0);
        }
        int payload = packetLength - headerLength;
        segmentCount = payload == 0 ? 1 : (payload + gsoSize - 1) / gsoSize;
        return SegmentationResult.OK;
    }

    /** Segments the last {@link #wrap} prepared; 0 when it did not return OK. */
    public int segmentCount() {
        return segmentCount;
    }

    /** True when the wrapped packet is a super-packet (TSO or USO), not a single packet. */
    public boolean isSuperPacket() {
        return gso && segmentCount > 0;
    }

    /** 4 or 6, for the wrapped packet. */
    public int ipVersion() {
        return ipVersion;
    }

    /** Bytes of IP and transport header copied into every segment (the whole packet if single). */
    public int headerLength() {
        return headerLength;
    }

    /** Payload bytes per segment but the last (0 for a single packet). */
    public int gsoSize() {
        return gsoSize;
    }

    /** The IP length of the wrapped packet as its header states it. */
    public int packetLength() {
        return packetLength;
    }

    /** IP length of segment {@code index}, or -1 when there is no such segment. */
    public int segmentLength(int index) {
        if (index < 0 || index >= segmentCount) {
            return -1;
        }
        if (!gso) {
            return packetLength;
        }
        return headerLength + Math.min(gsoSize, packetLength - headerLength - index * gsoSize);
    }

    /** The longest segment's IP length (the first's), or -1 when nothing is wrapped. */
    public int maxSegmentLength() {
        return segmentLength(0);
    }

    /**
     * Absolute offset in the source of segment {@code index}'s payload (a super-packet's; -1 when
     * there is no such segment or the packet is not a super-packet).
     */
    public int payloadOffset(int index) {
        if (!gso || index < 0 || index >= segmentCount) {
            return -1;
        }
        return sourceOffset + headerLength + index * gsoSize;
    }

    /** Payload bytes of segment {@code index} of a super-packet, or -1. */
    public int payloadLength(int index) {
        int length = segmentLength(index);
        return !gso || length < 0 ? -1 : length - headerLength;
    }

    /**
     * Writes only the headers of segment {@code index} of a super-packet — what {@link #segment}
     * writes before the payload, every checksum valid for that payload — at {@code
     * destination[offset, offset + headerLength())}; the payload stays where it is in the source
     * ({@link #payloadOffset}, {@link #payloadLength}), so a cipher can read headers and payload
     * from where they are and nothing is copied.
     *
     * @return {@link #headerLength()}, or -1 (nothing written) when {@code index} is out of range,
     *     the packet is not a super-packet, or the headers do not fit
     */
    public int segmentHeaders(int index, ByteBuffer destination, int offset) {
        int length = segmentLength(index);
        if (!gso || length < 0 || offset < 0 || offset > destination.limit() - headerLength) {
            return -1;
        }
        int payloadLength = length - headerLength;
        int payloadAt = sourceOffset + headerLength + index * gsoSize;
        destination.put(offset, source, sourceOffset, headerLength);
        rewriteHeaders(index, length, destination, offset);
        int transport = offset + networkHeaderLength;
        int transportHeaderLength = headerLength - networkHeaderLength;
        int checksumField =
                transport + (protocol == IpProtocol.TCP ? TCP_CHECKSUM_FIELD : UDP_CHECKSUM_FIELD);
        destination.putShort(checksumField, (short) 0);
        // The transport header's length is even (TCP: a multiple of 4, UDP: 8): the two sums join.
        long accumulator =
                pseudoHeaderSumWithoutLength
                        + (length - networkHeaderLength)
                        + InternetChecksum.sum(destination, transport, transportHeaderLength)
                        + InternetChecksum.sum(source, payloadAt, payloadLength);
        int checksum = InternetChecksum.finish(accumulator);
        if (checksum == 0 && protocol == IpProtocol.UDP) {
            checksum = 0xffff;
        }
        destination.putShort(checksumField, (short) checksum);
        return headerLength;
    }

    /** Lengths, identification, sequence and flags of segment {@code index}, in place. */
    private void rewriteHeaders(int index, int length, ByteBuffer destination, int offset) {
        if (ipVersion == 4) {
            destination.putShort(offset + Ipv4Header.TOTAL_LENGTH_OFFSET, (short) length);
            destination.putShort(
                    offset + Ipv4Header.IDENTIFICATION_OFFSET,
                    (short) (firstIdentification + index));
            destination.putShort(offset + Ipv4Header.CHECKSUM_OFFSET, (short) 0);
            destination.putShort(
                    offset + Ipv4Header.CHECKSUM_OFFSET,
                    (short) InternetChecksum.compute(destination, offset, networkHeaderLength));
        } else {
            destination.putShort(
                    offset + Ipv6Header.PAYLOAD_LENGTH_OFFSET,
                    (short) (length - Ipv6Header.LENGTH));
        }
        int transport = offset + networkHeaderLength;
        if (protocol == IpProtocol.TCP) {
            destination.putInt(
                    transport + TcpHeader.SEQUENCE_OFFSET, firstSequence + index * gsoSize);
            int flags = destination.get(transport + TcpHeader.FLAGS_OFFSET);
            if (index > 0) {
                flags &= ~TcpHeader.FLAG_CWR;
            }
            if (index < segmentCount - 1) {
                flags &= ~(TcpHeader.FLAG_FIN | TcpHeader.FLAG_PSH);
            }
            destination.put(transport + TcpHeader.FLAGS_OFFSET, (byte) flags);
        } else {
            destination.putShort(
                    transport + UdpHeader.LENGTH_OFFSET, (short) (length - networkHeaderLength));
        }
    }

    /**
     * Writes segment {@code index} as a complete IP packet, every checksum valid, at {@code
     * destination[offset, offset + segmentLength(index))}.
     *
     * @return the segment's length, or -1 (nothing written) when {@code index} is out of range or
     *     the segment does not fit below the destination's limit
     */
    public int segment(int index, ByteBuffer destination, int offset) {
        int length = segmentLength(index);
        if (length < 0 || offset < 0 || offset > destination.limit() - length) {
            return -1;
        }
        if (!gso) {
            destination.put(offset, source, sourceOffset, length);
            if (needsChecksum) {
                PartialChecksum.complete(
                        destination, offset, length, checksumStart, checksumOffset);
            }
            return length;
        }
        int payloadLength = length - headerLength;
        destination.put(offset, source, sourceOffset, headerLength);
        destination.put(
                offset + headerLength,
                source,
                sourceOffset + headerLength + index * gsoSize,
                payloadLength);
        rewriteHeaders(index, length, destination, offset);
        int transport = offset + networkHeaderLength;
        int transportLength = length - networkHeaderLength;
        int checksumField =
                transport + (protocol == IpProtocol.TCP ? TCP_CHECKSUM_FIELD : UDP_CHECKSUM_FIELD);
        destination.putShort(checksumField, (short) 0);
        long accumulator =
                pseudoHeaderSumWithoutLength
                        + transportLength
                        + InternetChecksum.sum(destination, transport, transportLength);
        int checksum = InternetChecksum.finish(accumulator);
        if (checksum == 0 && protocol == IpProtocol.UDP) {
            checksum = 0xffff;
        }
        destination.putShort(checksumField, (short) checksum);
        return length;
    }
}
