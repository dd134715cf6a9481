package dev.sluice.packet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.AllocationMeter;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecodeAllocationTest {
    @Test
    void shouldAllocateNothingPerDecodeAfterWarmUp() {
        List<ByteBuffer> packets = KernelPackets.all().stream().map(KernelPackets::direct).toList();
        ByteBuffer[] buffers = packets.toArray(ByteBuffer[]::new);
        ByteBuffer garbage = ByteBuffer.allocateDirect(64);
        garbage.put(0, (byte) 0x6f);
        ParsedPacket parsed = new ParsedPacket();
        int[] sink = new int[1];
        long bytes =
                AllocationMeter.bytesAllocatedBy(
                        20_000,
                        200_000,
                        () -> {
                            for (ByteBuffer buffer : buffers) {
                                PacketDecoder.decode(buffer, 0, buffer.capacity(), parsed);
                                sink[0] += parsed.protocol();
                            }
                            sink[0] += PacketDecoder.decode(garbage, 0, 64, parsed).ordinal();
                        });
        assertThat(bytes).as("bytes allocated by 200k rounds of decodes").isZero();
    }

    @Test
    void shouldAllocateNothingPerIcmpErrorOrMssClamp() {
        ByteBuffer syn = KernelPackets.direct(KernelPackets.get(KernelPackets.V6_SYN));
        ByteBuffer echo = KernelPackets.direct(KernelPackets.get(KernelPackets.V4_ECHO));
        ByteBuffer out = ByteBuffer.allocateDirect(1500);
        ParsedPacket parsed = new ParsedPacket();
        long bytes =
                AllocationMeter.bytesAllocatedBy(
                        20_000,
                        100_000,
                        () -> {
                            PacketDecoder.decode(syn, 0, syn.capacity(), parsed);
                            MssClamp.clampSyn(parsed, 1380);
                            PacketDecoder.decode(echo, 0, echo.capacity(), parsed);
                            IcmpErrorBuilder.destinationUnreachable(
                                    parsed, UnreachableReason.ADMINISTRATIVELY_PROHIBITED, out, 0);
                        });
        assertThat(bytes).isZero();
    }
}
