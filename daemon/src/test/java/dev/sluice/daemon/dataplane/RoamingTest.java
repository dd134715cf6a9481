package dev.sluice.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.crypto.Action;
import dev.sluice.crypto.DropReason;
import dev.sluice.crypto.PublicKey;
import dev.sluice.crypto.Tunnel;
import dev.sluice.crypto.TunnelResult;
import dev.sluice.crypto.TunnelSet;
import dev.sluice.crypto.primitives.X25519;
import dev.sluice.packet.PacketBuilder;
import dev.sluice.packet.pool.BufferPool;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.policy.LearnedOverlay;
import dev.sluice.routing.policy.PolicyCompiler;
import dev.sluice.routing.trie.PrefixTable;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's endpoint for its server moves only to the source of authenticated messages
 * (transport data, handshake responses), never to the source of a cookie reply, genuine, replayed
 * or forged: the client's inbound pipeline and control loop fed by memory.
 */
class RoamingTest {
    private static final InetSocketAddress SERVER_ENDPOINT =
            new InetSocketAddress("198.18.1.2", 51820);
    private static final InetSocketAddress SERVER_ROAMED =
            new InetSocketAddress("198.18.1.77", 40001);
    private static final InetSocketAddress ATTACKER = new InetSocketAddress("198.18.0.66", 51820);
    private static final InetSocketAddress ATTACKER_ELSEWHERE =
            new InetSocketAddress("203.0.113.66", 4444);
    private static final long WALL_CLOCK_NS = 1_700_000_000_000_000_000L;
    private static final byte[] CLIENT_SOURCE = {(byte) 198, 18, 0, 2, (byte) 0x9c, 0x40};

    private final MemoryDevice clientDevice = new MemoryDevice();
    private final MemoryTransport clientTransport = new MemoryTransport();
    private final DataPlaneCounters clientCounters = new DataPlaneCounters();
    private final BufferPool clientPool = new BufferPool(16, Headroom.bufferSize(1500));
    private final ByteBuffer wire = ByteBuffer.allocateDirect(2048);
    private final ByteBuffer reply = ByteBuffer.allocateDirect(2048);
    private final TunnelResult result = new TunnelResult();

    /** The control loop reads the monotonic clock itself; the pipelines share its timeline. */
    private final long nowNs = System.nanoTime();

    private TunnelSet client;
    private TunnelSet server;
    private Tunnel toServer;
    private Tunnel toClient;
    private PeerRuntime serverPeer;
    private ControlLoop clientControl;
    private InboundPipeline clientInbound;

