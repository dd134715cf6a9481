package dev.sluice.daemon.dataplane;

import dev.sluice.crypto.Action;
import dev.sluice.crypto.TunnelResult;
import dev.sluice.crypto.TunnelSet;
import dev.sluice.crypto.message.MessageType;
import dev.sluice.packet.DecodeResult;
import dev.sluice.packet.PacketDecoder;
import dev.sluice.packet.ParsedPacket;
import dev.sluice.packet.pool.BufferPool;
import dev.sluice.packet.pool.PacketBuffer;
import dev.sluice.routing.trie.CompiledPrefixTable;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * Inbound flow, network to host, on the transport's receive thread:
 *
 * <pre>
 *   datagram -> message type (unknown or too short: counted drop)
 *     transport data -> TunnelSet.decapsulate into a pool buffer
 *                    -> inner packet decoded; its source must lie in the sending peer's
 *                       AllowedIPs (cryptokey routing), else a counted drop
 *                    -> written into the device; the peer's endpoint roams to the sender
 *     keepalive      -> endpoint roams; a session confirmed by it wakes the control loop
 *     handshake or cookie -> copied into a pool buffer and queued to the control loop
 * </pre>
 *
 * <p>Roaming follows only what the protocol core calls {@link TunnelResult#authenticated()}: a
 * datagram that failed to open, a replay, or anything unauthenticated never moves an endpoint.
 *
 * <p>Buffer ownership: the datagram belongs to the transport and is only read. Pool buffers are
 * released here, except those queued to the control loop, which then owns them. Allocation-free for
 * transport data; one thread.
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

    InboundPipeline(
            TunnelSet tunnels,
            PacketDevice device,
            BufferPool pool,
            DataPlaneCounters counters,
            ControlLoop control,
            Supplier<ForwardingSnapshot> snapshots) {
        this.tunnels = tunnels;
        this.device = device;
        this.pool = pool;
        this.counters = counters;
        this.control = control;
        this.snapshots = snapshots;
    }

    /**
     * One datagram {@code data[offset, +length)} from {@code sender}. An exception propagates to
     * the caller with the pool buffer already released (or owned by the control loop's queue).
     */
    void onDatagram(ByteBuffer data, int offset, int length, InetSocketAddress sender, long nowNs) {
        int type = MessageType.of(data, offset, length);
        if (type < 0) {
            counters.increment(Counter.DROP_UNKNOWN_MESSAGE);
            return;
        }
        PacketBuffer buffer = pool.tryAcquire();
        if (buffer == null) {
            counters.increment(Counter.DROP_POOL_EXHAUSTED);
            return;
        }
        boolean queued = false;
        try {
            if (type != MessageType.TRANSPORT) {
                if (length > buffer.capacity()) {
                    counters.increment(Counter.DROP_TOO_BIG);
                    return;
                }
                buffer.data().put(0, data, offset, length);
                buffer.packet(0, length);
                counters.increment(Counter.HANDSHAKE_MESSAGES_QUEUED);
                queued = control.offerHandshake(buffer, sender);
                if (!queued) {
                    counters.increment(Counter.DROP_CONTROL_QUEUE_FULL);
                }
                return;
            }
            TunnelResult got =
                    tunnels.decapsulate(
                            data, offset, length, NO_SOURCE, buffer.data(), 0, nowNs, result);
            if (got.action() == Action.WRITE_TO_TUNNEL) {
                deliver(buffer, got, sender);
            } else if (got.action() == Action.DONE && got.tunnel() != null) {
                counters.increment(Counter.IN_KEEPALIVES);
                roam(got, sender);
            }
            if (got.sessionEstablished() || got.timersChanged()) {
                control.wake();
            }
        } finally {
            if (!queued) {
                buffer.release();
            }
        }
    }

    private void deliver(PacketBuffer buffer, TunnelResult got, InetSocketAddress sender) {
        if (PacketDecoder.decode(buffer.data(), 0, got.length(), parsed) != DecodeResult.OK) {
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
        roam(got, sender);
        if (device.write(buffer, 0, parsed.length()) < 0) {
            counters.increment(Counter.DROP_DEVICE_WRITE_FAILED);
            return;
        }
        counters.increment(Counter.IN_PACKETS);
        counters.add(Counter.IN_BYTES, parsed.length());
    }

    private void roam(TunnelResult got, InetSocketAddress sender) {
        if (got.authenticated()
                && got.tunnel().attachment() instanceof PeerRuntime peer
                && peer.updateEndpoint(sender)) {
            counters.increment(Counter.ENDPOINT_CHANGES);
        }
    }
}
