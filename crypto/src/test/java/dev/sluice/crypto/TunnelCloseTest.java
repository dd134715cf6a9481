package dev.sluice.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.crypto.noise.Handshake;
import dev.sluice.crypto.session.Keypair;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Closing zeroes every secret, and the data path never seals with a zeroed key. */
class TunnelCloseTest {
    private static final int PACKET = 1400;

    /** The named byte[] fields of a handshake: each must be all zeros (or absent). */
    private static void assertHandshakeSecretsZeroed(Handshake handshake) throws Exception {
        for (String name :
                List.of(
                        "localStaticPrivate",
                        "staticStatic",
                        "presharedKey",
                        "chainingKey",
                        "localEphemeral")) {
            Field field = Handshake.class.getDeclaredField(name);
            field.setAccessible(true);
            byte[] value = (byte[]) field.get(handshake);
            if (value != null) {
                assertThat(value).as(name).containsOnly(0);
            }
        }
    }

    private static byte[] nonZero(Handshake handshake, String name) throws Exception {
        Field field = Handshake.class.getDeclaredField(name);
        field.setAccessible(true);
        return (byte[]) field.get(handshake);
    }

    private static boolean allZero(int[] words) {
        return Arrays.stream(words).allMatch(word -> word == 0);
    }

    @Test
    void shouldZeroSessionsStaticSecretsAndThePresharedKeyWhenATunnelCloses() throws Exception {
        byte[] psk = new byte[32];
        Arrays.fill(psk, (byte) 9);
        Peers peers = new Peers(psk, psk, 0);
        peers.handshake();
        // A second handshake, so that previous and current both hold keys.
        peers.advanceSeconds(130);
        peers.handshake();
        Handshake handshake = peers.aliceToBob.handshakeState();
        assertThat(nonZero(handshake, "staticStatic"))
                .as("before close")
                .isNotEqualTo(new byte[32]);
        assertThat(nonZero(handshake, "presharedKey")).isEqualTo(psk);
        List<Keypair> sessions = new ArrayList<>();
        sessions.add(peers.aliceToBob.currentKeypair());
        sessions.add(peers.aliceToBob.previousKeypair());
        assertThat(sessions).doesNotContainNull();
        assertThat(sessions).noneMatch(keypair -> allZero(keypair.sendKey()));

        peers.aliceToBob.close();

        assertThat(peers.aliceToBob.closed()).isTrue();
        for (Keypair keypair : sessions) {
            assertThat(keypair.sendKey()).containsOnly(0);
            assertThat(keypair.receiveKey()).containsOnly(0);
        }
        assertHandshakeSecretsZeroed(handshake);
        assertThat(peers.aliceToBob.currentKeypair()).isNull();
        assertThat(peers.aliceToBob.previousKeypair()).isNull();
        assertThat(peers.aliceToBob.nextKeypair()).isNull();
    }

    @Test
    void shouldDropEverythingAfterCloseWithoutWritingOutput() throws Exception {
        Peers peers = new Peers();
        peers.handshake();
        peers.aliceToBob.close();
        ByteBuffer packet = ByteBuffer.allocateDirect(2048);
        packet.put(0, new byte[PACKET]);
        for (int i = 0; i < 64; i++) {
            peers.wire.put(i, (byte) 0x5a);
        }

        TunnelResult sent =
                peers.aliceToBob.encapsulate(
                        packet, 0, PACKET, peers.wire, 0, peers.nowNs, peers.result);

        assertThat(sent.action()).isEqualTo(Action.DROP);
        assertThat(sent.dropReason()).isEqualTo(DropReason.TUNNEL_CLOSED);
        assertThat(sent.staged()).as("nothing waits for a handshake that will not come").isFalse();
        assertThat(peers.alice.dropCount(DropReason.TUNNEL_CLOSED)).isEqualTo(1);
        for (int i = 0; i < 64; i++) {
            assertThat(peers.wire.get(i)).as("output byte %d untouched", i).isEqualTo((byte) 0x5a);
        }
        peers.aliceToBob.requestHandshake();
        peers.advanceSeconds(30);
        assertThat(peers.aliceToBob.pollTimers(peers.wire, 0, peers.nowNs, peers.result).action())
                .as("no initiation from a closed tunnel")
                .isEqualTo(Action.DONE);
        assertThat(peers.aliceToBob.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);
        assertThat(peers.aliceToBob.hasSession(peers.nowNs)).isFalse();
    }

