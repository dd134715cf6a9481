package dev.sluice.daemon.dataplane;

import dev.sluice.packet.DecodeResult;
import dev.sluice.packet.IcmpErrorBuilder;
import dev.sluice.packet.IpProtocol;
import dev.sluice.packet.PacketDecoder;
import dev.sluice.packet.ParsedPacket;
import dev.sluice.packet.UnreachableReason;
import dev.sluice.packet.offload.GsoSegmenter;
import dev.sluice.packet.offload.SegmentationResult;
import dev.sluice.packet.offload.VirtioNetHeader;
import dev.sluice.packet.pool.BufferPool;
import dev.sluice.packet.pool.PacketBuffer;
import dev.sluice.routing.policy.RouteValue;
import java.nio.ByteBuffer;

/**
 * Outbound flow, host to network, one read at a time on the outbound agent's thread:
 *
 * <pre>
 *   read (a packet; with offloads a virtio header and a packet or TSO/USO super-packet)
 *     -> PacketDecoder on the IP part (bad: counted drop)
 *     -> forwarding table lookup of the destination -> RouteValue
 *     -> TUNNEL(peer): sealed segment by segment into the peer's SendBatch ({@link
 *                      TunnelSender}); sent when the batch ends ({@link #flush}) or the run
 *                      cannot grow (no session yet: the read is staged with the peer)
 *     -> BYPASS:       written back into the device as read, virtio header and all: the kernel
 *                      forwards it and segments a super-packet on the way out (reinjection)
 *     -> DROP:         counted; an ICMP/ICMPv6 unreachable is written back to the sender,
 *                      within the rate limit of {@link IcmpErrorLimiter} (else counted as
 *                      suppressed)
 * </pre>
 *
 * <p>Buffer ownership: {@link #process} takes ownership of the read buffer and releases it, except
 * when staging it (the peer's queue then owns it, the control loop releases it); this holds when a
 * stage throws too. An ICMP error is built in a buffer of the small pool and released after the
 * write. Allocation-free after each peer's first packet; one thread.
 */
final class OutboundPipeline {
    /** Read buffers that staging leaves in the pool, for the reads of at least one batch. */
    static final int READ_BUFFERS_KEPT = 16;

    private final PacketDevice device;
    private final DatagramTransport transport;
    private final BufferPool errors;
    private final DataPlaneCounters counters;
    private final Runnable wakeControl;
    private final IcmpErrorLimiter icmpLimiter;
    private final boolean vnetHeader;
    private final TunnelSender sender;
    private final ParsedPacket parsed = new ParsedPacket();
    private final VirtioNetHeader virtio = new VirtioNetHeader();
    private SendBatch[] batches = new SendBatch[0];
    private GsoSegmenter splitter;
    private ByteBuffer splitBuffer;

    /** Set when the packet of the current {@link #process} call was handed to a peer's queue. */
    private boolean handedOver;

    /**
     * @param errors where ICMP errors are built (buffers of MTU size)
     */
    OutboundPipeline(
            PacketDevice device,
            DatagramTransport transport,
            BufferPool errors,
            DataPlaneCounters counters,
            Runnable wakeControl,
            IcmpErrorLimiter icmpLimiter) {
        this.device = device;
        this.transport = transport;
        this.errors = errors;
        this.counters = counters;
        this.wakeControl = wakeControl;
        this.icmpLimiter = icmpLimiter;
        this.vnetHeader = device.vnetHeader();
        this.sender = new TunnelSender(vnetHeader, counters);
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

    /** Sends every peer's sealed messages (end of a read batch). */
    void flush() {
        for (SendBatch batch : batches) {
            if (batch != null) {
                batch.flush();
            }
        }
        transport.flush();
    }

    private void route(PacketBuffer packet, ForwardingSnapshot snapshot, long nowNs) {
        int offset = packet.offset();
        int length = packet.length();
        int ip = offset;
        int ipLength = length;
        if (vnetHeader) {
            if (length <= VirtioNetHeader.LENGTH) {
                counters.increment(Counter.DROP_OFFLOAD_MALFORMED);
                return;
            }
            ip += VirtioNetHeader.LENGTH;
            ipLength -= VirtioNetHeader.LENGTH;
        }
        DecodeResult decoded = PacketDecoder.decode(packet.data(), ip, ipLength, parsed);
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
            case 1 -> bypass(packet, ip, ipLength);
            default -> drop(RouteValue.isNoPeer(value), nowNs);
        }
    }

