package dev.sluice.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.AllocationMeter;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class TransportAllocationTest {
    @Test
    void shouldAllocateNothingPerSealedAndOpenedTransportMessage() throws Exception {
        Peers peers = new Peers();
        peers.handshake();
        ByteBuffer packet = ByteBuffer.allocateDirect(2048);
        ByteBuffer wire = ByteBuffer.allocateDirect(2048);
        ByteBuffer delivered = ByteBuffer.allocateDirect(2048);
        TunnelResult sending = new TunnelResult();
        TunnelResult receiving = new TunnelResult();
        long bytes =
                AllocationMeter.bytesAllocatedBy(
                        20_000,
                        100_000,
                        () -> {
                            TunnelResult sent =
                                    peers.aliceToBob.encapsulate(
                                            packet, 0, 1420, wire, 0, peers.nowNs, sending);
                            TunnelResult got =
                                    peers.bob.decapsulate(
                                            wire,
                                            0,
                                            sent.length(),
                                            Peers.ALICE_ADDRESS,
                                            delivered,
                                            0,
                                            peers.nowNs,
                                            receiving);
                            if (got.action() != Action.WRITE_TO_TUNNEL) {
                                throw new AssertionError(got.dropReason());
                            }
                        });
        assertThat(bytes).as("bytes allocated by 100k encapsulate + decapsulate").isZero();
    }
}
