package dev.sluice.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.crypto.Action;
import dev.sluice.crypto.PublicKey;
import dev.sluice.crypto.Tunnel;
import dev.sluice.crypto.TunnelResult;
import dev.sluice.crypto.TunnelSet;
import dev.sluice.crypto.primitives.X25519;
import dev.sluice.daemon.platform.linux.LinuxUdpTransport;
import dev.sluice.packet.PacketBuilder;
import dev.sluice.packet.TcpHeader;
import dev.sluice.packet.offload.VirtioNetHeader;
import dev.sluice.packet.pool.BufferPool;
import dev.sluice.packet.pool.PacketBuffer;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.policy.CompiledPolicy;
import dev.sluice.routing.policy.LearnedOverlay;
import dev.sluice.routing.policy.LocalNetworks;
import dev.sluice.routing.policy.PolicyCompiler;
import dev.sluice.routing.policy.SplitMode;
import dev.sluice.routing.policy.SplitPolicy;
import dev.sluice.routing.trie.PrefixTable;
import dev.sluice.testkit.AllocationMeter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The whole data path with offloads, transport included, allocates nothing per packet: a 64 KB TSO
 * super-packet read from the (in-memory) tun is cut, sealed into a send batch and sent with UDP GSO
 * over loopback by the JNA transport; the far side's receive thread takes it (UDP GRO), decrypts in
 * place, coalesces the segments back into one super-packet and writes it with one gathering write.
 * Bytes allocated are measured on both threads.
 */
class WholePathAllocationTest {
    private static final int SUPER_PAYLOAD = 44 * 1380;