    private void tunnel(PacketBuffer packet, int value, ForwardingSnapshot snapshot, long nowNs) {
        PeerRuntime peer = snapshot.peer(RouteValue.peer(value));
        if (peer == null) {
            drop(true, nowNs);
            return;
        }
        Endpoint to = peer.sendTo();
        if (to == null) {
            counters.increment(Counter.DROP_NO_ENDPOINT);
            return;
        }
        int sealed =
                sender.seal(
                        packet.data(),
                        packet.offset(),
                        packet.length(),
                        parsed,
                        peer.tunnel(),
                        to,
                        batch(peer.index(), snapshot.mtu()),
                        snapshot.mtu(),
                        nowNs);
        if (sealed == TunnelSender.STAGE) {
            // Staged packets hold read buffers: never so many that the tun cannot be read (bypass
            // traffic and other peers keep flowing while one peer waits for its handshake).
            if (packet.pool().available() > READ_BUFFERS_KEPT && peer.stage(packet)) {
                handedOver = true;
                counters.increment(Counter.STAGED_PACKETS);
            } else {
                counters.increment(Counter.DROP_STAGE_FULL);
            }
            wakeControl.run();
        } else if (sender.timersChanged()) {
            wakeControl.run();
        }
    }

    /** The send batch of peer {@code index}, made at its first packet. */
    private SendBatch batch(int index, int mtu) {
        if (index >= batches.length) {
            batches = java.util.Arrays.copyOf(batches, index + 1);
        }
        SendBatch batch = batches[index];
        if (batch == null) {
            batch = new SendBatch(transport, SendBatch.MAX_MESSAGES * (mtu + 64));
            batches[index] = batch;
        }
        return batch;
    }

    private void bypass(PacketBuffer packet, int ip, int ipLength) {
        int written;
        if (vnetHeader && needsSplitForReinjection(packet)) {
            written = reinjectSegments(packet);
        } else {
            written = device.write(packet, packet.offset(), packet.length());
        }
        if (written < 0) {
            counters.increment(Counter.DROP_DEVICE_WRITE_FAILED);
        } else {
            counters.increment(Counter.OUT_BYPASS_PACKETS);
            counters.add(Counter.OUT_BYPASS_BYTES, ipLength);
        }
    }

    /**
     * An IPv6 super-packet with extension headers: written back whole, the kernel answers Packet
     * Too Big instead of forwarding it; it goes back as its segments instead.
     */
    private boolean needsSplitForReinjection(PacketBuffer packet) {
        virtio.wrap(packet.data(), packet.offset());
        if (virtio.gsoKind() == VirtioNetHeader.GSO_NONE || !parsed.isIpv6()) {
            return false;
        }
        int next = packet.data().get(packet.offset() + VirtioNetHeader.LENGTH + 6) & 0xff;
        return next != IpProtocol.TCP && next != IpProtocol.UDP;
    }

    private int reinjectSegments(PacketBuffer packet) {
        if (splitter == null) {
            splitter = new GsoSegmenter();
            splitBuffer = ByteBuffer.allocateDirect(VirtioNetHeader.LENGTH + 65_535);
        }
        int ip = packet.offset() + VirtioNetHeader.LENGTH;
        if (splitter.wrap(packet.data(), ip, packet.length() - VirtioNetHeader.LENGTH, virtio)
                != SegmentationResult.OK) {
            counters.increment(Counter.DROP_OFFLOAD_MALFORMED);
            return 0;
        }
        int written = 0;
        for (int i = 0; i < splitter.segmentCount(); i++) {
            int length = splitter.segment(i, splitBuffer, VirtioNetHeader.LENGTH);
            virtio.wrap(splitBuffer, 0).clear();
            int n = device.write(splitBuffer, 0, VirtioNetHeader.LENGTH + length);
            if (n < 0) {
                return n;
            }
            written += n;
        }
        return written;
    }

    /**
     * Counts the drop and answers the sender with an unreachable, if one may be sent about the
     * packet (see {@link IcmpErrorBuilder}) and the rate limit lets it go. The error is built
     * before the limiter is asked, so that only errors that would really be sent use tokens.
     */
    private void drop(boolean noPeer, long nowNs) {
        counters.increment(noPeer ? Counter.DROP_NO_PEER : Counter.DROP_POLICY);
        counters.increment(Counter.OUT_DROP_PACKETS);
        PacketBuffer error = errors.tryAcquire();
        if (error == null) {
            counters.increment(Counter.DROP_POOL_EXHAUSTED);
            return;
        }
        try {
            int at = vnetHeader ? VirtioNetHeader.LENGTH : 0;
            int length =
                    IcmpErrorBuilder.destinationUnreachable(
                            parsed,
                            noPeer
                                    ? UnreachableReason.HOST_UNREACHABLE
                                    : UnreachableReason.ADMINISTRATIVELY_PROHIBITED,
                            error.data(),
                            at);
            if (length <= 0) {
                return;
            }
            if (vnetHeader) {
                virtio.wrap(error.data(), 0).clear();
            }
            if (!icmpLimiter.allow(parsed, nowNs)) {
                counters.increment(Counter.ICMP_ERRORS_SUPPRESSED);
            } else if (device.write(error, 0, at + length) > 0) {
                counters.increment(Counter.ICMP_ERRORS_SENT);
            }
        } finally {
            error.release();
        }
    }
}
