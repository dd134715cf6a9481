package dev.sluice.packet.offload;

import dev.sluice.packet.InternetChecksum;
import dev.sluice.packet.IpProtocol;
import dev.sluice.packet.Ipv4Header;
import dev.sluice.packet.Ipv6Header;
import dev.sluice.packet.TcpHeader;
import dev.sluice.packet.UdpHeader;
import java.nio.ByteBuffer;

/**
 * Turns the first packet's headers into those of the super-packet it heads, with the virtio header
 * in front, as a tun write with offloads wants it (and as the kernel's own GRO leaves a packet):
 *
 * <pre>
 *  at                at + 10
 *  +-----------------+---------------------+-------------------------+--------------
 *  | virtio header   | IP header           | TCP or UDP header       | payloads ...
 *  +-----------------+---------------------+-------------------------+--------------
 *   NEEDS_CSUM,        IPv4: total length,   TCP: PSH when the last segment had it
 *   TCPV4/TCPV6/       header checksum       UDP: length of the whole
 *   UDP_L4, hdr_len,   IPv6: payload length  checksum field: pseudo-header sum (length of the
 *   gso_size,                                whole included), folded, not complemented
 *   csum_start/offset
 * </pre>
 *
 * Stateless apart from the flyweight it is handed; allocation-free.
 */
final class SuperPacketHeader {
    private SuperPacketHeader() {}

    /**
     * Rewrites, in {@code buffer}, the headers that start at {@code at + 10} and writes the virtio
     * header at {@code at}.
     *
     * @param tcp true for a TSO super-packet, false for USO
     * @param networkHeaderLength bytes of IP header (csum_start)
     * @param headersLength bytes of IP and transport header (hdr_len)
     * @param ipLength the super-packet's IP length
     * @param gsoSize payload bytes per segment but the last
     * @param push whether the last segment carried PSH
     */
    static void finish(
            ByteBuffer buffer,
            int at,
            boolean tcp,
            int networkHeaderLength,
            int headersLength,
            int ipLength,
            int gsoSize,
            boolean push,
            VirtioNetHeader virtio) {
        int ip = at + VirtioNetHeader.LENGTH;
        int transport = ip + networkHeaderLength;
        int transportLength = ipLength - networkHeaderLength;
        boolean ipv4 = (buffer.get(ip) & 0xf0) == 0x40;
        int protocol = tcp ? IpProtocol.TCP : IpProtocol.UDP;
        long pseudoHeaderSum;
        if (ipv4) {
            buffer.putShort(ip + Ipv4Header.TOTAL_LENGTH_OFFSET, (short) ipLength);
            buffer.putShort(ip + Ipv4Header.CHECKSUM_OFFSET, (short) 0);
            buffer.putShort(
                    ip + Ipv4Header.CHECKSUM_OFFSET,
                    (short) InternetChecksum.compute(buffer, ip, networkHeaderLength));
            pseudoHeaderSum =
                    InternetChecksum.pseudoHeaderSumV4(
                            buffer.getInt(ip + Ipv4Header.SOURCE_OFFSET),
                            buffer.getInt(ip + Ipv4Header.DESTINATION_OFFSET),
                            protocol,
                            transportLength);
        } else {
            buffer.putShort(ip + Ipv6Header.PAYLOAD_LENGTH_OFFSET, (short) transportLength);
            pseudoHeaderSum =
                    InternetChecksum.pseudoHeaderSumV6(
                            buffer.getLong(ip + Ipv6Header.SOURCE_OFFSET),
                            buffer.getLong(ip + Ipv6Header.SOURCE_OFFSET + 8),
                            buffer.getLong(ip + Ipv6Header.DESTINATION_OFFSET),
                            buffer.getLong(ip + Ipv6Header.DESTINATION_OFFSET + 8),
                            protocol,
                            transportLength);
        }
        int checksumField;
        int gsoType;
        if (tcp) {
            if (push) {
                int flags = buffer.get(transport + TcpHeader.FLAGS_OFFSET);
                buffer.put(transport + TcpHeader.FLAGS_OFFSET, (byte) (flags | TcpHeader.FLAG_PSH));
            }
            checksumField = TcpHeader.CHECKSUM_OFFSET;
            gsoType = ipv4 ? VirtioNetHeader.GSO_TCPV4 : VirtioNetHeader.GSO_TCPV6;
        } else {
            buffer.putShort(transport + UdpHeader.LENGTH_OFFSET, (short) transportLength);
            checksumField = UdpHeader.CHECKSUM_OFFSET;
            gsoType = VirtioNetHeader.GSO_UDP_L4;
        }
        buffer.putShort(
                transport + checksumField, (short) PartialChecksum.partialValue(pseudoHeaderSum));
        virtio.wrap(buffer, at)
                .set(
                        VirtioNetHeader.FLAG_NEEDS_CHECKSUM,
                        gsoType,
                        headersLength,
                        gsoSize,
                        networkHeaderLength,
                        checksumField);
    }
}
