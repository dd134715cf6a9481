package dev.sluice.packet.offload;

import dev.sluice.packet.InternetChecksum;
import dev.sluice.packet.IpProtocol;
import dev.sluice.packet.Ipv4Header;
import dev.sluice.packet.Ipv6Header;
import dev.sluice.packet.TcpHeader;
import dev.sluice.packet.UdpHeader;
import java.nio.ByteBuffer;

/**
 * What {@link GroCoalescer} needs to know of one decrypted packet, and whether it may be coalesced
 * at all: a mutable holder refilled by {@link #parse} for every packet, so nothing is allocated.
 *
 * <p>A packet is <em>keyed</em> when its flow (version, addresses, protocol, ports) can be read: an
 * unfragmented TCP or UDP packet whose transport header directly follows the IP header (IPv4
 * options allowed). Keyed packets that do not coalesce still end their flow's open super-packet, so
 * nothing of the flow is written out of order. A keyed packet is a <em>candidate</em> when, in
 * addition: IPv4 has no options and a valid header checksum; TCP carries payload and exactly ACK or
 * ACK|PSH; UDP carries payload, a consistent length and (over IPv4) a checksum; and the transport
 * checksum verifies, so that the coalesced write, which the kernel takes as checksummed, launders
 * no corruption.
 */
final class GroCandidate {
    static final int KIND_NONE = 0;
    static final int KIND_TCP = 1;
    static final int KIND_UDP = 2;

    private static final int ACK = TcpHeader.FLAG_ACK;
    private static final int ACK_PSH = TcpHeader.FLAG_ACK | TcpHeader.FLAG_PSH;

    /** {@link #KIND_TCP} or {@link #KIND_UDP} for a candidate, else {@link #KIND_NONE}. */
    int kind;

    boolean keyed;
    int ipVersion;
    int protocol;

    /** The IP length as the header states it (bytes after it are ignored). */
    int ipLength;

    int networkHeaderLength;
    int transportHeaderLength;
    int payloadLength;
    int sequence;
    int tcpFlags;
    int flowHash;

    /**
     * Fills this holder for the packet at {@code buffer[offset, offset + length)}; never throws and
     * reads nothing outside that range.
     */
    void parse(ByteBuffer buffer, int offset, int length, boolean udpAllowed) {
        kind = KIND_NONE;
        keyed = false;
        if (offset < 0 || length < Ipv4Header.MIN_LENGTH || offset > buffer.limit() - length) {
            return;
        }
        ipVersion = (buffer.get(offset) & 0xff) >>> 4;
        boolean plainHeader;
        if (ipVersion == 4) {
            networkHeaderLength = (buffer.get(offset) & 0x0f) << 2;
            ipLength = buffer.getShort(offset + Ipv4Header.TOTAL_LENGTH_OFFSET) & 0xffff;
            protocol = buffer.get(offset + Ipv4Header.PROTOCOL_OFFSET) & 0xff;
            int fragment = buffer.getShort(offset + Ipv4Header.FLAGS_FRAGMENT_OFFSET);
            if (networkHeaderLength < Ipv4Header.MIN_LENGTH
                    || ipLength < networkHeaderLength
                    || ipLength > length
                    || (fragment
                                    & (Ipv4Header.FLAG_MORE_FRAGMENTS
                                            | Ipv4Header.FRAGMENT_OFFSET_MASK))
                            != 0) {
                return;
            }
            plainHeader =
                    networkHeaderLength == Ipv4Header.MIN_LENGTH
                            && InternetChecksum.compute(buffer, offset, Ipv4Header.MIN_LENGTH) == 0;
        } else if (ipVersion == 6) {
            if (length < Ipv6Header.LENGTH) {
                return;
            }
            networkHeaderLength = Ipv6Header.LENGTH;
            ipLength =
                    Ipv6Header.LENGTH
                            + (buffer.getShort(offset + Ipv6Header.PAYLOAD_LENGTH_OFFSET) & 0xffff);
            protocol = buffer.get(offset + Ipv6Header.NEXT_HEADER_OFFSET) & 0xff;
            if (ipLength > length) {
                return;
            }
            plainHeader = true;
        } else {
            return;
        }
        int transport = offset + networkHeaderLength;
        int transportLength = ipLength - networkHeaderLength;
        if (protocol == IpProtocol.TCP) {
            if (transportLength < TcpHeader.MIN_LENGTH) {
                return;
            }
            transportHeaderLength =
                    ((buffer.get(transport + TcpHeader.DATA_OFFSET_OFFSET) & 0xff) >>> 4) << 2;
            if (transportHeaderLength < TcpHeader.MIN_LENGTH
                    || transportHeaderLength > transportLength) {
                return;
            }
            tcpFlags = buffer.get(transport + TcpHeader.FLAGS_OFFSET) & 0xff;
            sequence = buffer.getInt(transport + TcpHeader.SEQUENCE_OFFSET);
        } else if (protocol == IpProtocol.UDP) {
            if (transportLength < UdpHeader.LENGTH) {
                return;
            }
            transportHeaderLength = UdpHeader.LENGTH;
        } else {
            return;
        }
        keyed = true;
        payloadLength = transportLength - transportHeaderLength;
        flowHash = hash(buffer, offset, transport);
        if (!plainHeader || payloadLength == 0) {
            return;
        }
        if (protocol == IpProtocol.TCP) {
            if ((tcpFlags == ACK || tcpFlags == ACK_PSH)
                    && transportChecksumValid(buffer, offset, transport, transportLength)) {
                kind = KIND_TCP;
            }
        } else if (udpAllowed
                && (buffer.getShort(transport + UdpHeader.LENGTH_OFFSET) & 0xffff)
                        == transportLength
                && buffer.getShort(transport + UdpHeader.CHECKSUM_OFFSET) != 0
                && transportChecksumValid(buffer, offset, transport, transportLength)) {
            kind = KIND_UDP;
        }
    }

    private boolean transportChecksumValid(
            ByteBuffer buffer, int offset, int transport, int transportLength) {
        long accumulator = InternetChecksum.sum(buffer, transport, transportLength);
        if (ipVersion == 4) {
            accumulator +=
                    InternetChecksum.pseudoHeaderSumV4(
                            buffer.getInt(offset + Ipv4Header.SOURCE_OFFSET),
                            buffer.getInt(offset + Ipv4Header.DESTINATION_OFFSET),
                            protocol,
                            transportLength);
        } else {
            accumulator +=
                    InternetChecksum.pseudoHeaderSumV6(
                            buffer.getLong(offset + Ipv6Header.SOURCE_OFFSET),
                            buffer.getLong(offset + Ipv6Header.SOURCE_OFFSET + 8),
                            buffer.getLong(offset + Ipv6Header.DESTINATION_OFFSET),
                            buffer.getLong(offset + Ipv6Header.DESTINATION_OFFSET + 8),
                            protocol,
                            transportLength);
        }
        return InternetChecksum.fold(accumulator) == 0xffff;
    }

    /** A quick filter over version, addresses, protocol and ports; equality is checked after. */
    private int hash(ByteBuffer buffer, int offset, int transport) {
        int h = buffer.getInt(transport) * 31 + protocol;
        if (ipVersion == 4) {
            long addresses = buffer.getLong(offset + Ipv4Header.SOURCE_OFFSET);
            return h * 31 + Long.hashCode(addresses);
        }
        for (int at = Ipv6Header.SOURCE_OFFSET; at < Ipv6Header.LENGTH; at += 8) {
            h = h * 31 + Long.hashCode(buffer.getLong(offset + at));
        }
        return h * 31 + 6;
    }
}
