package dev.sluice.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.crypto.Action;
import dev.sluice.crypto.PublicKey;
import dev.sluice.crypto.Tunnel;
import dev.sluice.crypto.TunnelResult;
import dev.sluice.crypto.TunnelSet;
import dev.sluice.crypto.primitives.X25519;
import dev.sluice.packet.DecodeResult;
import dev.sluice.packet.PacketBuilder;
import dev.sluice.packet.PacketDecoder;
import dev.sluice.packet.ParsedPacket;
import dev.sluice.packet.TcpHeader;
import dev.sluice.packet.pool.BufferPool;
import dev.sluice.packet.pool.PacketBuffer;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.policy.CompiledPolicy;
import dev.sluice.routing.policy.LearnedOverlay;
import dev.sluice.routing.policy.LearnedRoute;
import dev.sluice.routing.policy.PolicyCompiler;
import dev.sluice.routing.policy.Verdict;
import dev.sluice.routing.trie.PrefixTable;
import dev.sluice.testkit.AllocationMeter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbound and inbound pipelines of a client and a server joined by memory: each verdict, the
 * cryptokey-routing check, bad packets, and no allocation per packet in steady state.
 */
class PipelineTest {
    private static final InetSocketAddress SERVER_ENDPOINT =
            new InetSocketAddress("198.18.1.2", 51820);
    private static final InetSocketAddress CLIENT_ENDPOINT =
            new InetSocketAddress("198.18.0.2", 40000);
    private static final AddressSource CLIENT_SOURCE = new AddressSource(CLIENT_ENDPOINT);

    private final MemoryDevice clientDevice = new MemoryDevice();
    private final MemoryDevice serverDevice = new MemoryDevice();
    private final MemoryTransport clientTransport = new MemoryTransport();
    private final MemoryTransport serverTransport = new MemoryTransport();
    private final DataPlaneCounters clientCounters = new DataPlaneCounters();
    private final DataPlaneCounters serverCounters = new DataPlaneCounters();
    private final BufferPool clientPool = new BufferPool(64, Headroom.bufferSize(1500));
    private final BufferPool serverPool = new BufferPool(64, Headroom.bufferSize(1500));
    private OutboundPipeline outbound;
    private InboundPipeline serverInbound;
    private ForwardingSnapshot clientSnapshot;
    private long nowNs = 1_000_000_000L;

    @BeforeEach
    void connect() throws Exception {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(7);
        byte[] clientPrivate = X25519.generatePrivate(random);
        byte[] serverPrivate = X25519.generatePrivate(random);
        TunnelSet client = new TunnelSet(clientPrivate, random, () -> nowNs);
        TunnelSet server = new TunnelSet(serverPrivate, random, () -> nowNs);
        Tunnel toServer = client.addPeer(server.staticPublic(), null, 1420, 0);
        Tunnel toClient = server.addPeer(client.staticPublic(), null, 1420, 0);
        handshake(toServer, client, server);

        SluiceConfig config =
                ConfigLoader.loadText(
                                "client.conf",
                                """
                        [Interface]
                        PrivateKey = %s
                        Address = 10.66.0.2/32, fd66::2/128
                        [Peer]
                        PublicKey = %s
                        AllowedIPs = 10.0.0.0/8, fd00::/8
                        Endpoint = 198.18.1.2:51820
                        [Split]
                        Mode = include
                        Tunnel = 10.60.0.0/16, 172.16.0.0/12, fd11::/16
                        """
                                        .formatted(
                                                Base64.getEncoder().encodeToString(clientPrivate),
                                                Base64.getEncoder()
                                                        .encodeToString(server.staticPublic())))
                        .orThrow();
        CompiledPolicy policy =
                PolicyCompiler.compile(
                        config.splitPolicy()
                                .withMachine(
                                        List.of(), List.of(IpPrefix.parseAddress("198.18.1.2"))));
        PrefixTable.Builder clientAllowed = PrefixTable.builder();
        clientAllowed.put(IpPrefix.parse("10.0.0.0/8"), 0);
        clientAllowed.put(IpPrefix.parse("fd00::/8"), 0);
        // A learned route elsewhere, so that every lookup also goes through the learned table.
        LearnedOverlay learned =
                LearnedOverlay.build(
                        policy,
                        List.of(
                                new LearnedRoute(IpPrefix.parse("198.51.100.9/32"), Verdict.BYPASS),
                                new LearnedRoute(
                                        IpPrefix.parse("2001:db8::9/128"), Verdict.BYPASS)));
        clientSnapshot =
                new ForwardingSnapshot(
                        policy,
                        learned,
                        clientAllowed.build().compile(),
                        List.of(
                                new PeerRuntime(
                                        0,
                                        new PublicKey(server.staticPublic()),
                                        toServer,
                                        SERVER_ENDPOINT)),
                        1420);
        outbound =
                new OutboundPipeline(
                        clientDevice,
                        clientTransport,
                        clientPool,
                        clientCounters,
                        () -> {},
                        new IcmpErrorLimiter(7));

        PrefixTable.Builder serverAllowed = PrefixTable.builder();
        serverAllowed.put(IpPrefix.parse("10.66.0.2/32"), 0);
        serverAllowed.put(IpPrefix.parse("fd66::2/128"), 0);
        ForwardingSnapshot serverSnapshot =
                new ForwardingSnapshot(
                        policy,
                        LearnedOverlay.EMPTY,
                        serverAllowed.build().compile(),
                        List.of(
                                new PeerRuntime(
                                        0, new PublicKey(client.staticPublic()), toClient, null)),
                        1420);
        ControlLoop serverControl =
                new ControlLoop(
                        server,
                        serverTransport,
                        serverCounters,
                        () -> serverSnapshot,
                        new PathFailures(
                                "control",
                                Counter.CONTROL_ERRORS,
                                serverCounters,
                                reason -> {
                                    throw new AssertionError(reason);
                                }),
                        () -> nowNs,
                        false);
        serverInbound =
                new InboundPipeline(
                        server,
                        serverDevice,
                        serverPool,
                        serverCounters,
                        serverControl,
                        () -> serverSnapshot,
                        64,
                        false);
    }

