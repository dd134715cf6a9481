package dev.sluice.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.crypto.Action;
import dev.sluice.crypto.PublicKey;
import dev.sluice.crypto.Tunnel;
import dev.sluice.crypto.TunnelResult;
import dev.sluice.crypto.TunnelSet;
import dev.sluice.crypto.primitives.X25519;
import dev.sluice.packet.PacketBuilder;
import dev.sluice.packet.pool.BufferPool;
import dev.sluice.packet.pool.PacketBuffer;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.policy.CompiledPolicy;
import dev.sluice.routing.policy.LearnedOverlay;
import dev.sluice.routing.policy.PolicyCompiler;
import dev.sluice.routing.trie.PrefixTable;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exceptions on the data paths: the outbound agent, the inbound receiver and the control loop go on
 * with the next packet, count the failure and return every buffer; a path that fails on and on
 * reports a failure with its reason. Doubles throw on the n-th read, write or send.
 */
class DataPathFailureTest {
    private static final InetSocketAddress SERVER_ENDPOINT =
            new InetSocketAddress("198.18.1.2", 51820);
    private static final InetSocketAddress CLIENT_ENDPOINT =
            new InetSocketAddress("198.18.0.2", 40000);
    private static final AddressSource CLIENT_SOURCE = new AddressSource(CLIENT_ENDPOINT);
    private static final long MS = 1_000_000L;

    private final DataPlaneCounters counters = new DataPlaneCounters();
    private final DataPlaneCounters serverCounters = new DataPlaneCounters();
    private final BufferPool pool = new BufferPool(64, Headroom.bufferSize(1500));
    private final BufferPool serverPool = new BufferPool(64, Headroom.bufferSize(1500));
    private final MemoryTransport transport = new MemoryTransport();
    private final List<String> failures = new ArrayList<>();
    private long nowNs = 1_000_000_000L;
    private TunnelSet client;
    private TunnelSet server;
    private Tunnel toServer;
    private Tunnel toClient;
    private ForwardingSnapshot snapshot;
    private CompiledPolicy policy;

    @BeforeEach
    void build() throws Exception {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(11);
        byte[] clientPrivate = X25519.generatePrivate(random);
        byte[] serverPrivate = X25519.generatePrivate(random);
        client = new TunnelSet(clientPrivate, random, () -> nowNs);
        server = new TunnelSet(serverPrivate, random, () -> nowNs);
        toServer = client.addPeer(server.staticPublic(), null, 1420, 0);
        toClient = server.addPeer(client.staticPublic(), null, 1420, 0);
        SluiceConfig config =
                ConfigLoader.loadText(
                                "client.conf",
                                """
                        [Interface]
                        PrivateKey = %s
                        Address = 10.66.0.2/32
                        [Peer]
                        PublicKey = %s
                        AllowedIPs = 10.0.0.0/8
                        Endpoint = 198.18.1.2:51820
                        [Split]
                        Mode = include
                        Tunnel = 10.60.0.0/16, 172.16.0.0/12
                        """
                                        .formatted(
                                                Base64.getEncoder().encodeToString(clientPrivate),
                                                Base64.getEncoder()
                                                        .encodeToString(server.staticPublic())))
                        .orThrow();
        policy =
                PolicyCompiler.compile(
                        config.splitPolicy()
                                .withMachine(
                                        List.of(), List.of(IpPrefix.parseAddress("198.18.1.2"))));
        PrefixTable.Builder allowed = PrefixTable.builder();
        allowed.put(IpPrefix.parse("10.0.0.0/8"), 0);
        snapshot =
                new ForwardingSnapshot(
                        policy,
                        LearnedOverlay.EMPTY,
                        allowed.build().compile(),
                        List.of(
                                new PeerRuntime(
                                        0,
                                        new PublicKey(server.staticPublic()),
                                        toServer,
                                        SERVER_ENDPOINT)),
                        1420);
    }

    private static byte[] internetPacket(int n) {
        return PacketBuilder.ipv4("10.66.0.2", "198.19.0." + n).udp(5000, 443).build();
    }

    private static byte[] corpPacket(int n) {
        return PacketBuilder.ipv4("10.66.0.2", "10.60.32." + n).udp(5000, 443).build();
    }

