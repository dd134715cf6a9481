package dev.sluice.daemon.dataplane;

import dev.sluice.crypto.Action;
import dev.sluice.crypto.Tunnel;
import dev.sluice.crypto.TunnelResult;
import dev.sluice.crypto.message.TransportMessage;
import dev.sluice.packet.MssClamp;
import dev.sluice.packet.ParsedPacket;
import dev.sluice.packet.offload.GsoSegmenter;
import dev.sluice.packet.offload.PartialChecksum;
import dev.sluice.packet.offload.SegmentationResult;
import dev.sluice.packet.offload.VirtioNetHeader;
import java.nio.ByteBuffer;

/**
 * Seals one packet as the device gave it — a plain IP packet, or (offloads on) a virtio header and
 * a packet or TSO/USO super-packet — for one peer, into a {@link SendBatch}:
 *
 * <pre>
 *   super-packet -> GsoSegmenter: per segment, headers into a scratch buffer, payload left in place
 *                -> Tunnel.encapsulate(headers, payload) writes the message into the batch
 *   single       -> partial checksum completed, SYN MSS clamped, sealed from where it lies
 * </pre>
 *
 * Every plaintext byte is read once by the cipher and every message byte written once, into the
 * memory the socket sends from. One per thread; allocation-free and exception-free for bad input (a
 * counted drop).
 */
final class TunnelSender {
    /** {@link #seal}: no session; the caller keeps the packet until there is one. */
    static final int STAGE = -1;

    /** {@link #seal}: dropped (counted here or by the protocol core). */
    static final int DROPPED = -2;

    private final boolean vnetHeader;
    private final DataPlaneCounters counters;
    private final GsoSegmenter segmenter = new GsoSegmenter();
    private final VirtioNetHeader virtio = new VirtioNetHeader();
    private final ByteBuffer headers = ByteBuffer.allocateDirect(512);
    private final TunnelResult result = new TunnelResult();
    private boolean timersChanged;

    TunnelSender(boolean vnetHeader, DataPlaneCounters counters) {
        this.vnetHeader = vnetHeader;
        this.counters = counters;
    }

    /**
     * Seals {@code data[offset, +length)} (virtio header first when the device has one) for {@code
     * peer}'s tunnel, to {@code to}.
     *
     * @param parsed the packet decoded (its IP part), for the SYN MSS clamp; or null
     * @return messages sealed into {@code batch}, {@link #STAGE} or {@link #DROPPED}
     */
    int seal(
            ByteBuffer data,
            int offset,
            int length,
            ParsedPacket parsed,
            Tunnel tunnel,
            Endpoint to,
            SendBatch batch,
            int mtu,
            long nowNs) {
        timersChanged = false;
        int ip = offset;
        int ipLength = length;
        if (vnetHeader) {
            if (length < VirtioNetHeader.LENGTH) {
                counters.increment(Counter.DROP_OFFLOAD_MALFORMED);
                return DROPPED;
            }
            virtio.wrap(data, offset);
            ip += VirtioNetHeader.LENGTH;
            ipLength -= VirtioNetHeader.LENGTH;
            if (virtio.gsoKind() != VirtioNetHeader.GSO_NONE) {
                return sealSegments(data, ip, ipLength, tunnel, to, batch, mtu, nowNs);
            }
            if (virtio.needsChecksum()
                    && !PartialChecksum.complete(
                            data, ip, ipLength, virtio.checksumStart(), virtio.checksumOffset())) {
                counters.increment(Counter.DROP_OFFLOAD_MALFORMED);
                return DROPPED;
            }
        }
        if (parsed != null
                && MssClamp.clampSyn(
                        parsed,
                        parsed.isIpv4() ? MssClamp.maxMssV4(mtu) : MssClamp.maxMssV6(mtu))) {
            counters.increment(Counter.MSS_CLAMPED);
        }
        int at = batch.reserve(messageLength(ipLength, mtu), to);
        TunnelResult sent =
                tunnel.encapsulate(data, ip, ipLength, batch.buffer(), at, nowNs, result);
        timersChanged = sent.timersChanged();
        if (sent.action() == Action.WRITE_TO_NETWORK) {
            batch.commit(sent.length());
            counters.increment(Counter.OUT_TUNNEL_PACKETS);
            counters.add(Counter.OUT_TUNNEL_BYTES, ipLength);
            return 1;
        }
        return sent.staged() ? STAGE : DROPPED;
    }

    private int sealSegments(
            ByteBuffer data,
            int ip,
            int ipLength,
            Tunnel tunnel,
            Endpoint to,
            SendBatch batch,
            int mtu,
            long nowNs) {
        if (segmenter.wrap(data, ip, ipLength, virtio) != SegmentationResult.OK) {
            counters.increment(Counter.DROP_OFFLOAD_MALFORMED);
            return DROPPED;
        }
        int segments = segmenter.segmentCount();
        counters.increment(Counter.OUT_SUPER_PACKETS);
        for (int i = 0; i < segments; i++) {
            int headerLength = segmenter.segmentHeaders(i, headers, 0);
            int payloadLength = segmenter.payloadLength(i);
            int segmentLength = headerLength + payloadLength;
            int at = batch.reserve(messageLength(segmentLength, mtu), to);
            TunnelResult sent =
                    tunnel.encapsulate(
                            headers,
                            0,
                            headerLength,
                            data,
                            segmenter.payloadOffset(i),
                            payloadLength,
                            batch.buffer(),
                            at,
                            nowNs,
                            result);
            timersChanged |= sent.timersChanged();
            if (sent.action() != Action.WRITE_TO_NETWORK) {
                if (i == 0 && sent.staged()) {
                    return STAGE;
                }
                // The session went away in the middle: what is left of this packet is lost,
                // as a dropped segment would be; TCP sends it again.
                return i > 0 ? i : DROPPED;
            }
            batch.commit(sent.length());
            counters.increment(Counter.OUT_SEGMENTS);
            counters.increment(Counter.OUT_TUNNEL_PACKETS);
            counters.add(Counter.OUT_TUNNEL_BYTES, segmentLength);
        }
        return segments;
    }

    /**
     * Whether the last {@link #seal} armed a timer earlier than planned (wake the control loop).
     */
    boolean timersChanged() {
        return timersChanged;
    }

    private static int messageLength(int packetLength, int mtu) {
        return TransportMessage.HEADER_LENGTH
                + TransportMessage.paddedLength(packetLength, mtu)
                + dev.sluice.crypto.primitives.ChaCha20Poly1305.TAG_LENGTH;
    }
}
