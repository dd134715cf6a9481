package dev.sluice.daemon.dataplane;

import dev.sluice.crypto.TunnelSet;
import dev.sluice.packet.pool.BufferPool;
import java.security.SecureRandom;
import java.util.function.Function;

/**
 * The running pipeline of one connection: buffer pool, outbound agent thread, control thread and
 * the transport (whose receive thread runs the inbound pipeline). The forwarding state is replaced
 * atomically with {@link #publish}; data threads pick it up at their next batch.
 *
 * <p>Lifecycle: {@link #start} starts everything; {@link #close} stops the threads, closes the
 * transport and returns every buffer to the pool. The device belongs to the caller.
 */
public final class DataPlane implements AutoCloseable {
    private final BufferPool pool;
    private final DataPlaneCounters counters = new DataPlaneCounters();
    private final DatagramTransport transport;
    private final ControlLoop control;
    private final OutboundAgent outbound;
    private final Thread outboundThread;
    private final Thread controlThread;
    private volatile ForwardingSnapshot snapshot;

    private DataPlane(
            TunnelSet tunnels,
            PacketDevice device,
            Function<DatagramReceiver, DatagramTransport> transportFactory,
            ForwardingSnapshot initial,
            int poolBuffers) {
        this.snapshot = initial;
        this.pool = new BufferPool(poolBuffers, Headroom.bufferSize(Math.max(initial.mtu(), 1500)));
        InboundHolder receiver = new InboundHolder();
        this.transport = transportFactory.apply(receiver);
        this.control = new ControlLoop(tunnels, transport, counters, this::snapshot);
        receiver.pipeline =
                new InboundPipeline(tunnels, device, pool, counters, control, this::snapshot);
        OutboundPipeline outboundPipeline =
                new OutboundPipeline(
                        device,
                        transport,
                        pool,
                        counters,
                        control::wake,
                        new IcmpErrorLimiter(new SecureRandom().nextLong()));
        this.outbound =
                new OutboundAgent(device, pool, outboundPipeline, transport, this::snapshot);
        this.outboundThread = new Thread(outbound, "sluice-outbound");
        this.controlThread = new Thread(control, "sluice-control");
        outboundThread.setDaemon(true);
        controlThread.setDaemon(true);
    }

    /** Until the pipeline exists, datagrams are dropped (none arrive before start). */
    private static final class InboundHolder implements DatagramReceiver {
        volatile InboundPipeline pipeline;

        @Override
        public void onDatagram(
                java.nio.ByteBuffer data,
                int offset,
                int length,
                java.net.InetSocketAddress sender,
                long nowNs) {
            InboundPipeline target = pipeline;
            if (target != null) {
                target.onDatagram(data, offset, length, sender, nowNs);
            }
        }
    }

    /**
     * Builds and starts the pipeline.
     *
     * @param transportFactory opens the transport, which delivers datagrams to the receiver given
     * @param poolBuffers packet buffers in flight at most (backpressure beyond)
     */
    public static DataPlane start(
            TunnelSet tunnels,
            PacketDevice device,
            Function<DatagramReceiver, DatagramTransport> transportFactory,
            ForwardingSnapshot initial,
            int poolBuffers) {
        DataPlane plane = new DataPlane(tunnels, device, transportFactory, initial, poolBuffers);
        plane.controlThread.start();
        plane.outboundThread.start();
        return plane;
    }

    /** Replaces the forwarding state (control path; one volatile write). */
    public void publish(ForwardingSnapshot next) {
        this.snapshot = next;
        control.wake();
    }

    public ForwardingSnapshot snapshot() {
        return snapshot;
    }

    public DataPlaneCounters counters() {
        return counters;
    }

    public DatagramTransport transport() {
        return transport;
    }

    public BufferPool pool() {
        return pool;
    }

    /** Asks the control loop to run now (e.g. after requesting a handshake). */
    public void wake() {
        control.wake();
    }

    @Override
    public void close() {
        outbound.stop();
        control.stop();
        join(outboundThread);
        transport.close();
        join(controlThread);
    }

    private static void join(Thread thread) {
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
