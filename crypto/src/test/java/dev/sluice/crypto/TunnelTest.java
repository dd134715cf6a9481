package dev.sluice.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TunnelTest {
    private static byte[] payload(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed + i * 7);
        }
        return bytes;
    }

    private static byte[] delivered(Peers peers, TunnelResult result, int length) {
        assertThat(result.action()).isEqualTo(Action.WRITE_TO_TUNNEL);
        byte[] out = new byte[length];
        peers.plain.get(0, out);
        return out;
    }

    @Test
    void shouldHandshakeAndCarryDataBothWays() throws Exception {
        Peers peers = new Peers();
        ByteBuffer packet = ByteBuffer.allocateDirect(2048);
        TunnelResult staged =
                peers.aliceToBob.encapsulate(
                        packet, 0, 100, peers.wire, 0, peers.nowNs, peers.result);
        assertThat(staged.action()).isEqualTo(Action.DONE);
        assertThat(staged.staged()).isTrue();
        peers.handshake();
        assertThat(peers.aliceToBob.hasSession(peers.nowNs)).isTrue();
        assertThat(peers.bobToAlice.hasSession(peers.nowNs)).isTrue();
        byte[] ping = payload(84, 1);
        TunnelResult atBob = peers.send(peers.aliceToBob, peers.bob, Peers.ALICE_ADDRESS, ping);
        assertThat(atBob.tunnel()).isSameAs(peers.bobToAlice);
        // Delivered length is padded to 16; the packet itself is intact.
        assertThat(atBob.length()).isEqualTo(96);
        assertThat(delivered(peers, atBob, 84)).isEqualTo(ping);
        byte[] pong = payload(1420, 9);
        TunnelResult atAlice = peers.send(peers.bobToAlice, peers.alice, Peers.BOB_ADDRESS, pong);
        assertThat(delivered(peers, atAlice, 1420)).isEqualTo(pong);
        assertThat(peers.alice.handshakesCompleted()).isEqualTo(1);
        assertThat(peers.aliceToBob.lastHandshakeWallNs()).isPositive();
        assertThat(peers.aliceToBob.transmittedBytes()).isPositive();
    }

    @Test
    void shouldHandshakeWithAPresharedKeyAndFailWithAMismatchedOne() throws Exception {
        byte[] psk = new byte[32];
        Arrays.fill(psk, (byte) 7);
        Peers same = new Peers(psk, psk, 0);
        same.handshake();
        assertThat(
                        same.send(same.aliceToBob, same.bob, Peers.ALICE_ADDRESS, payload(40, 3))
                                .action())
                .isEqualTo(Action.WRITE_TO_TUNNEL);

        Peers different = new Peers(psk, new byte[32], 0);
        different.aliceToBob.requestHandshake();
        TunnelResult initiation =
                different.aliceToBob.pollTimers(
                        different.wire, 0, different.nowNs, different.result);
        TunnelResult response =
                different.bob.decapsulate(
                        different.wire,
                        0,
                        initiation.length(),
                        Peers.ALICE_ADDRESS,
                        different.reply,
                        0,
                        different.nowNs,
                        different.second);
        assertThat(response.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        TunnelResult failed =
                different.alice.decapsulate(
                        different.reply,
                        0,
                        response.length(),
                        Peers.BOB_ADDRESS,
                        different.wire,
                        0,
                        different.nowNs,
                        different.result);
        assertThat(failed.action()).isEqualTo(Action.DROP);
        assertThat(failed.dropReason()).isEqualTo(DropReason.HANDSHAKE_AUTHENTICATION_FAILED);
        assertThat(different.aliceToBob.hasSession(different.nowNs)).isFalse();
    }

    @Test
    void shouldRejectReplayedAndTamperedTransportMessages() throws Exception {
        Peers peers = new Peers();
        peers.handshake();
        ByteBuffer packet = ByteBuffer.allocateDirect(2048);
        packet.put(0, payload(60, 5));
        TunnelResult sent =
                peers.aliceToBob.encapsulate(
                        packet, 0, 60, peers.wire, 0, peers.nowNs, peers.result);
        byte[] message = Peers.bytes(peers.wire, sent.length());
        ByteBuffer copy = ByteBuffer.allocateDirect(message.length).put(0, message);
        assertThat(
                        peers.bob
                                .decapsulate(
                                        copy,
                                        0,
                                        message.length,
                                        Peers.ALICE_ADDRESS,
                                        peers.plain,
                                        0,
                                        peers.nowNs,
                                        peers.second)
                                .action())
                .isEqualTo(Action.WRITE_TO_TUNNEL);
        TunnelResult replayed =
                peers.bob.decapsulate(
                        copy,
                        0,
                        message.length,
                        Peers.ALICE_ADDRESS,
                        peers.plain,
                        0,
                        peers.nowNs,
                        peers.second);
        assertThat(replayed.dropReason()).isEqualTo(DropReason.REPLAYED);
        assertThat(peers.bob.dropCount(DropReason.REPLAYED)).isEqualTo(1);

        sent =
                peers.aliceToBob.encapsulate(
                        packet, 0, 60, peers.wire, 0, peers.nowNs, peers.result);
        peers.wire.put(40, (byte) (peers.wire.get(40) ^ 1));
        TunnelResult tampered =
                peers.bob.decapsulate(
                        peers.wire,
                        0,
                        sent.length(),
                        Peers.ALICE_ADDRESS,
                        peers.plain,
                        0,
                        peers.nowNs,
                        peers.second);
        assertThat(tampered.dropReason()).isEqualTo(DropReason.DECRYPTION_FAILED);
        // The forged counter did not advance the window: the genuine message still arrives.
        peers.wire.put(40, (byte) (peers.wire.get(40) ^ 1));
        assertThat(
                        peers.bob
                                .decapsulate(
                                        peers.wire,
                                        0,
                                        sent.length(),
                                        Peers.ALICE_ADDRESS,
                                        peers.plain,
                                        0,
                                        peers.nowNs,
                                        peers.second)
                                .action())
                .isEqualTo(Action.WRITE_TO_TUNNEL);
    }

    @Test
    void shouldDropMalformedAndUnknownMessagesWithReasons() throws Exception {
        Peers peers = new Peers();
        ByteBuffer junk = ByteBuffer.allocateDirect(200);
        for (int type : new int[] {0, 5, 0x0101}) {
            junk.putInt(0, Integer.reverseBytes(type));
            assertThat(
                            peers.bob
                                    .decapsulate(
                                            junk,
                                            0,
                                            148,
                                            Peers.ALICE_ADDRESS,
                                            peers.plain,
                                            0,
                                            peers.nowNs,
                                            peers.result)
                                    .dropReason())
                    .isEqualTo(DropReason.MALFORMED);
        }
        junk.putInt(0, Integer.reverseBytes(4));
        assertThat(
                        peers.bob
                                .decapsulate(
                                        junk,
                                        0,
                                        20,
                                        Peers.ALICE_ADDRESS,
                                        peers.plain,
                                        0,
                                        peers.nowNs,
                                        peers.result)
                                .dropReason())
                .isEqualTo(DropReason.MALFORMED);
        assertThat(
                        peers.bob
                                .decapsulate(
                                        junk,
                                        0,
                                        64,
                                        Peers.ALICE_ADDRESS,
                                        peers.plain,
                                        0,
                                        peers.nowNs,
                                        peers.result)
                                .dropReason())
                .isEqualTo(DropReason.UNKNOWN_RECEIVER_INDEX);
        junk.putInt(0, Integer.reverseBytes(1));
        assertThat(
                        peers.bob
                                .decapsulate(
                                        junk,
                                        0,
                                        148,
                                        Peers.ALICE_ADDRESS,
                                        peers.plain,
                                        0,
                                        peers.nowNs,
                                        peers.result)
                                .dropReason())
                .isEqualTo(DropReason.INVALID_MAC1);
        assertThat(
                        peers.bob
                                .decapsulate(
                                        junk,
                                        0,
                                        147,
                                        Peers.ALICE_ADDRESS,
                                        peers.plain,
                                        0,
                                        peers.nowNs,
                                        peers.result)
                                .dropReason())
                .isEqualTo(DropReason.MALFORMED);

        // An initiation from a key Bob does not know.
        Peers stranger = new Peers();
        stranger.aliceToBob.requestHandshake();
        TunnelResult initiation =
                stranger.aliceToBob.pollTimers(stranger.wire, 0, stranger.nowNs, stranger.result);
        // stranger's Bob has a different key: re-address to peers.bob is not possible (mac1
        // binds the responder's key), so remove Alice from Bob's peers instead.
        stranger.bob.removePeer(stranger.alice.staticPublic());
        assertThat(
                        stranger.bob
                                .decapsulate(
                                        stranger.wire,
                                        0,
                                        initiation.length(),
                                        Peers.ALICE_ADDRESS,
                                        stranger.reply,
                                        0,
                                        stranger.nowNs,
                                        stranger.second)
                                .dropReason())
                .isEqualTo(DropReason.UNKNOWN_PEER);
    }

    @Test
    void shouldRejectAReplayedInitiationByItsTimestampAndFloods() throws Exception {
        Peers peers = new Peers();
        peers.aliceToBob.requestHandshake();
        TunnelResult initiation =
                peers.aliceToBob.pollTimers(peers.wire, 0, peers.nowNs, peers.result);
        byte[] message = Peers.bytes(peers.wire, initiation.length());
        ByteBuffer copy = ByteBuffer.allocateDirect(message.length).put(0, message);
        assertThat(
                        peers.bob
                                .decapsulate(
                                        copy,
                                        0,
                                        message.length,
                                        Peers.ALICE_ADDRESS,
                                        peers.reply,
                                        0,
                                        peers.nowNs,
                                        peers.second)
                                .action())
                .isEqualTo(Action.WRITE_TO_NETWORK);
        TunnelResult flood =
                peers.bob.decapsulate(
                        copy,
                        0,
                        message.length,
                        Peers.ALICE_ADDRESS,
                        peers.reply,
                        0,
                        peers.nowNs + 1_000_000,
                        peers.second);
        assertThat(flood.dropReason()).isEqualTo(DropReason.HANDSHAKE_FLOOD);
        peers.advanceSeconds(1);
        TunnelResult replay =
                peers.bob.decapsulate(
                        copy,
                        0,
                        message.length,
                        Peers.ALICE_ADDRESS,
                        peers.reply,
                        0,
                        peers.nowNs,
                        peers.second);
        assertThat(replay.dropReason()).isEqualTo(DropReason.STALE_TIMESTAMP);
    }

    @Test
    void shouldRekeyAfterRekeyAfterTimeAndKeepDecryptingWithThePreviousSession() throws Exception {
        Peers peers = new Peers();
        peers.handshake();
        peers.advanceSeconds(121);
        // Data still goes out on the old session, and a handshake is requested.
        ByteBuffer packet = ByteBuffer.allocateDirect(2048);
        TunnelResult old =
                peers.aliceToBob.encapsulate(
                        packet, 0, 50, peers.wire, 0, peers.nowNs, peers.result);
        assertThat(old.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        byte[] inFlight = Peers.bytes(peers.wire, old.length());
        peers.handshake();
        assertThat(peers.alice.handshakesCompleted()).isEqualTo(2);
        // A message sealed with the previous session still decrypts (it was in flight).
        ByteBuffer copy = ByteBuffer.allocateDirect(inFlight.length).put(0, inFlight);
        assertThat(
                        peers.bob
                                .decapsulate(
                                        copy,
                                        0,
                                        inFlight.length,
                                        Peers.ALICE_ADDRESS,
                                        peers.plain,
                                        0,
                                        peers.nowNs,
                                        peers.second)
                                .action())
                .isEqualTo(Action.WRITE_TO_TUNNEL);
        assertThat(
                        peers.send(peers.aliceToBob, peers.bob, Peers.ALICE_ADDRESS, payload(33, 1))
                                .action())
                .isEqualTo(Action.WRITE_TO_TUNNEL);
        assertThat(peers.bobToAlice.previousKeypair()).isNotNull();
    }

    @Test
    void shouldRefuseSessionsOlderThanRejectAfterTime() throws Exception {
        Peers peers = new Peers();
        peers.handshake();
        ByteBuffer packet = ByteBuffer.allocateDirect(2048);
        TunnelResult sent =
                peers.aliceToBob.encapsulate(
                        packet, 0, 50, peers.wire, 0, peers.nowNs, peers.result);
        byte[] message = Peers.bytes(peers.wire, sent.length());
        peers.advanceSeconds(180);
        assertThat(peers.aliceToBob.hasSession(peers.nowNs)).isFalse();
        TunnelResult staged =
                peers.aliceToBob.encapsulate(
                        packet, 0, 50, peers.wire, 0, peers.nowNs, peers.result);
        assertThat(staged.staged()).isTrue();
        ByteBuffer copy = ByteBuffer.allocateDirect(message.length).put(0, message);
        assertThat(
                        peers.bob
                                .decapsulate(
                                        copy,
                                        0,
                                        message.length,
                                        Peers.ALICE_ADDRESS,
                                        peers.plain,
                                        0,
                                        peers.nowNs,
                                        peers.second)
                                .dropReason())
                .isEqualTo(DropReason.EXPIRED_KEYPAIR);
    }

    @Test
    void shouldSendKeepalivesAfterReceivingAndHandshakeWhenNothingComesBack() throws Exception {
        Peers peers = new Peers();
        peers.handshake();
        peers.send(peers.aliceToBob, peers.bob, Peers.ALICE_ADDRESS, payload(60, 2));
        peers.advanceSeconds(9.9);
        assertThat(peers.bobToAlice.pollTimers(peers.wire, 0, peers.nowNs, peers.result).action())
                .isEqualTo(Action.DONE);
        peers.advanceSeconds(0.2);
        TunnelResult keepalive =
                peers.bobToAlice.pollTimers(peers.wire, 0, peers.nowNs, peers.result);
        assertThat(keepalive.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        assertThat(keepalive.keepalive()).isTrue();
        assertThat(keepalive.length()).isEqualTo(32);
        // Alice sent data at t and heard only that keepalive... now she sends and hears nothing.
        peers.alice.decapsulate(
                peers.wire, 0, 32, Peers.BOB_ADDRESS, peers.plain, 0, peers.nowNs, peers.second);
        ByteBuffer packet = ByteBuffer.allocateDirect(2048);
        peers.aliceToBob.encapsulate(packet, 0, 60, peers.wire, 0, peers.nowNs, peers.result);
        peers.advanceSeconds(14.9);
        assertThat(peers.aliceToBob.pollTimers(peers.wire, 0, peers.nowNs, peers.result).action())
                .isEqualTo(Action.DONE);
        peers.advanceSeconds(0.2);
        TunnelResult initiation =
                peers.aliceToBob.pollTimers(peers.wire, 0, peers.nowNs, peers.result);
        assertThat(initiation.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        assertThat(initiation.length()).isEqualTo(148);
    }

    @Test
    void shouldRetransmitInitiationsThenGiveUpAfterRekeyAttemptTime() throws Exception {
        Peers peers = new Peers();
        peers.aliceToBob.requestHandshake();
        assertThat(peers.aliceToBob.pollTimers(peers.wire, 0, peers.nowNs, peers.result).length())
                .isEqualTo(148);
        int sent = 1;
        long start = peers.nowNs;
        boolean abandoned = false;
        while (peers.nowNs - start < 100_000_000_000L) {
            peers.advanceSeconds(0.1);
            TunnelResult r = peers.aliceToBob.pollTimers(peers.wire, 0, peers.nowNs, peers.result);
            if (r.action() == Action.WRITE_TO_NETWORK) {
                sent++;
            }
            if (r.handshakeAbandoned()) {
                abandoned = true;
                assertThat((peers.nowNs - start) / 1e9).isBetween(90.0, 96.0);
                break;
            }
        }
        assertThat(abandoned).isTrue();
        // REKEY_TIMEOUT of 5 s plus up to 1/3 s of jitter: 17 or 18 initiations in 90 s.
        assertThat(sent).isBetween(16, 19);
        assertThat(peers.alice.handshakesSent()).isEqualTo(sent);
    }

    @Test
    void shouldAskForACookieUnderLoadAndAcceptTheInitiationThatCarriesIt() throws Exception {
        Peers peers = new Peers();
        peers.bob.forceUnderLoad(true);
        peers.aliceToBob.requestHandshake();
        TunnelResult initiation =
                peers.aliceToBob.pollTimers(peers.wire, 0, peers.nowNs, peers.result);
        TunnelResult cookie =
                peers.bob.decapsulate(
                        peers.wire,
                        0,
                        initiation.length(),
                        Peers.ALICE_ADDRESS,
                        peers.reply,
                        0,
                        peers.nowNs,
                        peers.second);
        assertThat(cookie.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        assertThat(cookie.cookieReplySent()).isTrue();
        assertThat(cookie.length()).isEqualTo(64);
        assertThat(
                        peers.alice
                                .decapsulate(
                                        peers.reply,
                                        0,
                                        64,
                                        Peers.BOB_ADDRESS,
                                        peers.plain,
                                        0,
                                        peers.nowNs,
                                        peers.result)
                                .action())
                .isEqualTo(Action.DONE);
        // The retransmission carries mac2 and is answered with a response.
        peers.advanceSeconds(5.5);
        TunnelResult retry = peers.aliceToBob.pollTimers(peers.wire, 0, peers.nowNs, peers.result);
        assertThat(retry.length()).isEqualTo(148);
        TunnelResult response =
                peers.bob.decapsulate(
                        peers.wire,
                        0,
                        retry.length(),
                        Peers.ALICE_ADDRESS,
                        peers.reply,
                        0,
                        peers.nowNs,
                        peers.second);
        assertThat(response.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        assertThat(response.length()).isEqualTo(92);
        // From another address the same cookie is worthless: a new cookie reply.
        TunnelResult elsewhere =
                peers.bob.decapsulate(
                        peers.wire,
                        0,
                        retry.length(),
                        new byte[] {10, 9, 9, 9, 0, 1},
                        peers.reply,
                        0,
                        peers.nowNs + 100_000_000,
                        peers.second);
        assertThat(elsewhere.cookieReplySent()).isTrue();
        assertThat(peers.bob.cookieRepliesSent()).isEqualTo(2);
    }

    @Test
    void shouldSendPersistentKeepalivesAndZeroKeysAfterThreeRejectTimes() throws Exception {
        Peers peers = new Peers(null, null, 25_000_000_000L);
        peers.handshake();
        peers.advanceSeconds(24);
        assertThat(peers.aliceToBob.pollTimers(peers.wire, 0, peers.nowNs, peers.result).action())
                .isEqualTo(Action.DONE);
        peers.advanceSeconds(1.1);
        TunnelResult keepalive =
                peers.aliceToBob.pollTimers(peers.wire, 0, peers.nowNs, peers.result);
        assertThat(keepalive.keepalive()).isTrue();
        assertThat(peers.bobToAlice.currentKeypair()).isNotNull();
        peers.advanceSeconds(541);
        peers.bobToAlice.pollTimers(peers.wire, 0, peers.nowNs, peers.result);
        assertThat(peers.bobToAlice.currentKeypair()).isNull();
    }
}