    private OutboundPipeline pipeline(
            PacketDevice device, DatagramTransport transport, Runnable wake) {
        return new OutboundPipeline(
                device, transport, pool, counters, wake, new IcmpErrorLimiter(3));
    }

    /** An agent over {@code device} whose clock moves 100 ms each time it is read. */
    private OutboundAgent agent(ScriptedDevice device, DatagramTransport transport) {
        PathFailures paths =
                new PathFailures("outbound", Counter.OUTBOUND_ERRORS, counters, failures::add);
        OutboundAgent agent =
                new OutboundAgent(
                        device,
                        pool,
                        pipeline(device, transport, () -> {}),
                        transport,
                        () -> snapshot,
                        paths,
                        () -> nowNs += 100 * MS);
        device.whenDrained(agent::stop);
        return agent;
    }

    /** A transport that throws on the sends the predicate picks (numbered from 1). */
    /** A transport whose n-th batch send (a run of sealed messages) throws. */
    private DatagramTransport throwingOn(IntPredicate sendThrows) {
        return new DatagramTransport() {
            int batches;

            @Override
            public void send(
                    ByteBuffer buffer, int offset, int length, InetSocketAddress endpoint) {
                transport.send(buffer, offset, length, endpoint);
            }

            @Override
            public void sendSegments(
                    ByteBuffer buffer, int offset, int total, int segment, Endpoint to) {
                if (sendThrows.test(++batches)) {
                    throw new OutOfMemoryError("Cannot reserve 1452 bytes of direct memory");
                }
                DatagramTransport.super.sendSegments(buffer, offset, total, segment, to);
            }

            @Override
            public void flush() {}

            @Override
            public int port() {
                return 51820;
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void shouldGoOnWithTheNextPacketWhenAReadThrows() {
        ScriptedDevice device = new ScriptedDevice().readThrows(n -> n == 4);
        for (int i = 1; i <= 10; i++) {
            device.queue(internetPacket(i));
        }
        agent(device, transport).run();

        assertThat(device.written()).as("every packet reinjected").hasSize(10);
        assertThat(counters.get(Counter.OUTBOUND_ERRORS)).isEqualTo(1);
        assertThat(pool.inUse()).as("the failed read's buffer is back").isZero();
        assertThat(failures).isEmpty();
    }

    @Test
    void shouldLoseOnlyThePacketWhoseStageThrowsAndReturnItsBuffer() {
        ScriptedDevice device = new ScriptedDevice().writeThrows(n -> n == 3);
        for (int i = 1; i <= 10; i++) {
            device.queue(internetPacket(i));
        }
        agent(device, transport).run();

        assertThat(device.written()).hasSize(9);
        assertThat(device.written().get(2)).isEqualTo(internetPacket(4));
        assertThat(counters.get(Counter.OUT_BYPASS_PACKETS)).isEqualTo(9);
        assertThat(counters.get(Counter.OUTBOUND_ERRORS)).isEqualTo(1);
        assertThat(pool.inUse()).isZero();
    }

    @Test
    void shouldGoOnWhenTheTransportRunsOutOfDirectMemoryForABatch() {
        handshake();
        DatagramTransport failing = throwingOn(n -> n == 1);
        ScriptedDevice device = new ScriptedDevice();
        for (int i = 1; i <= 5; i++) {
            device.queue(corpPacket(i));
        }
        agent(device, failing).run();
        assertThat(counters.get(Counter.OUTBOUND_ERRORS)).isEqualTo(1);
        assertThat(transport.sends()).as("the batch whose send failed is lost").isZero();
        assertThat(pool.inUse()).isZero();

        ScriptedDevice next = new ScriptedDevice();
        for (int i = 6; i <= 8; i++) {
            next.queue(corpPacket(i));
        }
        agent(next, failing).run();
        assertThat(transport.sends()).as("the next batch goes out").isEqualTo(3);
        assertThat(counters.get(Counter.OUT_TUNNEL_PACKETS)).isEqualTo(8);
        assertThat(counters.get(Counter.OUTBOUND_ERRORS)).isEqualTo(1);
        assertThat(pool.inUse()).isZero();
    }

    @Test
    void shouldLeaveAStagedPacketWithItsPeerWhenWakingTheControlLoopThrows() {
        OutboundPipeline pipeline =
                pipeline(
                        new ScriptedDevice(),
                        transport,
                        () -> {
                            throw new IllegalStateException("wake fails");
                        });
        PacketBuffer buffer = pool.tryAcquire();
        byte[] packet = corpPacket(1);
        buffer.data().put(Headroom.PACKET_OFFSET, packet);
        buffer.packet(Headroom.PACKET_OFFSET, packet.length);

        assertThatThrownBy(() -> pipeline.process(buffer, snapshot, nowNs))
                .hasMessage("wake fails");
        PeerRuntime peer = snapshot.peers().get(0);
        assertThat(pool.inUse()).as("owned by the peer's queue, not released").isEqualTo(1);
        assertThat(peer.nextStaged()).isSameAs(buffer);
        buffer.release();
    }

    @Test
    void shouldReportTheOutboundPathFailedWhenEveryReadThrows() {
        ScriptedDevice device =
                new ScriptedDevice().readableForever().readThrows(n -> true).queue(corpPacket(1));
        agent(device, transport).run();

        assertThat(failures)
                .singleElement()
                .asString()
                .startsWith("outbound data path failed: ")
                .contains("without a packet getting through", "IllegalStateException: read");
        assertThat(device.reads())
                .as("the agent stopped by itself once it declared the failure")
                .isLessThan(100);
        assertThat(counters.get(Counter.OUTBOUND_ERRORS))
                .isGreaterThanOrEqualTo(PathFailures.FAILING_AFTER_ERRORS);
        assertThat(pool.inUse()).isZero();
    }

    @Test
    void shouldReportTheOutboundPathFailedWhenReadsFailWithAnErrno() {
        ScriptedDevice device = new ScriptedDevice().readableForever().readFails(5);
        agent(device, transport).run();

        assertThat(failures)
                .singleElement()
                .asString()
                .endsWith("last: reading from scripted0 failed with errno 5");
        assertThat(pool.inUse()).isZero();
    }

    @Test
    void shouldGoOnWithTheNextDatagramWhenDeliveringOneThrows() {
        handshake();
        ScriptedDevice serverDevice = new ScriptedDevice().writeThrows(n -> n == 2);
        DataPlane.InboundHolder receiver =
                new DataPlane.InboundHolder(
                        new PathFailures(
                                "inbound", Counter.INBOUND_ERRORS, serverCounters, failures::add));
        ForwardingSnapshot serverSnapshot = serverSnapshot();
        receiver.pipeline =
                new InboundPipeline(
                        server,
                        serverDevice,
                        serverPool,
                        serverCounters,
                        controlLoop(server, serverSnapshot, serverCounters),
                        () -> serverSnapshot,
                        64,
                        false);
        OutboundPipeline outbound = pipeline(new ScriptedDevice(), transport, () -> {});
        for (int i = 1; i <= 3; i++) {
            PacketBuffer buffer = pool.tryAcquire();
            byte[] packet = corpPacket(i);
            buffer.data().put(Headroom.PACKET_OFFSET, packet);
            buffer.packet(Headroom.PACKET_OFFSET, packet.length);
            outbound.process(buffer, snapshot, nowNs);
            outbound.flush();
            receiver.onDatagram(
                    transport.lastDatagram(), 0, transport.lastLength(), CLIENT_SOURCE, nowNs);
        }

        assertThat(serverDevice.written()).hasSize(2);
        assertThat(serverDevice.written().get(1)).isEqualTo(corpPacket(3));
        assertThat(serverCounters.get(Counter.INBOUND_ERRORS)).isEqualTo(1);
        assertThat(serverPool.inUse()).as("the decrypted packet's buffer is back").isZero();
        assertThat(failures).isEmpty();
    }

    @Test
    void shouldDropRatherThanStageWhenStagingWouldLeaveTooFewReadBuffers() {
        OutboundPipeline outbound = pipeline(new ScriptedDevice(), transport, () -> {});
        int stageable = pool.capacity() - OutboundPipeline.READ_BUFFERS_KEPT - 1;
        for (int i = 0; i < pool.capacity() - 1; i++) {
            PacketBuffer buffer = pool.tryAcquire();
            byte[] packet = corpPacket(i);
            buffer.data().put(Headroom.PACKET_OFFSET, packet);
            buffer.packet(Headroom.PACKET_OFFSET, packet.length);
            outbound.process(buffer, snapshot, nowNs);
        }
        // Each packet was read into a buffer, so the pool is one short while a packet is decided.
        assertThat(counters.get(Counter.STAGED_PACKETS)).isEqualTo(stageable);
        assertThat(counters.get(Counter.DROP_STAGE_FULL))
                .isEqualTo(pool.capacity() - 1 - stageable);
        assertThat(pool.available())
                .as("buffers left for reading the tun")
                .isEqualTo(OutboundPipeline.READ_BUFFERS_KEPT + 1);
    }

    @Test
    void shouldReleaseAStagedPacketAndGoOnWhenTheControlLoopCannotSendIt() {
        OutboundPipeline outbound = pipeline(new ScriptedDevice(), transport, () -> {});
        for (int i = 1; i <= 2; i++) {
            PacketBuffer buffer = pool.tryAcquire();
            byte[] packet = corpPacket(i);
            buffer.data().put(Headroom.PACKET_OFFSET, packet);
            buffer.packet(Headroom.PACKET_OFFSET, packet.length);
            outbound.process(buffer, snapshot, nowNs);
        }
        assertThat(counters.get(Counter.STAGED_PACKETS)).isEqualTo(2);
        handshake();
        ControlLoop control =
                new ControlLoop(
                        client,
                        throwingOn(n -> n == 1),
                        counters,
                        () -> snapshot,
                        new PathFailures(
                                "control", Counter.CONTROL_ERRORS, counters, failures::add),
                        () -> nowNs,
                        false);

        control.tick();
        assertThat(counters.get(Counter.CONTROL_ERRORS)).isEqualTo(1);
        assertThat(pool.inUse()).as("the packets of the failed send are released").isZero();
        assertThat(transport.sends()).isZero();
        PacketBuffer later = pool.tryAcquire();
        byte[] packet = corpPacket(3);
        later.data().put(Headroom.PACKET_OFFSET, packet);
        later.packet(Headroom.PACKET_OFFSET, packet.length);
        assertThat(snapshot.peers().get(0).stage(later)).isTrue();
        control.tick();
        assertThat(transport.sends()).as("the control loop goes on").isEqualTo(1);
        assertThat(pool.inUse()).isZero();
        assertThat(failures).isEmpty();
    }

    private ControlLoop controlLoop(
            TunnelSet tunnels, ForwardingSnapshot snapshot, DataPlaneCounters counters) {
        return new ControlLoop(
                tunnels,
                transport,
                counters,
                () -> snapshot,
                new PathFailures("control", Counter.CONTROL_ERRORS, counters, failures::add),
                () -> nowNs,
                false);
    }

    private ForwardingSnapshot serverSnapshot() {
        PrefixTable.Builder allowed = PrefixTable.builder();
        allowed.put(IpPrefix.parse("10.66.0.2/32"), 0);
        return new ForwardingSnapshot(
                policy,
                LearnedOverlay.EMPTY,
                allowed.build().compile(),
                List.of(new PeerRuntime(0, new PublicKey(client.staticPublic()), toClient, null)),
                1420);
    }

    /** Initiation, response and confirming keepalive straight through the protocol core. */
    private void handshake() {
        ByteBuffer a = ByteBuffer.allocateDirect(2048);
        ByteBuffer b = ByteBuffer.allocateDirect(2048);
        byte[] source = {(byte) 198, 18, 0, 2, (byte) 0x9c, 0x40};
        TunnelResult first = new TunnelResult();
        TunnelResult second = new TunnelResult();
        toServer.requestHandshake();
        TunnelResult initiation = toServer.pollTimers(a, 0, nowNs, first);
        assertThat(initiation.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        TunnelResult response =
                server.decapsulate(a, 0, initiation.length(), source, b, 0, nowNs, second);
        TunnelResult keepalive =
                client.decapsulate(b, 0, response.length(), source, a, 0, nowNs, first);
        assertThat(keepalive.sessionEstablished()).isTrue();
        TunnelResult confirmed =
                server.decapsulate(a, 0, keepalive.length(), source, b, 0, nowNs, second);
        assertThat(confirmed.sessionEstablished()).isTrue();
    }
}
