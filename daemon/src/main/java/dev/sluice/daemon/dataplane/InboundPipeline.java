package dev.sluice.daemon.dataplane;

import dev.sluice.crypto.Action;
import dev.sluice.crypto.TunnelResult;
import dev.sluice.crypto.TunnelSet;
import dev.sluice.crypto.message.MessageType;
import dev.sluice.crypto.message.TransportMessage;
import dev.sluice.packet.DecodeResult;
import dev.sluice.packet.PacketDecoder;
import dev.sluice.packet.ParsedPacket;
import dev.sluice.packet.offload.GroCoalescer;
import dev.sluice.packet.offload.VirtioNetHeader;
import dev.sluice.packet.pool.BufferPool;
import dev.sluice.packet.pool.PacketBuffer;
import dev.sluice.routing.trie.CompiledPrefixTable;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * Inbound flow, network to host, on the transport's receive thread:
 *
 * <pre>
 *   datagram -> message type (unknown or too short: counted drop)
 *     transport data -> TunnelSet.decapsulate in place: the plaintext overwrites the ciphertext
 *                       in the transport's receive memory (16 bytes after the message start)
 *                    -> inner packet decoded; its source must lie in the sending peer's
 *                       AllowedIPs (cryptokey routing), else a counted drop; the peer's
 *                       endpoint roams to the sender
 *                    -> offloads: into the GroCoalescer (consecutive TCP segments of a flow
 *                       become one super-packet); written at the end of the receive batch, a
 *                       super-packet with one gathering write: its virtio header and headers in
 *                       the 10 bytes before its first segment (where the message header was),
 *                       the other segments' payloads where they were decrypted
 *                       without offloads: written into the device from where it lies
 *     keepalive      -> endpoint roams; a session confirmed by it wakes the control loop
 *     handshake or cookie -> copied into a pool buffer and queued to the control loop
 * </pre>
 *
 * <p>Roaming follows only what the protocol core calls {@link TunnelResult#authenticated()}: a
 * datagram that failed to open, a replay, or anything unauthenticated never moves an endpoint.
 *
 * <p>Memory: the datagram belongs to the transport, which keeps it unchanged until {@link
 * #endOfBatch}; pool buffers (handshakes only) are released here, except those queued to the
 * control loop. A packet's bytes are written once (by the cipher) and copied nowhere in userspace
 * on the way to the tun. Allocation-free for transport data; one thread.
 */
final class InboundPipeline {
    private static final byte[] NO_SOURCE = new byte[0];

    private final TunnelSet tunnels;
    private final PacketDevice device;
    private final BufferPool pool;
    private final DataPlaneCounters counters;
    private final ControlLoop control;
    private final Supplier<ForwardingSnapshot> snapshots;
    private final ParsedPacket parsed = new ParsedPacket();
    private final TunnelResult result = new TunnelResult();
    private final GroCoalescer coalescer;
    private final GatherWrite gather;

    /**
     * @param pool buffers for handshake messages queued to the control loop
     * @param coalescedPackets most packets coalesced per receive batch (offloads only)
     * @param udpCoalescing whether the device takes USO super-packets
     */
    InboundPipeline(
            TunnelSet tunnels,
            PacketDevice device,
            BufferPool pool,
            DataPlaneCounters counters,
            ControlLoop control,
            Supplier<ForwardingSnapshot> snapshots,
            int coalescedPackets,
            boolean udpCoalescing) {
        this.tunnels = tunnels;
        this.device = device;
        this.pool = pool;
        this.counters = counters;
        this.control = control;
        this.snapshots = snapshots;
        this.coalescer =
                device.vnetHeader() ? new GroCoalescer(coalescedPackets, 8, udpCoalescing) : null;
        this.gather = device.vnetHeader() ? new GatherWrite(coalescedPackets + 1) : null;
    }

    /**
     * One datagram {@code data[offset, +length)} from {@code source}. An exception propagates to
     * the caller with any pool buffer already released (or owned by the control loop's queue).
     */
    void onDatagram(ByteBuffer data, int offset, int length, DatagramSource source, long nowNs) {
        int type = MessageType.of(data, offset, length);
        if (type < 0) {
            counters.increment(Counter.DROP_UNKNOWN_MESSAGE);
            return;
        }
        if (type != MessageType.TRANSPORT) {
            queueHandshake(data, offset, length, source);
            return;
        }
        int plaintext = offset + TransportMessage.DATA_OFFSET;
        TunnelResult got =
                tunnels.decapsulate(
                        data, offset, length, NO_SOURCE, data, plaintext, nowNs, result);
        if (got.action() == Action.WRITE_TO_TUNNEL) {
            deliver(data, plaintext, got, source);
        } else if (got.action() == Action.DONE && got.tunnel() != null) {
            counters.increment(Counter.IN_KEEPALIVES);
            roam(got, source);
        }
        if (got.sessionEstablished() || got.timersChanged()) {
            control.wake();
        }
    }

    private void queueHandshake(ByteBuffer data, int offset, int length, DatagramSource source) {
        PacketBuffer buffer = pool.tryAcquire();
        if (buffer == null) {
            counters.increment(Counter.DROP_POOL_EXHAUSTED);
            return;
        }
        boolean queued = false;
        try {
            if (length > buffer.capacity()) {
                counters.increment(Counter.DROP_TOO_BIG);
                return;
            }
            buffer.data().put(0, data, offset, length);
            buffer.packet(0, length);
            counters.increment(Counter.HANDSHAKE_MESSAGES_QUEUED);
            queued = control.offerHandshake(buffer, source.toAddress());
            if (!queued) {
                counters.increment(Counter.DROP_CONTROL_QUEUE_FULL);
            }
        } finally {
            if (!queued) {
                buffer.release();
            }
        }
    }

    private void deliver(ByteBuffer data, int offset, TunnelResult got, DatagramSource source) {
        if (PacketDecoder.decode(data, offset, got.length(), parsed) != DecodeResult.OK) {
            counters.increment(Counter.DROP_INNER_MALFORMED);
            return;
        }
        PeerRuntime peer = (PeerRuntime) got.tunnel().attachment();
        CompiledPrefixTable allowed = snapshots.get().allowedIps();
        int owner =
                parsed.isIpv4()
                        ? allowed.lookupV4(parsed.sourceV4())
                        : allowed.lookupV6(parsed.sourceHigh(), parsed.sourceLow());
        if (peer == null || owner != peer.index()) {
            counters.increment(Counter.DROP_INNER_SOURCE_NOT_ALLOWED);
            return;
        }
        roam(got, source);
        int length = parsed.length();
        counters.increment(Counter.IN_PACKETS);
        counters.add(Counter.IN_BYTES, length);
        if (coalescer == null) {
            if (device.write(data, offset, length) < 0) {
                counters.increment(Counter.DROP_DEVICE_WRITE_FAILED);
            }
            return;
        }
        int room = coalescer.add(data, offset, length);
        if (room < 0) {
            endOfBatch();
            room = coalescer.add(data, offset, length);
        }
        if (room == 0) {
            endOfBatch();
        }
    }

    /**
     * Writes what the coalescer holds: called when it is full and when the transport ends a receive
     * batch (before it reuses the memory the packets lie in).
     */
    void endOfBatch() {
        if (coalescer == null || coalescer.writeCount() == 0) {
            return;
        }
        for (int w = 0; w < coalescer.writeCount(); w++) {
            int first = coalescer.firstPacket(w);
            int firstLength = coalescer.emitInPlace(w);
            ByteBuffer firstBuffer = coalescer.packetBuffer(first);
            int start = coalescer.packetOffset(first) - VirtioNetHeader.LENGTH;
            int written;
            if (!coalescer.isSuperPacket(w)) {
                written = device.write(firstBuffer, start, firstLength);
            } else {
                gather.reset();
                gather.add(firstBuffer, start, firstLength);
                for (int p = coalescer.nextMember(first); p >= 0; p = coalescer.nextMember(p)) {
                    gather.add(
                            coalescer.packetBuffer(p),
                            coalescer.payloadOffset(p),
                            coalescer.payloadLength(p));
                }
                written = device.writeGather(gather);
                counters.increment(Counter.IN_COALESCED_WRITES);
                counters.add(Counter.IN_COALESCED_PACKETS, coalescer.writeSegments(w));
            }
            if (written < 0) {
                counters.increment(Counter.DROP_DEVICE_WRITE_FAILED);
            }
        }
        gather.reset();
        coalescer.reset();
    }

    private void roam(TunnelResult got, DatagramSource source) {
        if (got.authenticated()
                && got.tunnel().attachment() instanceof PeerRuntime peer
                && peer.roamTo(source)) {
            counters.increment(Counter.ENDPOINT_CHANGES);
        }
    }
}
