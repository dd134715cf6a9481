package dev.sluice.crypto;

import dev.sluice.crypto.primitives.X25519;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * Two TunnelSets (Alice, Bob) configured as each other's peer, a shared simulated clock and a
 * "network" that hands each side's output to the other. No sockets, no sleeps.
 */
final class Peers {
    static final int MTU = 1420;
    static final byte[] ALICE_ADDRESS = {10, 0, 0, 1, (byte) 0xca, 0x6c};
    static final byte[] BOB_ADDRESS = {10, 0, 0, 2, (byte) 0xca, 0x6c};

    long nowNs = 1_000_000_000L;
    final SecureRandom random;
    final byte[] alicePrivate;
    final byte[] bobPrivate;
    final TunnelSet alice;
    final TunnelSet bob;
    final Tunnel aliceToBob;
    final Tunnel bobToAlice;
    final ByteBuffer wire = ByteBuffer.allocateDirect(2048);
    final ByteBuffer reply = ByteBuffer.allocateDirect(2048);
    final ByteBuffer plain = ByteBuffer.allocateDirect(2048);
    final TunnelResult result = new TunnelResult();
    final TunnelResult second = new TunnelResult();

    Peers(byte[] alicePsk, byte[] bobPsk, long aliceKeepaliveNs) throws Exception {
        random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(42);
        alicePrivate = X25519.generatePrivate(random);
        bobPrivate = X25519.generatePrivate(random);
        alice = new TunnelSet(alicePrivate, random, this::wallNs);
        bob = new TunnelSet(bobPrivate, random, this::wallNs);
        aliceToBob = alice.addPeer(bob.staticPublic(), alicePsk, MTU, aliceKeepaliveNs);
        bobToAlice = bob.addPeer(alice.staticPublic(), bobPsk, MTU, 0);
    }

    Peers() throws Exception {
        this(null, null, 0);
    }

    long wallNs() {
        return 1_700_000_000_000_000_000L + nowNs;
    }

    void advanceSeconds(double seconds) {
        nowNs += (long) (seconds * 1e9);
    }

    /** Copies {@code result.length()} bytes written to {@code from} into {@code to}. */
    static byte[] bytes(ByteBuffer from, int length) {
        byte[] copy = new byte[length];
        from.get(0, copy);
        return copy;
    }

    /** Handshake from Alice's initiative; returns when both sides have a confirmed session. */
    void handshake() {
        TunnelResult r = aliceToBob.pollTimers(wire, 0, nowNs, result);
        if (r.action() != Action.WRITE_TO_NETWORK) {
            aliceToBob.requestHandshake();
            r = aliceToBob.pollTimers(wire, 0, nowNs, result);
        }
        check(r.action() == Action.WRITE_TO_NETWORK, "initiation written");
        TunnelResult response =
                bob.decapsulate(wire, 0, r.length(), ALICE_ADDRESS, reply, 0, nowNs, second);
        check(response.action() == Action.WRITE_TO_NETWORK, "response: " + response.dropReason());
        TunnelResult keepalive =
                alice.decapsulate(reply, 0, response.length(), BOB_ADDRESS, wire, 0, nowNs, result);
        check(
                keepalive.action() == Action.WRITE_TO_NETWORK && keepalive.sessionEstablished(),
                "keepalive after response: " + keepalive.action() + " " + keepalive.dropReason());
        TunnelResult confirmed =
                bob.decapsulate(
                        wire, 0, keepalive.length(), ALICE_ADDRESS, plain, 0, nowNs, second);
        check(confirmed.keepalive() && confirmed.sessionEstablished(), "bob confirmed");
    }

    /**
     * Sends a packet of {@code payload} from one side to the other; returns the receiver's result.
     */
    TunnelResult send(Tunnel from, TunnelSet to, byte[] sourceAddress, byte[] payload) {
        ByteBuffer packet = ByteBuffer.allocateDirect(2048);
        packet.put(0, payload);
        TunnelResult sent = from.encapsulate(packet, 0, payload.length, wire, 0, nowNs, result);
        check(
                sent.action() == Action.WRITE_TO_NETWORK,
                "encapsulate: " + sent.action() + " staged=" + sent.staged());
        return to.decapsulate(wire, 0, sent.length(), sourceAddress, plain, 0, nowNs, second);
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