    @Test
    void aSuperPacketShouldCrossTheTunnelWithoutAllocatingOnEitherThread() throws Exception {
        // The receive thread stamps datagrams with System.nanoTime(): sessions live on that clock.
        long[] nowNs = {System.nanoTime()};
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(11);
        TunnelSet client = new TunnelSet(X25519.generatePrivate(random), random, () -> nowNs[0]);
        TunnelSet server = new TunnelSet(X25519.generatePrivate(random), random, () -> nowNs[0]);
        Tunnel toServer = client.addPeer(server.staticPublic(), null, 1420, 0);
        Tunnel toClient = server.addPeer(client.staticPublic(), null, 1420, 0);
        handshake(toServer, client, server, nowNs[0]);

        CompiledPolicy policy =
                PolicyCompiler.compile(
                        new SplitPolicy(
                                SplitMode.INCLUDE,
                                List.of(IpPrefix.parse("10.60.0.0/16")),
                                List.of(),
                                List.of(List.of(IpPrefix.parse("10.0.0.0/8"))),
                                LocalNetworks.BYPASS,
                                List.of(),
                                List.of(),
                                List.of()));
        DataPlaneCounters serverCounters = new DataPlaneCounters();
        VnetMemoryDevice serverDevice = new VnetMemoryDevice();
        AtomicReference<InboundPipeline> inbound = new AtomicReference<>();
        AtomicReference<Thread> receiveThread = new AtomicReference<>();
        DatagramReceiver receiver =
                new DatagramReceiver() {
                    @Override
                    public void onDatagram(
                            ByteBuffer data,
                            int offset,
                            int length,
                            DatagramSource source,
                            long t) {
                        receiveThread.compareAndSet(null, Thread.currentThread());
                        inbound.get().onDatagram(data, offset, length, source, t);
                    }

                    @Override
                    public void endOfBatch() {
                        inbound.get().endOfBatch();
                    }
                };
        try (LinuxUdpTransport serverTransport = LinuxUdpTransport.open(0, 0, true, receiver);
                LinuxUdpTransport clientTransport =
                        LinuxUdpTransport.open(0, 0, true, DatagramReceiverNone.INSTANCE)) {
            PrefixTable.Builder serverAllowed = PrefixTable.builder();
            serverAllowed.put(IpPrefix.parse("10.66.0.2/32"), 0);
            ForwardingSnapshot serverSnapshot =
                    new ForwardingSnapshot(
                            policy,
                            LearnedOverlay.EMPTY,
                            serverAllowed.build().compile(),
                            List.of(
                                    new PeerRuntime(
                                            0,
                                            new PublicKey(client.staticPublic()),
                                            toClient,
                                            null)),
                            1420);
            ControlLoop serverControl =
                    new ControlLoop(
                            server,
                            serverTransport,
                            serverCounters,
                            () -> serverSnapshot,
                            new PathFailures(
                                    "control", Counter.CONTROL_ERRORS, serverCounters, r -> {}),
                            () -> nowNs[0],
                            true);
            inbound.set(
                    new InboundPipeline(
                            server,
                            serverDevice,
                            new BufferPool(16, 2048),
                            serverCounters,
                            serverControl,
                            () -> serverSnapshot,
                            64,
                            false));

            PrefixTable.Builder clientAllowed = PrefixTable.builder();
            clientAllowed.put(IpPrefix.parse("10.0.0.0/8"), 0);
            ForwardingSnapshot clientSnapshot =
                    new ForwardingSnapshot(
                            policy,
                            LearnedOverlay.EMPTY,
                            clientAllowed.build().compile(),
                            List.of(
                                    new PeerRuntime(
                                            0,
                                            new PublicKey(server.staticPublic()),
                                            toServer,
                                            new InetSocketAddress(
                                                    InetAddress.getLoopbackAddress(),
                                                    serverTransport.port()))),
                            1420);
            DataPlaneCounters clientCounters = new DataPlaneCounters();
            BufferPool reads = new BufferPool(4, Headroom.bufferSize(DataPlane.VNET_READ_BYTES));
            OutboundPipeline outbound =
                    new OutboundPipeline(
                            new VnetMemoryDevice(),
                            clientTransport,
                            new BufferPool(16, 2048),
                            clientCounters,
                            () -> {},
                            new IcmpErrorLimiter(3));
            byte[] superPacket = superPacket();
            int[] sequence = {0};
            Runnable send =
                    () -> {
                        PacketBuffer buffer = reads.tryAcquire();
                        buffer.data().put(Headroom.PACKET_OFFSET, superPacket);
                        // Consecutive super-packets of one flow, so the far side coalesces.
                        buffer.data()
                                .putInt(
                                        Headroom.PACKET_OFFSET
                                                + VirtioNetHeader.LENGTH
                                                + 20
                                                + TcpHeader.SEQUENCE_OFFSET,
                                        sequence[0]);
                        sequence[0] += SUPER_PAYLOAD;
                        buffer.packet(Headroom.PACKET_OFFSET, superPacket.length);
                        outbound.process(buffer, clientSnapshot, nowNs[0]);
                        outbound.flush();
                        // One at a time: the far side's socket buffer never overflows.
                        awaitDelivered(serverCounters, sequence[0] / 1380);
                    };
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int i = 0; i < 3_000; i++) { // warm up both threads
                send.run();
            }
            long receiverBefore = threads.getThreadAllocatedBytes(receiveThread.get().getId());
            int rounds = 5_000;
            long senderBytes =
                    AllocationMeter.bytesAllocatedBy(
                            0,
                            rounds,
                            () -> {
                                send.run();
                            });
            long expected = (3_000L + 3L * rounds) * 44;
            long receiverBytes =
                    threads.getThreadAllocatedBytes(receiveThread.get().getId()) - receiverBefore;

            assertThat(clientCounters.get(Counter.OUT_SEGMENTS)).isGreaterThanOrEqualTo(expected);
            assertThat(serverCounters.get(Counter.IN_PACKETS)).isEqualTo(expected);
            assertThat(serverDevice.gathered())
                    .as("segments coalesced back into super-packets")
                    .isGreaterThan(0);
            assertThat(senderBytes)
                    .as("sender: bytes allocated per 3 x %d super-packets", rounds)
                    .isZero();
            assertThat(receiverBytes)
                    .as("receiver thread: bytes allocated for %d packets", expected)
                    .isLessThan(expected / 100);
        }
    }

    /** A 64 KB TCP super-packet as a tun with TSO hands it over: virtio header, one IP packet. */
    private static byte[] superPacket() {
        byte[] ip =
                PacketBuilder.ipv4("10.66.0.2", "10.60.32.10")
                        .tcp(40000, 5201, TcpHeader.FLAG_ACK)
                        .payload(new byte[SUPER_PAYLOAD])
                        .build();
        byte[] packet = new byte[VirtioNetHeader.LENGTH + ip.length];
        ByteBuffer header = ByteBuffer.wrap(packet);
        new VirtioNetHeader()
                .wrap(header, 0)
                .set(
                        VirtioNetHeader.FLAG_NEEDS_CHECKSUM,
                        VirtioNetHeader.GSO_TCPV4,
                        40,
                        1380,
                        20,
                        TcpHeader.CHECKSUM_OFFSET);
        System.arraycopy(ip, 0, packet, VirtioNetHeader.LENGTH, ip.length);
        return packet;
    }

    private static void awaitDelivered(DataPlaneCounters counters, long packets) {
        long deadlineNs = System.nanoTime() + 2_000_000_000L;
        while (counters.get(Counter.IN_PACKETS) < packets) {
            if (System.nanoTime() > deadlineNs) {
                throw new AssertionError(
                        "delivered "
                                + counters.get(Counter.IN_PACKETS)
                                + " of "
                                + packets
                                + " packets; "
                                + describe(counters));
            }
            Thread.onSpinWait();
        }
    }

    private static String describe(DataPlaneCounters counters) {
        StringBuilder text = new StringBuilder();
        for (Counter counter : Counter.values()) {
            if (counters.get(counter) != 0) {
                text.append(counter.label()).append('=').append(counters.get(counter)).append(' ');
            }
        }
        return text.toString();
    }

    private static void handshake(
            Tunnel initiator, TunnelSet initiatorSet, TunnelSet responder, long nowNs) {
        ByteBuffer a = ByteBuffer.allocateDirect(2048);
        ByteBuffer b = ByteBuffer.allocateDirect(2048);
        byte[] source = {127, 0, 0, 1, (byte) 0x9c, 0x40};
        TunnelResult first = new TunnelResult();
        TunnelResult second = new TunnelResult();
        initiator.requestHandshake();
        TunnelResult initiation = initiator.pollTimers(a, 0, nowNs, first);
        assertThat(initiation.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        TunnelResult response =
                responder.decapsulate(a, 0, initiation.length(), source, b, 0, nowNs, second);
        TunnelResult keepalive =
                initiatorSet.decapsulate(b, 0, response.length(), source, a, 0, nowNs, first);
        assertThat(keepalive.sessionEstablished()).isTrue();
        TunnelResult confirmed =
                responder.decapsulate(a, 0, keepalive.length(), source, b, 0, nowNs, second);
        assertThat(confirmed.sessionEstablished()).isTrue();
    }

    /** A receiver that drops everything (the client side receives nothing here). */
    private enum DatagramReceiverNone implements DatagramReceiver {
        INSTANCE;

        @Override
        public void onDatagram(
                ByteBuffer data, int offset, int length, DatagramSource source, long nowNs) {}
    }
}
