package dev.sluice.daemon.dataplane;

import dev.sluice.crypto.Action;
import dev.sluice.crypto.TunnelResult;
import dev.sluice.packet.DecodeResult;
import dev.sluice.packet.IcmpErrorBuilder;
import dev.sluice.packet.MssClamp;
import dev.sluice.packet.PacketDecoder;
import dev.sluice.packet.ParsedPacket;
import dev.sluice.packet.UnreachableReason;
import dev.sluice.packet.pool.BufferPool;
import dev.sluice.packet.pool.PacketBuffer;
import dev.sluice.routing.policy.RouteValue;
import java.net.InetSocketAddress;

/**
 * Outbound flow, host to network, one packet at a time on the outbound agent's thread:
 *
 * <pre>
 *   packet (read from the device at Headroom.PACKET_OFFSET)
 *     -> PacketDecoder (bad: counted drop)
 *     -> forwarding table lookup of the destination -> RouteValue
 *     -> TUNNEL(peer): MSS clamp, encapsulate in place (header in the headroom), send
 *                      (no session yet: the packet is staged with the peer)
 *     -> BYPASS:       written back into the device: the kernel forwards it (reinjection)
 *     -> DROP:         counted; an ICMP/ICMPv6 unreachable is written back to the sender,
 *                      within the rate limit of {@link IcmpErrorLimiter} (else counted as
 *                      suppressed)
 * </pre>
 *
 * <p>Buffer ownership: {@link #process} takes ownership of the packet buffer and releases it,
 * except when staging it (the peer's queue then owns it, the control loop releases it); this holds
 * when a stage throws too (the exception propagates to the caller, the buffer is back in the pool).
 * An ICMP error is built in a second buffer from the pool and released after the write.
 * Allocation-free; one thread.
 */
final class OutboundPipeline {
    private final PacketDevice device;
    private final DatagramTransport transport;
    private final BufferPool pool;
    private final DataPlaneCounters counters;
    private final Runnable wakeControl;
    private final IcmpErrorLimiter icmpLimiter;
    private final ParsedPacket parsed = new ParsedPacket();
    private final TunnelResult result = new TunnelResult();

    /** Set when the packet of the current {@link #process} call was handed to a peer's queue. */
    private boolean handedOver;

    OutboundPipeline(
            PacketDevice device,
            DatagramTransport transport,
            BufferPool pool,
            DataPlaneCounters counters,
            Runnable wakeControl,
            IcmpErrorLimiter icmpLimiter) {
        this.device = device;
        this.transport = transport;
        this.pool = pool;
        this.counters = counters;
        this.wakeControl = wakeControl;
        this.icmpLimiter = icmpLimiter;
    }

    /** Forwards, reinjects or drops {@code packet}, and releases it unless it was staged. */
    void process(PacketBuffer packet, ForwardingSnapshot snapshot, long nowNs) {
        handedOver = false;
        try {
            route(packet, snapshot, nowNs);
        } finally {
            if (!handedOver) {
                packet.release();
            }
        }
    }

    private void route(PacketBuffer packet, ForwardingSnapshot snapshot, long nowNs) {
        int offset = packet.offset();
        int length = packet.length();
        DecodeResult decoded = PacketDecoder.decode(packet.data(), offset, length, parsed);
        if (decoded != DecodeResult.OK) {
            counters.decodeDrop(decoded);
            return;
        }
        int value =
                parsed.isIpv4()
                        ? snapshot.lookupV4(parsed.destinationV4())
                        : snapshot.lookupV6(parsed.destinationHigh(), parsed.destinationLow());
        switch (RouteValue.verdictCode(value)) {
            case 0 -> tunnel(packet, value, snapshot, nowNs);
            case 1 -> bypass(packet);
            default -> drop(RouteValue.isNoPeer(value), nowNs);
        }
    }

    private void tunnel(PacketBuffer packet, int value, ForwardingSnapshot snapshot, long nowNs) {
        PeerRuntime peer = snapshot.peer(RouteValue.peer(value));
        if (peer == null) {
            drop(true, nowNs);
            return;
        }
        int mtu = snapshot.mtu();
        if (MssClamp.clampSyn(
                parsed, parsed.isIpv4() ? MssClamp.maxMssV4(mtu) : MssClamp.maxMssV6(mtu))) {
            counters.increment(Counter.MSS_CLAMPED);
        }
        int length = parsed.length();
        TunnelResult sent =
                peer.tunnel()
                        .encapsulate(
                                packet.data(),
                                packet.offset(),
                                length,
                                packet.data(),
                                0,
                                nowNs,
                                result);
        if (sent.action() == Action.WRITE_TO_NETWORK) {
            if (sent.timersChanged()) {
                wakeControl.run(); // the staged branch below wakes it anyway
            }
            InetSocketAddress endpoint = peer.endpoint();
            if (endpoint == null) {
                counters.increment(Counter.DROP_NO_ENDPOINT);
            } else {
                transport.send(packet.data(), 0, sent.length(), endpoint);
                counters.increment(Counter.OUT_TUNNEL_PACKETS);
                counters.add(Counter.OUT_TUNNEL_BYTES, length);
            }
        } else if (sent.staged()) {
            packet.packet(packet.offset(), length);
            if (peer.stage(packet)) {
                handedOver = true;
                counters.increment(Counter.STAGED_PACKETS);
            } else {
                counters.increment(Counter.DROP_STAGE_FULL);
            }
            wakeControl.run();
        }
        // Otherwise a counted drop in the protocol core.
    }

    private void bypass(PacketBuffer packet) {
        int length = parsed.length();
        if (device.write(packet, packet.offset(), length) < 0) {
            counters.increment(Counter.DROP_DEVICE_WRITE_FAILED);
        } else {
            counters.increment(Counter.OUT_BYPASS_PACKETS);
            counters.add(Counter.OUT_BYPASS_BYTES, length);
        }
    }

    /**
     * Counts the drop and answers the sender with an unreachable, if one may be sent about the
     * packet (see {@link IcmpErrorBuilder}) and the rate limit lets it go. The error is built
     * before the limiter is asked, so that only errors that would really be sent use tokens.
     */
    private void drop(boolean noPeer, long nowNs) {
        counters.increment(noPeer ? Counter.DROP_NO_PEER : Counter.DROP_POLICY);
        counters.increment(Counter.OUT_DROP_PACKETS);
        PacketBuffer error = pool.tryAcquire();
        if (error == null) {
            counters.increment(Counter.DROP_POOL_EXHAUSTED);
            return;
        }
        try {
            int length =
                    IcmpErrorBuilder.destinationUnreachable(
                            parsed,
                            noPeer
                                    ? UnreachableReason.HOST_UNREACHABLE
                                    : UnreachableReason.ADMINISTRATIVELY_PROHIBITED,
                            error.data(),
                            0);
            if (length <= 0) {
                return;
            }
            if (!icmpLimiter.allow(parsed, nowNs)) {
                counters.increment(Counter.ICMP_ERRORS_SUPPRESSED);
            } else if (device.write(error, 0, length) > 0) {
                counters.increment(Counter.ICMP_ERRORS_SENT);
            }
        } finally {
            error.release();
        }
    }
}
