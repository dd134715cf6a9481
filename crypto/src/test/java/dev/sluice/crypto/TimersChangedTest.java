package dev.sluice.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The timer owner sleeps until {@link Tunnel#nextDeadlineNs()}; a data-path call that needs it
 * sooner says so through {@link TunnelResult#timersChanged()}, and only then.
 */
class TimersChangedTest {
    @Test
    void receivedDataShouldAskForTheTimersOnceWhenItArmsAKeepalive() throws Exception {
        Peers peers = new Peers();
        peers.handshake();
        // Bob's owner plans its sleep: no deadline closer than the session's end.
        long planned = peers.bobToAlice.nextDeadlineNs();
        TunnelResult first =
                peers.send(peers.aliceToBob, peers.bob, Peers.ALICE_ADDRESS, new byte[100]);
        assertThat(first.action()).isEqualTo(Action.WRITE_TO_TUNNEL);
        assertThat(first.timersChanged())
                .as("a passive keepalive in 10 s, before the planned %d", planned)
                .isTrue();
        assertThat(peers.bobToAlice.nextDeadlineNs())
                .isEqualTo(peers.nowNs + TimerConstants.KEEPALIVE_TIMEOUT_NS);
        TunnelResult second =
                peers.send(peers.aliceToBob, peers.bob, Peers.ALICE_ADDRESS, new byte[100]);
        assertThat(second.timersChanged()).as("already planned for").isFalse();
    }

    @Test
    void sentDataShouldAskForTheTimersWhenItArmsTheNewHandshakeDeadline() throws Exception {
        Peers peers = new Peers();
        peers.handshake();
        peers.aliceToBob.nextDeadlineNs();
        ByteBuffer packet = ByteBuffer.allocateDirect(2048);
        TunnelResult sent =
                peers.aliceToBob.encapsulate(
                        packet, 0, 100, peers.wire, 0, peers.nowNs, peers.result);
        assertThat(sent.action()).isEqualTo(Action.WRITE_TO_NETWORK);
        assertThat(sent.timersChanged()).isTrue();
        peers.aliceToBob.nextDeadlineNs();
        TunnelResult again =
                peers.aliceToBob.encapsulate(
                        packet, 0, 100, peers.wire, 0, peers.nowNs, peers.result);
        assertThat(again.timersChanged()).isFalse();
    }

    @Test
    void aPacketWithoutSessionShouldAskForAHandshake() throws Exception {
        Peers peers = new Peers();
        ByteBuffer packet = ByteBuffer.allocateDirect(2048);
        TunnelResult staged =
                peers.aliceToBob.encapsulate(
                        packet, 0, 100, peers.wire, 0, peers.nowNs, peers.result);
        assertThat(staged.staged()).isTrue();
        assertThat(staged.timersChanged()).isTrue();
    }
}
