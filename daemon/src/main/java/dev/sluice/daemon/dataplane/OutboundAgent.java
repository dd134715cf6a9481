package dev.sluice.daemon.dataplane;

import dev.sluice.packet.pool.BufferPool;
import dev.sluice.packet.pool.PacketBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The outbound agent's duty cycle: wait until the device has packets, then read and process up to
 * {@link #BATCH} of them with one snapshot of the forwarding state, then flush the transport. An
 * empty buffer pool applies backpressure: the agent stops reading until buffers come back (the
 * kernel queues or drops at the tun, as with any slow reader).
 *
 * <p>Failures: an exception or error while reading or processing one packet, and a read that
 * returns an error number, go to {@link PathFailures} (counted, logged without flooding) and the
 * agent goes on with the next packet; the packet's buffer is back in the pool either way (the
 * pipeline releases what it owns). When the path is declared failed, the agent stops: the data
 * plane reports the reason and the service leaves the connected state.
 */
final class OutboundAgent implements Runnable {
    static final int BATCH = 64;

    /** Wait for packets without a timeout: idle, the thread sleeps until one comes or stop(). */
    private static final int WITHOUT_TIMEOUT = -1;

    private final PacketDevice device;
    private final BufferPool pool;
    private final OutboundPipeline pipeline;
    private final DatagramTransport transport;
    private final Supplier<ForwardingSnapshot> snapshots;
    private final PathFailures failures;
    private final LongSupplier clock;
    private volatile boolean running = true;

    /**
     * @param clock monotonic nanoseconds ({@code System::nanoTime})
     */
    OutboundAgent(
            PacketDevice device,
            BufferPool pool,
            OutboundPipeline pipeline,
            DatagramTransport transport,
            Supplier<ForwardingSnapshot> snapshots,
            PathFailures failures,
            LongSupplier clock) {
        this.device = device;
        this.pool = pool;
        this.pipeline = pipeline;
        this.transport = transport;
        this.snapshots = snapshots;
        this.failures = failures;
        this.clock = clock;
    }

    void stop() {
        running = false;
        device.wakeReader();
    }

    @Override
    public void run() {
        while (running) {
            try {
                if (device.awaitReadable(WITHOUT_TIMEOUT)) {
                    batch();
                }
            } catch (Throwable error) {
                // Outside any packet (poll, snapshot, flush): no buffer is held here.
                fail(error, null);
            }
        }
    }

    /** Reads and processes up to {@link #BATCH} packets, one snapshot and one flush for all. */
    private void batch() {
        ForwardingSnapshot snapshot = snapshots.get();
        long nowNs = clock.getAsLong();
        for (int i = 0; i < BATCH && running; i++) {
            PacketBuffer buffer = pool.tryAcquire();
            if (buffer == null) {
                pipeline.flush();
                buffer = pool.acquire(TimeUnit.MILLISECONDS.toNanos(10));
                if (buffer == null) {
                    break;
                }
            }
            int length;
            try {
                length = device.read(buffer, Headroom.PACKET_OFFSET);
            } catch (Throwable error) {
                buffer.release();
                fail(error, null);
                break;
            }
            if (length <= 0) {
                buffer.release();
                if (length < 0) {
                    fail(null, "reading from " + device.name() + " failed with errno " + -length);
                }
                break;
            }
            buffer.packet(Headroom.PACKET_OFFSET, length);
            try {
                pipeline.process(buffer, snapshot, nowNs);
                failures.succeeded();
            } catch (Throwable error) {
                // The pipeline released the buffer (or handed it over) before this propagated.
                fail(error, null);
            }
        }
        pipeline.flush();
    }

    /** Records a failure; stops the agent when the path is declared failed. */
    private void fail(Throwable error, String what) {
        long nowNs = clock.getAsLong();
        boolean declared =
                error != null ? failures.failed(error, nowNs) : failures.failed(what, nowNs);
        if (declared) {
            running = false;
        }
    }
}
