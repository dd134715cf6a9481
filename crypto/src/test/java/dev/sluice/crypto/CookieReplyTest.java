package dev.sluice.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.crypto.message.CookieReplyMessage;
import dev.sluice.crypto.message.LittleEndian;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Cookie replies are taken once, only for the message we last sent, and never count as proof of who
 * sent them; authenticated messages (transport data, handshakes) do.
 */
class CookieReplyTest {
    private static final byte[] ATTACKER_ADDRESS = {(byte) 192, (byte) 168, 1, 66, 0x30, 0x39};

    /** Alice initiates to a Bob under load; returns Bob's cookie reply (64 bytes). */
    private static byte[] cookieReplyToAlicesInitiation(Peers peers) {
        peers.bob.forceUnderLoad(true);
        peers.aliceToBob.requestHandshake();
        TunnelResult initiation =
                peers.aliceToBob.pollTimers(peers.wire, 0, peers.nowNs, peers.result);
        assertThat(initiation.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        TunnelResult reply =
                peers.bob.decapsulate(
                        peers.wire,
                        0,
                        initiation.length(),
                        Peers.ALICE_ADDRESS,
                        peers.reply,
                        0,
                        peers.nowNs,
                        peers.second);
        assertThat(reply.cookieReplySent()).isTrue();
        return Peers.bytes(peers.reply, reply.length());
    }

    private static TunnelResult deliverToAlice(Peers peers, byte[] message, byte[] from) {
        ByteBuffer in = ByteBuffer.allocateDirect(message.length).put(0, message);
        return peers.alice.decapsulate(
                in, 0, message.length, from, peers.plain, 0, peers.nowNs, peers.result);
    }

    @Test
    void shouldTakeAValidCookieReplyOnceWithoutCallingItAuthenticated() throws Exception {
        Peers peers = new Peers();
        byte[] reply = cookieReplyToAlicesInitiation(peers);

        TunnelResult taken = deliverToAlice(peers, reply, ATTACKER_ADDRESS);
        assertThat(taken.action()).isEqualTo(Action.DONE);
        assertThat(taken.tunnel()).isSameAs(peers.aliceToBob);
        assertThat(taken.authenticated())
                .as("a cookie reply proves nothing about its sender")
                .isFalse();

        TunnelResult replayed = deliverToAlice(peers, reply, ATTACKER_ADDRESS);
        assertThat(replayed.action()).isEqualTo(Action.DROP);
        assertThat(replayed.dropReason()).isEqualTo(DropReason.BAD_COOKIE_REPLY);
        assertThat(replayed.authenticated()).isFalse();
        assertThat(peers.alice.dropCount(DropReason.BAD_COOKIE_REPLY)).isEqualTo(1);
    }

    @Test
    void shouldRefuseAForgedCookieReplyAndKeepAskingForARealOne() throws Exception {
        Peers peers = new Peers();
        byte[] genuine = cookieReplyToAlicesInitiation(peers);
        byte[] forged = genuine.clone();
        forged[40] ^= 1; // inside the encrypted cookie

        TunnelResult refused = deliverToAlice(peers, forged, ATTACKER_ADDRESS);
        assertThat(refused.action()).isEqualTo(Action.DROP);
        assertThat(refused.dropReason()).isEqualTo(DropReason.BAD_COOKIE_REPLY);
        assertThat(refused.authenticated()).isFalse();
        assertThat(peers.alice.dropCount(DropReason.BAD_COOKIE_REPLY)).isEqualTo(1);

        // No cookie was taken: the retransmission still lacks mac2 and Bob asks again.
        peers.advanceSeconds(5.5);
        TunnelResult retry = peers.aliceToBob.pollTimers(peers.wire, 0, peers.nowNs, peers.result);
        assertThat(retry.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        TunnelResult again =
                peers.bob.decapsulate(
                        peers.wire,
                        0,
                        retry.length(),
                        Peers.ALICE_ADDRESS,
                        peers.reply,
                        0,
                        peers.nowNs,
                        peers.second);
        assertThat(again.cookieReplySent()).isTrue();
    }

    @Test
    void shouldRefuseACookieReplyToAnEarlierMessage() throws Exception {
        Peers peers = new Peers();
        byte[] first = cookieReplyToAlicesInitiation(peers);
        // Alice retransmits (a new sender index and mac1) before the reply to the first arrives.
        peers.advanceSeconds(5.5);
        TunnelResult retry = peers.aliceToBob.pollTimers(peers.wire, 0, peers.nowNs, peers.result);
        assertThat(retry.action()).isEqualTo(Action.WRITE_TO_NETWORK);

        TunnelResult stale = deliverToAlice(peers, first, Peers.BOB_ADDRESS);

        assertThat(stale.action()).isEqualTo(Action.DROP);
        assertThat(stale.dropReason())
                .isIn(DropReason.BAD_COOKIE_REPLY, DropReason.UNKNOWN_RECEIVER_INDEX);
    }

    @Test
    void shouldRefuseAGenuineCookieReplyRedirectedToAnotherOfOurIndices() throws Exception {
        Peers peers = new Peers();
        peers.handshake();
        int sessionIndex = peers.aliceToBob.currentKeypair().localIndex();
        peers.advanceSeconds(130);
        byte[] reply = cookieReplyToAlicesInitiation(peers);
        // The receiver index is not covered by the reply's AEAD: point it at Alice's session.
        LittleEndian.putInt(
                ByteBuffer.wrap(reply), CookieReplyMessage.RECEIVER_OFFSET, sessionIndex);

        TunnelResult refused = deliverToAlice(peers, reply, ATTACKER_ADDRESS);

        assertThat(refused.tunnel()).as("routed to Alice's tunnel").isSameAs(peers.aliceToBob);
        assertThat(refused.action()).isEqualTo(Action.DROP);
        assertThat(refused.dropReason()).isEqualTo(DropReason.BAD_COOKIE_REPLY);
    }

    @Test
    void shouldCallTransportDataAndHandshakesAuthenticated() throws Exception {
        Peers peers = new Peers();
        peers.aliceToBob.requestHandshake();
        TunnelResult initiation =
                peers.aliceToBob.pollTimers(peers.wire, 0, peers.nowNs, peers.result);
        byte[] initiationBytes = Peers.bytes(peers.wire, initiation.length());
        TunnelResult response =
                peers.bob.decapsulate(
                        peers.wire,
                        0,
                        initiation.length(),
                        Peers.ALICE_ADDRESS,
                        peers.reply,
                        0,
                        peers.nowNs,
                        peers.second);
        assertThat(response.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        assertThat(response.authenticated()).as("a fresh initiation from the peer").isTrue();
        TunnelResult keepalive =
                peers.alice.decapsulate(
                        peers.reply,
                        0,
                        response.length(),
                        Peers.BOB_ADDRESS,
                        peers.wire,
                        0,
                        peers.nowNs,
                        peers.result);
        assertThat(keepalive.authenticated()).as("a response to our initiation").isTrue();
        TunnelResult confirmed =
                peers.bob.decapsulate(
                        peers.wire,
                        0,
                        keepalive.length(),
                        Peers.ALICE_ADDRESS,
                        peers.plain,
                        0,
                        peers.nowNs,
                        peers.second);
        assertThat(confirmed.keepalive()).isTrue();
        assertThat(confirmed.authenticated()).as("a keepalive").isTrue();
        ByteBuffer packet = ByteBuffer.allocateDirect(2048);
        TunnelResult sealed =
                peers.aliceToBob.encapsulate(
                        packet, 0, 60, peers.wire, 0, peers.nowNs, peers.result);
        byte[] dataBytes = Peers.bytes(peers.wire, sealed.length());
        TunnelResult data =
                peers.bob.decapsulate(
                        peers.wire,
                        0,
                        sealed.length(),
                        Peers.ALICE_ADDRESS,
                        peers.plain,
                        0,
                        peers.nowNs,
                        peers.second);
        assertThat(data.action()).isEqualTo(Action.WRITE_TO_TUNNEL);
        assertThat(data.authenticated()).as("transport data").isTrue();

        // A replayed initiation (stale timestamp) and replayed data are not.
        peers.advanceSeconds(1);
        ByteBuffer copy = ByteBuffer.allocateDirect(initiationBytes.length).put(0, initiationBytes);
        TunnelResult replayedInitiation =
                peers.bob.decapsulate(
                        copy,
                        0,
                        initiationBytes.length,
                        ATTACKER_ADDRESS,
                        peers.reply,
                        0,
                        peers.nowNs,
                        peers.second);
        assertThat(replayedInitiation.dropReason()).isEqualTo(DropReason.STALE_TIMESTAMP);
        assertThat(replayedInitiation.authenticated()).isFalse();
        copy = ByteBuffer.allocateDirect(dataBytes.length).put(0, dataBytes);
        TunnelResult replayedData =
                peers.bob.decapsulate(
                        copy,
                        0,
                        dataBytes.length,
                        ATTACKER_ADDRESS,
                        peers.plain,
                        0,
                        peers.nowNs,
                        peers.second);
        assertThat(replayedData.dropReason()).isEqualTo(DropReason.REPLAYED);
        assertThat(replayedData.authenticated()).isFalse();
    }
}