    @BeforeEach
    void start() throws Exception {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(11);
        byte[] clientPrivate = X25519.generatePrivate(random);
        byte[] serverPrivate = X25519.generatePrivate(random);
        client = new TunnelSet(clientPrivate, random, () -> WALL_CLOCK_NS);
        server = new TunnelSet(serverPrivate, random, () -> WALL_CLOCK_NS);
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
                        """
                                        .formatted(
                                                Base64.getEncoder().encodeToString(clientPrivate),
                                                Base64.getEncoder()
                                                        .encodeToString(server.staticPublic())))
                        .orThrow();
        PrefixTable.Builder allowed = PrefixTable.builder();
        allowed.put(IpPrefix.parse("10.0.0.0/8"), 0);
        serverPeer =
                new PeerRuntime(0, new PublicKey(server.staticPublic()), toServer, SERVER_ENDPOINT);
        ForwardingSnapshot snapshot =
                new ForwardingSnapshot(
                        PolicyCompiler.compile(config.splitPolicy()),
                        LearnedOverlay.EMPTY,
                        allowed.build().compile(),
                        List.of(serverPeer),
                        1420);
        clientControl =
                new ControlLoop(
                        client,
                        clientTransport,
                        clientCounters,
                        () -> snapshot,
                        new PathFailures(
                                "control",
                                Counter.CONTROL_ERRORS,
                                clientCounters,
                                reason -> {
                                    throw new AssertionError(reason);
                                }),
                        () -> nowNs,
                        false);
        clientInbound =
                new InboundPipeline(
                        client,
                        clientDevice,
                        clientPool,
                        clientCounters,
                        clientControl,
                        () -> snapshot,
                        64,
                        false);
    }

    /** The client's initiation, as the server receives it. */
    private int clientInitiation() {
        toServer.requestHandshake();
        TunnelResult initiation = toServer.pollTimers(wire, 0, nowNs, result);
        assertThat(initiation.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        return initiation.length();
    }

    /** A datagram from {@code sender} through the client's inbound path and control loop. */
    private void receive(byte[] datagram, InetSocketAddress sender) {
        ByteBuffer in = ByteBuffer.allocateDirect(datagram.length).put(0, datagram);
        clientInbound.onDatagram(in, 0, datagram.length, new AddressSource(sender), nowNs);
        clientControl.handleQueuedMessages();
    }

    private static byte[] copy(ByteBuffer buffer, int length) {
        byte[] bytes = new byte[length];
        buffer.get(0, bytes);
        return bytes;
    }

    @Test
    void shouldKeepTheEndpointWhenCookieRepliesArriveFromOtherAddresses() {
        server.forceUnderLoad(true);
        int initiation = clientInitiation();
        TunnelResult answered =
                server.decapsulate(wire, 0, initiation, CLIENT_SOURCE, reply, 0, nowNs, result);
        assertThat(answered.cookieReplySent()).isTrue();
        byte[] cookieReply = copy(reply, answered.length());
        byte[] forged = cookieReply.clone();
        forged[20] ^= 0x40;

        // Genuine, but relayed by someone else: the cookie is taken, the endpoint stays.
        receive(cookieReply, ATTACKER);
        assertThat(client.dropCount(DropReason.BAD_COOKIE_REPLY)).isZero();
        assertThat(serverPeer.endpoint()).isEqualTo(SERVER_ENDPOINT);

        // The same reply again, from elsewhere: a counted drop, the endpoint stays.
        receive(cookieReply, ATTACKER_ELSEWHERE);
        assertThat(client.dropCount(DropReason.BAD_COOKIE_REPLY)).isEqualTo(1);
        assertThat(serverPeer.endpoint()).isEqualTo(SERVER_ENDPOINT);

        // Forged: a counted drop, the endpoint stays.
        receive(forged, ATTACKER);
        assertThat(client.dropCount(DropReason.BAD_COOKIE_REPLY)).isEqualTo(2);
        assertThat(serverPeer.endpoint()).isEqualTo(SERVER_ENDPOINT);

        assertThat(clientCounters.get(Counter.ENDPOINT_CHANGES)).isZero();
        assertThat(clientTransport.sends()).as("nothing answered to the senders").isZero();
        assertThat(clientPool.inUse()).isZero();
    }

    @Test
    void shouldRoamToTheSourceOfAnAuthenticatedResponse() {
        int initiation = clientInitiation();
        TunnelResult response =
                server.decapsulate(wire, 0, initiation, CLIENT_SOURCE, reply, 0, nowNs, result);
        assertThat(response.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        byte[] responseBytes = copy(reply, response.length());

        receive(responseBytes, SERVER_ROAMED);

        assertThat(toServer.hasSession(nowNs)).isTrue();
        assertThat(serverPeer.endpoint()).isEqualTo(SERVER_ROAMED);
        assertThat(clientCounters.get(Counter.ENDPOINT_CHANGES)).isEqualTo(1);
        assertThat(clientTransport.lastEndpoint())
                .as("the confirming keepalive goes to the new endpoint")
                .isEqualTo(SERVER_ROAMED);

        // The same response replayed from an attacker: refused, no roaming.
        receive(responseBytes, ATTACKER);
        assertThat(serverPeer.endpoint()).isEqualTo(SERVER_ROAMED);
        assertThat(clientCounters.get(Counter.ENDPOINT_CHANGES)).isEqualTo(1);
    }

    @Test
    void shouldRoamToTheSourceOfAnAuthenticatedTransportPacketOnly() {
        int initiation = clientInitiation();
        TunnelResult response =
                server.decapsulate(wire, 0, initiation, CLIENT_SOURCE, reply, 0, nowNs, result);
        receive(copy(reply, response.length()), SERVER_ENDPOINT);
        // The client's keepalive confirms the session on the server.
        TunnelResult confirmed =
                server.decapsulate(
                        clientTransport.lastDatagram(),
                        0,
                        clientTransport.lastLength(),
                        CLIENT_SOURCE,
                        reply,
                        0,
                        nowNs,
                        result);
        assertThat(confirmed.sessionEstablished()).isTrue();
        assertThat(clientCounters.get(Counter.ENDPOINT_CHANGES)).isZero();

        byte[] ping = PacketBuilder.ipv4("10.60.32.10", "10.66.0.2").echoRequest(7, 1).build();
        ByteBuffer packet = ByteBuffer.allocateDirect(2048).put(0, ping);
        TunnelResult sealed = toClient.encapsulate(packet, 0, ping.length, wire, 0, nowNs, result);
        assertThat(sealed.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        byte[] transport = copy(wire, sealed.length());
        byte[] tampered = transport.clone();
        tampered[tampered.length - 1] ^= 1;

        receive(tampered, ATTACKER);
        assertThat(serverPeer.endpoint()).as("tampered data").isEqualTo(SERVER_ENDPOINT);

        receive(transport, SERVER_ROAMED);
        assertThat(clientDevice.lastPacket()).isEqualTo(ping);
        assertThat(serverPeer.endpoint()).isEqualTo(SERVER_ROAMED);
        assertThat(clientCounters.get(Counter.ENDPOINT_CHANGES)).isEqualTo(1);

        receive(transport, ATTACKER);
        assertThat(serverPeer.endpoint()).as("replayed data").isEqualTo(SERVER_ROAMED);
        assertThat(client.dropCount(DropReason.REPLAYED)).isEqualTo(1);
        assertThat(clientCounters.get(Counter.ENDPOINT_CHANGES)).isEqualTo(1);
        assertThat(clientPool.inUse()).isZero();
    }
}
