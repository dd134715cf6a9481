package dev.sluice.daemon.dataplane;

import dev.sluice.packet.pool.BufferPool;
import dev.sluice.packet.pool.PacketBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The outbound agent's duty cycle: wait until the device has packets, then read and process up to
 * {@link #BATCH} of them with one snapshot of the forwarding state, then flush the transport. An
 * empty buffer pool applies backpressure: the agent stops reading until buffers come back (the
 * kernel queues or drops at the tun, as with any slow reader).
 */
final class OutboundAgent implements Runnable {
    static final int BATCH = 64;
    private static final int POLL_TIMEOUT_MS = 100;

    private final PacketDevice device;
    private final BufferPool pool;
    private final OutboundPipeline pipeline;
    private final DatagramTransport transport;
    private final Supplier<ForwardingSnapshot> snapshots;
    private volatile boolean running = true;

    OutboundAgent(
            PacketDevice device,
            BufferPool pool,
            OutboundPipeline pipeline,
            DatagramTransport transport,
            Supplier<ForwardingSnapshot> snapshots) {
        this.device = device;
        this.pool = pool;
        this.pipeline = pipeline;
        this.transport = transport;
        this.snapshots = snapshots;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            if (!device.awaitReadable(POLL_TIMEOUT_MS)) {
                continue;
            }
            ForwardingSnapshot snapshot = snapshots.get();
            long nowNs = System.nanoTime();
            for (int i = 0; i < BATCH && running; i++) {
                PacketBuffer buffer = pool.tryAcquire();
                if (buffer == null) {
                    transport.flush();
                    buffer = pool.acquire(TimeUnit.MILLISECONDS.toNanos(10));
                    if (buffer == null) {
                        break;
                    }
                }
                int length = device.read(buffer, Headroom.PACKET_OFFSET);
                if (length <= 0) {
                    buffer.release();
                    break;
                }
                buffer.packet(Headroom.PACKET_OFFSET, length);
                pipeline.process(buffer, snapshot, nowNs);
            }
            transport.flush();
        }
    }
}
