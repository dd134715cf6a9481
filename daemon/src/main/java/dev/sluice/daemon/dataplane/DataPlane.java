package dev.sluice.daemon.dataplane;

import dev.sluice.crypto.TunnelSet;
import dev.sluice.packet.pool.BufferPool;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The running pipeline of one connection: buffer pool, outbound agent thread, control thread and
 * the transport (whose receive thread runs the inbound pipeline). The forwarding state is replaced
 * atomically with {@link #publish}; data threads pick it up at their next batch.
 *
 * <p>Lifecycle: {@link #start} starts everything; {@link #close} stops the threads, closes the
 * transport and returns every buffer to the pool. The device belongs to the caller.
 *
 * <p>Failures: each thread survives exceptions and errors per packet ({@link PathFailures}); a path
 * that keeps failing sets {@link #failure()} and tells {@link DataPlaneEvents#failed} (the service
 * moves to its error state and tears the connection down). The control thread checks for clock
 * jumps each time it wakes and tells {@link DataPlaneEvents#clockJumped}.
 */
public final class DataPlane implements AutoCloseable {
    /** A wall-clock jump beyond this against the monotonic clock means the machine slept. */
    static final long CLOCK_JUMP_MS = 10_000;

    /** Read buffers (tun reads, staged packets). */
    private final BufferPool pool;

    /** Small buffers: handshake messages for the control loop, ICMP errors. */
    private final BufferPool small;

    /**
     * Read buffers with offloads (64 KB each; the released one is reused at once, so a busy path
     * touches few): a batch's reads plus up to 32 super-packets staged while handshakes run.
     */
    static final int SUPER_PACKET_BUFFERS = 48;

    /** A read with offloads: the virtio header and an IP packet of up to 64 KB. */
    static final int VNET_READ_BYTES = 10 + 65_535;

    static final int SMALL_BUFFERS = 256;

    /** Most decrypted packets the inbound path coalesces before writing. */
    static final int COALESCED_PER_BATCH = 64;

    private final DataPlaneCounters counters = new DataPlaneCounters();
    private final DatagramTransport transport;
    private final ControlLoop control;
    private final OutboundAgent outbound;
    private final Thread outboundThread;
    private final Thread controlThread;
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final DataPlaneEvents events;
    private volatile ForwardingSnapshot snapshot;
    private final boolean vnetHeader;
    private final boolean udpSuperPackets;

    private DataPlane(
            TunnelSet tunnels,
            PacketDevice device,
            Function<DatagramReceiver, DatagramTransport> transportFactory,
            ForwardingSnapshot initial,
            int poolBuffers,
            DataPlaneEvents events) {
        this.snapshot = initial;
        this.events = events;
        boolean vnet = device.vnetHeader();
        this.vnetHeader = vnet;
        this.udpSuperPackets = device.takesUdpSuperPackets();
        // Reads: with offloads a read may be a 64 KB super-packet, and few are in flight at once.
        this.pool =
                vnet
                        ? new BufferPool(SUPER_PACKET_BUFFERS, Headroom.bufferSize(VNET_READ_BYTES))
                        : new BufferPool(
                                poolBuffers, Headroom.bufferSize(Math.max(initial.mtu(), 1500)));
        this.small =
                new BufferPool(SMALL_BUFFERS, Headroom.bufferSize(Math.max(initial.mtu(), 1500)));
        InboundHolder receiver =
                new InboundHolder(
                        new PathFailures("inbound", Counter.INBOUND_ERRORS, counters, this::fail));
        this.transport = transportFactory.apply(receiver);
        this.control =
                new ControlLoop(
                        tunnels,
                        transport,
                        counters,
                        this::snapshot,
                        new PathFailures("control", Counter.CONTROL_ERRORS, counters, this::fail),
                        System::nanoTime,
                        vnet);
        receiver.pipeline =
                new InboundPipeline(
                        tunnels,
                        device,
                        small,
                        counters,
                        control,
                        this::snapshot,
                        COALESCED_PER_BATCH,
                        device.takesUdpSuperPackets());
        OutboundPipeline outboundPipeline =
                new OutboundPipeline(
                        device,
                        transport,
                        small,
                        counters,
                        control::wake,
                        new IcmpErrorLimiter(new SecureRandom().nextLong()));
        this.outbound =
                new OutboundAgent(
                        device,
                        pool,
                        outboundPipeline,
                        transport,
                        this::snapshot,
                        new PathFailures("outbound", Counter.OUTBOUND_ERRORS, counters, this::fail),
                        System::nanoTime);
        ClockJumpDetector clockJumps =
                new ClockJumpDetector(
                        CLOCK_JUMP_MS, System.currentTimeMillis(), System.nanoTime() / 1_000_000);
        control.afterWake(
                () -> {
                    long jumpMs =
                            clockJumps.check(
                                    System.currentTimeMillis(), System.nanoTime() / 1_000_000);
                    if (jumpMs != 0) {
                        events.clockJumped(jumpMs);
                    }
                });
        this.outboundThread = new Thread(outbound, "sluice-outbound");
        this.controlThread = new Thread(control, "sluice-control");
        outboundThread.setDaemon(true);
        controlThread.setDaemon(true);
    }

    /**
     * The transport's receiver: hands datagrams to the inbound pipeline (dropped until it exists;
     * none arrive before start) and keeps its exceptions from the transport's event loop: each is
     * counted and logged by {@link PathFailures}, and the next datagram is handled as usual.
     */
    static final class InboundHolder implements DatagramReceiver {
        private final PathFailures failures;
        volatile InboundPipeline pipeline;

        InboundHolder(PathFailures failures) {
            this.failures = failures;
        }

        @Override
        public void onDatagram(
                ByteBuffer data, int offset, int length, DatagramSource source, long nowNs) {
            InboundPipeline target = pipeline;
            if (target == null) {
                return;
            }
            try {
                target.onDatagram(data, offset, length, source, nowNs);
                failures.succeeded();
            } catch (Throwable error) {
                failures.failed(error, nowNs);
            }
        }

        @Override
        public void endOfBatch() {
            InboundPipeline target = pipeline;
            if (target == null) {
                return;
            }
            try {
                target.endOfBatch();
            } catch (Throwable error) {
                failures.failed(error, System.nanoTime());
            }
        }
    }

    /** The first path declared failed wins (and is reported); later ones are in the log. */
    private void fail(String reason) {
        if (failure.compareAndSet(null, reason)) {
            events.failed(reason);
        }
    }

    /**
     * Why the data plane stopped forwarding (a path failed on and on), or null while it works.
     * Readable from any thread.
     */
    public String failure() {
        return failure.get();
    }

    /**
     * Builds and starts the pipeline.
     *
     * @param transportFactory opens the transport, which delivers datagrams to the receiver given
     * @param poolBuffers packet buffers in flight at most (backpressure beyond)
     * @param events told of a failed path and of clock jumps
     */
    public static DataPlane start(
            TunnelSet tunnels,
            PacketDevice device,
            Function<DatagramReceiver, DatagramTransport> transportFactory,
            ForwardingSnapshot initial,
            int poolBuffers,
            DataPlaneEvents events) {
        DataPlane plane =
                new DataPlane(tunnels, device, transportFactory, initial, poolBuffers, events);
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

    /**
     * The offloads in use, as status shows them: {@code tun-tso} and {@code tun-uso} (super-packets
     * read from and written to the tun), {@code udp-gso} and {@code udp-gro} (many datagrams per
     * send and receive). Empty: one packet per read, write, send and receive.
     */
    public List<String> offloads() {
        List<String> offloads = new ArrayList<>();
        if (vnetHeader) {
            offloads.add("tun-tso");
            if (udpSuperPackets) {
                offloads.add("tun-uso");
            }
        }
        if (transport.segments()) {
            offloads.add("udp-gso");
        }
        if (transport.coalescesReceives()) {
            offloads.add("udp-gro");
        }
        return List.copyOf(offloads);
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