    @Test
    void shouldZeroThePrivateKeyAndRefuseEveryMessageWhenTheSetCloses() throws Exception {
        Peers peers = new Peers();
        peers.handshake();
        byte[] privateKey = peers.bob.staticPrivate();
        assertThat(privateKey).isNotEqualTo(new byte[32]);
        Handshake handshake = peers.bobToAlice.handshakeState();
        // Alice's next initiation, taken before Bob closes.
        peers.advanceSeconds(130);
        peers.aliceToBob.requestHandshake();
        TunnelResult initiation =
                peers.aliceToBob.pollTimers(peers.wire, 0, peers.nowNs, peers.result);
        assertThat(initiation.action()).isEqualTo(Action.WRITE_TO_NETWORK);

        peers.bob.close();

        assertThat(peers.bob.closed()).isTrue();
        assertThat(privateKey).as("the set's copy of the private key").containsOnly(0);
        assertThat(peers.bobToAlice.closed()).isTrue();
        assertHandshakeSecretsZeroed(handshake);
        assertThat(peers.bob.peers()).isEmpty();
        TunnelResult refused =
                peers.bob.decapsulate(
                        peers.wire,
                        0,
                        initiation.length(),
                        Peers.ALICE_ADDRESS,
                        peers.reply,
                        0,
                        peers.nowNs,
                        peers.second);
        assertThat(refused.action()).isEqualTo(Action.DROP);
        assertThat(refused.dropReason()).isEqualTo(DropReason.TUNNEL_CLOSED);
        assertThat(peers.bob.dropCount(DropReason.TUNNEL_CLOSED)).isEqualTo(1);
        assertThatThrownBy(() -> peers.bob.addPeer(peers.alice.staticPublic(), null, 1420, 0))
                .isInstanceOf(IllegalStateException.class);
    }

    /**
     * One thread encapsulates full-size packets in a loop while another closes the tunnel: every
     * message that came out must open on the far side (never sealed with a partly zeroed key), no
     * encapsulation that started after close() returned may produce one, and nothing throws.
     * Several rounds, so that close lands in the middle of a seal now and then.
     */
    @Test
    void shouldNeverOutputAMessageAfterCloseReturnedWhenClosingWhileEncapsulating()
            throws Exception {
        int rounds = 20;
        int sealedBeforeCloseTotal = 0;
        int droppedAfterCloseTotal = 0;
        for (int round = 0; round < rounds; round++) {
            Peers peers = new Peers();
            peers.handshake();
            AtomicBoolean closeReturned = new AtomicBoolean();
            AtomicInteger sealed = new AtomicInteger();
            AtomicInteger openedByPeer = new AtomicInteger();
            AtomicInteger droppedAfterClose = new AtomicInteger();
            AtomicInteger outputAfterClose = new AtomicInteger();
            AtomicReference<Throwable> escaped = new AtomicReference<>();
            CountDownLatch warmedUp = new CountDownLatch(1);
            long nowNs = peers.nowNs;
            Thread encapsulating =
                    new Thread(
                            () -> {
                                ByteBuffer packet = ByteBuffer.allocateDirect(2048);
                                ByteBuffer out = ByteBuffer.allocateDirect(2048);
                                ByteBuffer plain = ByteBuffer.allocateDirect(2048);
                                TunnelResult result = new TunnelResult();
                                TunnelResult opened = new TunnelResult();
                                try {
                                    int afterClose = 0;
                                    while (afterClose < 2_000) {
                                        boolean closedBefore = closeReturned.get();
                                        TunnelResult sent =
                                                peers.aliceToBob.encapsulate(
                                                        packet, 0, PACKET, out, 0, nowNs, result);
                                        if (sent.action() == Action.WRITE_TO_NETWORK) {
                                            sealed.incrementAndGet();
                                            if (closedBefore) {
                                                outputAfterClose.incrementAndGet();
                                            }
                                            TunnelResult atBob =
                                                    peers.bob.decapsulate(
                                                            out,
                                                            0,
                                                            sent.length(),
                                                            Peers.ALICE_ADDRESS,
                                                            plain,
                                                            0,
                                                            nowNs,
                                                            opened);
                                            if (atBob.action() == Action.WRITE_TO_TUNNEL) {
                                                openedByPeer.incrementAndGet();
                                            }
                                        } else if (closedBefore
                                                && sent.dropReason() == DropReason.TUNNEL_CLOSED) {
                                            droppedAfterClose.incrementAndGet();
                                        }
                                        if (sealed.get() == 200) {
                                            warmedUp.countDown();
                                        }
                                        if (closedBefore) {
                                            afterClose++;
                                        }
                                    }
                                } catch (Throwable t) {
                                    escaped.set(t);
                                } finally {
                                    warmedUp.countDown();
                                }
                            },
                            "encapsulate-" + round);
            encapsulating.start();
            assertThat(warmedUp.await(30, TimeUnit.SECONDS)).isTrue();
            peers.aliceToBob.close();
            closeReturned.set(true);
            encapsulating.join(TimeUnit.SECONDS.toMillis(60));

            assertThat(encapsulating.isAlive()).isFalse();
            assertThat(escaped.get()).as("nothing escapes the data path").isNull();
            assertThat(outputAfterClose.get()).as("messages from calls after close").isZero();
            assertThat(openedByPeer.get())
                    .as("every message that came out was sealed with the intact key")
                    .isEqualTo(sealed.get());
            assertThat(droppedAfterClose.get()).isEqualTo(2_000);
            sealedBeforeCloseTotal += sealed.get();
            droppedAfterCloseTotal += droppedAfterClose.get();
        }
        assertThat(sealedBeforeCloseTotal).isGreaterThanOrEqualTo(rounds * 200);
        assertThat(droppedAfterCloseTotal).isEqualTo(rounds * 2_000);
    }
}