    /** Initiation, response and confirming keepalive straight through the protocol core. */
    private void handshake(Tunnel initiator, TunnelSet initiatorSet, TunnelSet responder) {
        ByteBuffer a = ByteBuffer.allocateDirect(2048);
        ByteBuffer b = ByteBuffer.allocateDirect(2048);
        byte[] source = {(byte) 198, 18, 0, 2, (byte) 0x9c, 0x40};
        TunnelResult first = new TunnelResult();
        TunnelResult second = new TunnelResult();
        initiator.requestHandshake();
        TunnelResult initiation = initiator.pollTimers(a, 0, nowNs, first);
        assertThat(initiation.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        TunnelResult response =
                responder.decapsulate(a, 0, initiation.length(), source, b, 0, nowNs, second);
        assertThat(response.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        TunnelResult keepalive =
                initiatorSet.decapsulate(b, 0, response.length(), source, a, 0, nowNs, first);
        assertThat(keepalive.sessionEstablished()).isTrue();
        TunnelResult confirmed =
                responder.decapsulate(a, 0, keepalive.length(), source, b, 0, nowNs, second);
        assertThat(confirmed.sessionEstablished()).isTrue();
    }

    /** Hands {@code packet} to the outbound pipeline as the device would (at the headroom). */
    private void sendFromHost(byte[] packet) {
        PacketBuffer buffer = clientPool.tryAcquire();
        buffer.data().put(Headroom.PACKET_OFFSET, packet);
        buffer.packet(Headroom.PACKET_OFFSET, packet.length);
        outbound.process(buffer, clientSnapshot, nowNs);
        outbound.flush();
    }

    /** Delivers the client's last datagram to the server's inbound pipeline. */
    private void deliverToServer() {
        serverInbound.onDatagram(
                clientTransport.lastDatagram(),
                0,
                clientTransport.lastLength(),
                CLIENT_SOURCE,
                nowNs);
    }

    @Test
    void aCorpPacketShouldBeEncryptedToThePeerAndArriveUnchangedOnTheFarSide() {
        byte[] ping = PacketBuilder.ipv4("10.66.0.2", "10.60.32.10").echoRequest(1, 1).build();
        sendFromHost(ping);
        assertThat(clientTransport.sends()).isEqualTo(1);
        assertThat(clientTransport.lastEndpoint()).isEqualTo(SERVER_ENDPOINT);
        assertThat(clientCounters.get(Counter.OUT_TUNNEL_PACKETS)).isEqualTo(1);
        assertThat(clientDevice.writes()).as("nothing comes back into the host").isZero();

        deliverToServer();
        assertThat(serverDevice.lastPacket()).isEqualTo(ping);
        assertThat(serverCounters.get(Counter.IN_PACKETS)).isEqualTo(1);
        assertThat(serverCounters.get(Counter.ENDPOINT_CHANGES))
                .as("the server learns the client's endpoint from the authenticated datagram")
                .isEqualTo(1);
    }

    @Test
    void anIpv6CorpPacketShouldBeTunnelledToo() {
        byte[] packet = PacketBuilder.ipv6("fd66::2", "fd11:1d80:c67a::10").udp(5000, 53).build();
        sendFromHost(packet);
        deliverToServer();
        assertThat(serverDevice.lastPacket()).isEqualTo(packet);
    }

    @Test
    void aTcpSynInTheTunnelShouldHaveItsMssClampedToTheTunnelMtu() {
        byte[] syn =
                PacketBuilder.ipv4("10.66.0.2", "10.60.32.10")
                        .tcp(40000, 443, TcpHeader.FLAG_SYN)
                        .mss(1460)
                        .build();
        sendFromHost(syn);
        deliverToServer();
        assertThat(clientCounters.get(Counter.MSS_CLAMPED)).isEqualTo(1);
        byte[] arrived = serverDevice.lastPacket();
        int mss = ((arrived[20 + 22] & 0xff) << 8) | (arrived[20 + 23] & 0xff);
        assertThat(mss).isEqualTo(1420 - 40);
    }

    @Test
    void anInternetPacketShouldBeReinjectedUnchanged() {
        byte[] packet = PacketBuilder.ipv4("10.66.0.2", "198.19.0.10").udp(5000, 443).build();
        sendFromHost(packet);
        assertThat(clientDevice.lastPacket()).isEqualTo(packet);
        assertThat(clientCounters.get(Counter.OUT_BYPASS_PACKETS)).isEqualTo(1);
        assertThat(clientTransport.sends()).isZero();
    }

    @Test
    void aTunnelAddressNoPeerAcceptsShouldBeDroppedWithAHostUnreachableToTheSender() {
        byte[] syn =
                PacketBuilder.ipv4("10.66.0.2", "172.16.192.5")
                        .tcp(40000, 80, TcpHeader.FLAG_SYN)
                        .build();
        sendFromHost(syn);
        assertThat(clientTransport.sends()).as("never leaked").isZero();
        assertThat(clientCounters.get(Counter.DROP_NO_PEER)).isEqualTo(1);
        ParsedPacket icmp = decode(clientDevice.lastPacket());
        assertThat(icmp.protocol()).isEqualTo(1);
        assertThat(icmp.icmpType()).isEqualTo(3);
        assertThat(icmp.icmpCode()).as("host unreachable").isEqualTo(1);
        assertThat(icmp.destinationV4()).as("back to the sender").isEqualTo(0x0a420002);
    }

    @Test
    void shouldAnswerOnlyWithinTheIcmpRateLimitWhenAFloodHitsADroppedPrefix() {
        byte[] syn =
                PacketBuilder.ipv4("10.66.0.2", "172.16.192.5")
                        .tcp(40000, 80, TcpHeader.FLAG_SYN)
                        .build();
        for (int i = 0; i < 100; i++) {
            sendFromHost(syn);
        }
        assertThat(clientCounters.get(Counter.DROP_NO_PEER)).isEqualTo(100);
        assertThat(clientDevice.writes())
                .as("errors written back")
                .isEqualTo(IcmpErrorLimiter.PER_DESTINATION_BURST);
        assertThat(clientCounters.get(Counter.ICMP_ERRORS_SUPPRESSED))
                .isEqualTo(100 - IcmpErrorLimiter.PER_DESTINATION_BURST);

        nowNs += IcmpErrorLimiter.PER_DESTINATION_INTERVAL_NS;
        sendFromHost(syn);
        sendFromHost(syn);
        assertThat(clientDevice.writes())
                .as("one more a second")
                .isEqualTo(IcmpErrorLimiter.PER_DESTINATION_BURST + 1);
        byte[] other =
                PacketBuilder.ipv4("10.66.0.3", "172.16.192.5")
                        .tcp(40000, 80, TcpHeader.FLAG_SYN)
                        .build();
        sendFromHost(other);
        assertThat(decode(clientDevice.lastPacket()).destinationV4())
                .as("another sender is answered at once")
                .isEqualTo(0x0a420003);
        assertThat(clientPool.inUse()).isZero();
    }

    @Test
    void interfaceLocalMulticastShouldBeDroppedByPolicyWithAnIcmpv6Error() {
        byte[] packet = PacketBuilder.ipv6("fd66::2", "ff01::1").udp(5000, 5000).build();
        sendFromHost(packet);
        assertThat(clientTransport.sends()).isZero();
        assertThat(clientCounters.get(Counter.OUT_DROP_PACKETS)).isEqualTo(1);
    }

    @Test
    void malformedHostPacketsShouldBeCountedDropsThatTouchNothing() {
        sendFromHost(new byte[] {0x45, 0, 0, 99, 0, 0});
        sendFromHost(new byte[] {0x60});
        sendFromHost(new byte[0]);
        assertThat(clientTransport.sends()).isZero();
        assertThat(clientDevice.writes()).isZero();
        long decodeDrops = 0;
        for (DecodeResult result : DecodeResult.values()) {
            if (result != DecodeResult.OK) {
                decodeDrops += clientCounters.decodeDrops(result);
            }
        }
        assertThat(decodeDrops).isEqualTo(3);
        assertThat(clientPool.inUse()).as("every buffer back in the pool").isZero();
    }

    @Test
    void anInnerSourceOutsideTheSendersAllowedIpsShouldBeDroppedByTheFarSide() {
        // The client's tunnel happily carries a spoofed source; the server's cryptokey routing
        // must refuse it.
        byte[] spoofed = PacketBuilder.ipv4("10.60.99.99", "10.60.32.10").udp(1, 2).build();
        sendFromHost(spoofed);
        deliverToServer();
        assertThat(serverDevice.writes()).isZero();
        assertThat(serverCounters.get(Counter.DROP_INNER_SOURCE_NOT_ALLOWED)).isEqualTo(1);
    }

    @Test
    void garbageFromTheNetworkShouldBeACountedDropWithEveryBufferReturned() {
        ByteBuffer garbage = ByteBuffer.allocateDirect(200);
        for (int i = 0; i < 200; i++) {
            garbage.put(i, (byte) (i * 31));
        }
        garbage.put(0, (byte) 4); // claims to be transport data
        serverInbound.onDatagram(garbage, 0, 200, CLIENT_SOURCE, nowNs);
        serverInbound.onDatagram(garbage, 0, 3, CLIENT_SOURCE, nowNs);
        assertThat(serverDevice.writes()).isZero();
        assertThat(serverCounters.get(Counter.DROP_UNKNOWN_MESSAGE)).isEqualTo(2);
        garbage.put(1, (byte) 0).put(2, (byte) 0).put(3, (byte) 0); // well-typed, unauthenticated
        serverInbound.onDatagram(garbage, 0, 200, CLIENT_SOURCE, nowNs);
        assertThat(serverDevice.writes()).isZero();
        assertThat(serverPool.inUse()).isZero();
    }

    @Test
    void tunnelBypassDropAndDeliveryShouldAllocateNothingPerPacket() {
        byte[] corp = PacketBuilder.ipv4("10.66.0.2", "10.60.32.10").udp(5000, 5001).build();
        byte[] internet = PacketBuilder.ipv6("fd66::2", "fd19::10").udp(5000, 443).build();
        byte[] dropped = PacketBuilder.ipv4("10.66.0.2", "172.16.192.5").udp(5000, 80).build();
        long bytes =
                AllocationMeter.bytesAllocatedBy(
                        20_000,
                        50_000,
                        () -> {
                            sendFromHost(corp);
                            deliverToServer();
                            sendFromHost(internet);
                            sendFromHost(dropped);
                        });
        assertThat(bytes).as("bytes allocated by 50k rounds of four packets").isZero();
        long rounds = serverCounters.get(Counter.IN_PACKETS);
        assertThat(rounds)
                .as("every round delivered on the far side")
                .isGreaterThanOrEqualTo(70_000);
        assertThat(clientCounters.get(Counter.OUT_BYPASS_PACKETS)).isEqualTo(rounds);
        assertThat(clientCounters.get(Counter.ICMP_ERRORS_SENT))
                .as("the time stands still: one destination's burst, then the rate limit")
                .isEqualTo(IcmpErrorLimiter.PER_DESTINATION_BURST);
        assertThat(
                        clientCounters.get(Counter.ICMP_ERRORS_SENT)
                                + clientCounters.get(Counter.ICMP_ERRORS_SUPPRESSED))
                .as("every dropped packet's error either sent or suppressed")
                .isEqualTo(rounds);
        assertThat(clientPool.inUse()).isZero();
        assertThat(serverPool.inUse()).isZero();
    }

    private static ParsedPacket decode(byte[] packet) {
        ParsedPacket parsed = new ParsedPacket();
        assertThat(PacketDecoder.decode(ByteBuffer.wrap(packet), 0, packet.length, parsed))
                .isEqualTo(DecodeResult.OK);
        return parsed;
    }
}
