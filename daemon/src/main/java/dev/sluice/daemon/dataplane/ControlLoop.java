package dev.sluice.daemon.dataplane;

import dev.sluice.crypto.Action;
import dev.sluice.crypto.TunnelResult;
import dev.sluice.crypto.TunnelSet;
import dev.sluice.packet.DecodeResult;
import dev.sluice.packet.PacketDecoder;
import dev.sluice.packet.ParsedPacket;
import dev.sluice.packet.offload.VirtioNetHeader;
import dev.sluice.packet.pool.PacketBuffer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The control thread: handshake and cookie messages (public-key work, queued by the inbound
 * pipeline), the timers of every peer, and packets staged while sessions are being made.
 *
 * <pre>
 *   loop: wait for a queued message, a wake-up, or the next timer deadline of any peer — and no
 *         longer: idle, the thread sleeps until a keepalive or rekey is due (a data path that
 *         arms an earlier deadline wakes it, see TunnelResult.timersChanged)
 *         handshake/cookie message -> TunnelSet.decapsulate -> reply to the sender; an
 *                                     authenticated handshake message moves the peer's
 *                                     endpoint (a cookie reply never does: anyone can make one)
 *         each peer: pollTimers until DONE (initiations, retransmissions, keepalives);
 *                    abandoned handshake -> staged packets dropped
 *         each peer with a session: staged packets encapsulated and sent
 * </pre>
 *
 * <p>Buffer ownership: queued messages and staged packets are released here, also when handling one
 * throws. Allocates (control path).
 *
 * <p>Failures: an exception or error in one step (a message, the timers, the staged packets) goes
 * to {@link PathFailures} (counted, logged without flooding) and the loop goes on, so a bug or a
 * moment without memory does not stop handshakes for every peer. When the path is declared failed
 * the loop stops and the data plane reports the reason.
 */
public final class ControlLoop implements Runnable {
    private static final Object WAKE = new Object();

    private record Handshake(PacketBuffer buffer, InetSocketAddress sender) {}

    private final TunnelSet tunnels;
    private final DatagramTransport transport;
    private final DataPlaneCounters counters;
    private final Supplier<ForwardingSnapshot> snapshots;
    private final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(1024);
    private final ByteBuffer out = ByteBuffer.allocateDirect(2048);
    private final TunnelResult result = new TunnelResult();
    private final PathFailures failures;
    private final LongSupplier clock;
    private volatile boolean running = true;
    private Runnable afterWake = () -> {};
    private final boolean vnetHeader;
    private final TunnelSender sender;
    private final ParsedPacket parsed = new ParsedPacket();
    private SendBatch[] batches = new SendBatch[0];

    /**
     * @param clock monotonic nanoseconds ({@code System::nanoTime})
     * @param vnetHeader whether staged packets (reads of the device) start with a virtio header
     */
    ControlLoop(
            TunnelSet tunnels,
            DatagramTransport transport,
            DataPlaneCounters counters,
            Supplier<ForwardingSnapshot> snapshots,
            PathFailures failures,
            LongSupplier clock,
            boolean vnetHeader) {
        this.tunnels = tunnels;
        this.vnetHeader = vnetHeader;
        this.sender = new TunnelSender(vnetHeader, counters);
        this.transport = transport;
        this.counters = counters;
        this.snapshots = snapshots;
        this.failures = failures;
        this.clock = clock;
    }

    /** Runs on the loop's thread each time it wakes (the clock-jump check); set before start. */
    void afterWake(Runnable hook) {
        this.afterWake = hook;
    }

    /** Queues a handshake or cookie message; false when the queue is full. */
    boolean offerHandshake(PacketBuffer buffer, InetSocketAddress sender) {
        return queue.offer(new Handshake(buffer, sender));
    }

    /** Asks the loop to run now (staged packets, a requested handshake). */
    void wake() {
        queue.offer(WAKE);
    }

    void stop() {
        running = false;
        wake();
    }

    @Override
    public void run() {
        while (running) {
            try {
                Object task = queue.poll(waitNs(), TimeUnit.NANOSECONDS);
                afterWake.run();
                while (task != null) {
                    if (task instanceof Handshake handshake) {
                        step(handshake);
                    }
                    task = queue.poll();
                }
                tick();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable error) {
                fail(error);
            }
        }
        drain();
    }

    /** Runs timers, staged packets and the flush once, as after each wait (tests call it). */
    void tick() {
        step(null);
    }

    /** Handles one message, or (with null) runs timers, staged packets and the flush. */
    private void step(Handshake handshake) {
        try {
            if (handshake != null) {
                handle(handshake);
            } else {
                runTimers();
                flushStaged();
                transport.flush();
            }
            failures.succeeded();
        } catch (Throwable error) {
            fail(error);
        }
    }

    /** Records a failure; stops the loop when the path is declared failed. */
    private void fail(Throwable error) {
        if (failures.failed(error, clock.getAsLong())) {
            running = false;
        }
    }

    /** Until the earliest timer deadline of any peer (Long.MAX_VALUE: until woken). */
    private long waitNs() {
        long now = clock.getAsLong();
        long wait = Long.MAX_VALUE;
        for (PeerRuntime peer : snapshots.get().peers()) {
            long deadline = peer.tunnel().nextDeadlineNs();
            if (deadline != Long.MAX_VALUE) {
                wait = Math.min(wait, deadline - now);
            }
        }
        return Math.max(0, wait);
    }

    private void handle(Handshake handshake) {
        PacketBuffer buffer = handshake.buffer();
        try {
            InetSocketAddress sender = handshake.sender();
            TunnelResult got =
                    tunnels.decapsulate(
                            buffer.data(),
                            0,
                            buffer.length(),
                            sourceBytes(sender),
                            out,
                            0,
                            clock.getAsLong(),
                            result);
            if (got.authenticated()
                    && got.tunnel().attachment() instanceof PeerRuntime peer
                    && peer.updateEndpoint(sender)) {
                counters.increment(Counter.ENDPOINT_CHANGES);
            }
            if (got.action() == Action.WRITE_TO_NETWORK) {
                transport.send(out, 0, got.length(), sender);
            }
        } finally {
            buffer.release();
        }
    }

    /** Handles every queued handshake and cookie message now, on the caller's thread. */
    void handleQueuedMessages() {
        Object task;
        while ((task = queue.poll()) != null) {
            if (task instanceof Handshake handshake) {
                handle(handshake);
            }
        }
    }

    /** Address bytes and port: what cookies are bound to. */
    private static byte[] sourceBytes(InetSocketAddress sender) {
        byte[] address = sender.getAddress().getAddress();
        byte[] bytes = new byte[address.length + 2];
        System.arraycopy(address, 0, bytes, 0, address.length);
        bytes[address.length] = (byte) (sender.getPort() >>> 8);
        bytes[address.length + 1] = (byte) sender.getPort();
        return bytes;
    }

    private void runTimers() {
        long now = clock.getAsLong();
        for (PeerRuntime peer : snapshots.get().peers()) {
            for (int guard = 0; guard < 8; guard++) {
                TunnelResult fired = peer.tunnel().pollTimers(out, 0, now, result);
                if (fired.handshakeAbandoned()) {
                    dropStaged(peer);
                }
                if (fired.action() != Action.WRITE_TO_NETWORK) {
                    break;
                }
                InetSocketAddress endpoint = peer.endpoint();
                if (endpoint != null) {
                    transport.send(out, 0, fired.length(), endpoint);
                } else {
                    counters.increment(Counter.DROP_NO_ENDPOINT);
                }
            }
        }
    }

    private void flushStaged() {
        long now = clock.getAsLong();
        ForwardingSnapshot snapshot = snapshots.get();
        for (PeerRuntime peer : snapshot.peers()) {
            if (!peer.hasStaged() || !peer.tunnel().hasSession(now)) {
                continue;
            }
            Endpoint to = peer.sendTo();
            SendBatch batch = batch(peer.index(), snapshot.mtu());
            PacketBuffer packet;
            while ((packet = peer.nextStaged()) != null) {
                try {
                    if (to == null) {
                        counters.increment(Counter.DROP_NO_ENDPOINT);
                        continue;
                    }
                    int ip = packet.offset() + (vnetHeader ? VirtioNetHeader.LENGTH : 0);
                    ParsedPacket decoded =
                            PacketDecoder.decode(
                                                    packet.data(),
                                                    ip,
                                                    packet.offset() + packet.length() - ip,
                                                    parsed)
                                            == DecodeResult.OK
                                    ? parsed
                                    : null;
                    sender.seal(
                            packet.data(),
                            packet.offset(),
                            packet.length(),
                            decoded,
                            peer.tunnel(),
                            to,
                            batch,
                            snapshot.mtu(),
                            now);
                } finally {
                    packet.release();
                }
            }
            batch.flush();
        }
    }

    /** The send batch of peer {@code index}, made at its first staged packet. */
    private SendBatch batch(int index, int mtu) {
        if (index >= batches.length) {
            batches = java.util.Arrays.copyOf(batches, index + 1);
        }
        if (batches[index] == null) {
            batches[index] = new SendBatch(transport, SendBatch.MAX_MESSAGES * (mtu + 64));
        }
        return batches[index];
    }

    private void dropStaged(PeerRuntime peer) {
        PacketBuffer packet;
        while ((packet = peer.nextStaged()) != null) {
            counters.increment(Counter.DROP_HANDSHAKE_ABANDONED);
            packet.release();
        }
    }

    /** On stop: every queued or staged buffer goes back to the pool. */
    private void drain() {
        Object task;
        while ((task = queue.poll()) != null) {
            if (task instanceof Handshake handshake) {
                handshake.buffer().release();
            }
        }
        List<PeerRuntime> peers = snapshots.get().peers();
        for (PeerRuntime peer : peers) {
            PacketBuffer packet;
            while ((packet = peer.nextStaged()) != null) {
                packet.release();
            }
        }
    }
}
