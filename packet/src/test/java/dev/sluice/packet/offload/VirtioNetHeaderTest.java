package dev.sluice.packet.offload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class VirtioNetHeaderTest {
    /** As read from a tun: NEEDS_CSUM, TCPV4, hdr_len 52, gso_size 1448, csum 20 + 16. */
    private static final byte[] KERNEL_TSO = HexFormat.of().parseHex("01013400a80514001000");

    @Test
    void shouldReadLittleEndianFieldsWhenGivenHeaderTheKernelWrote() {
        VirtioNetHeader header = new VirtioNetHeader().wrap(ByteBuffer.wrap(KERNEL_TSO), 0);

        assertThat(header.flags()).isEqualTo(VirtioNetHeader.FLAG_NEEDS_CHECKSUM);
        assertThat(header.needsChecksum()).isTrue();
        assertThat(header.gsoType()).isEqualTo(VirtioNetHeader.GSO_TCPV4);
        assertThat(header.headerLength()).isEqualTo(52);
        assertThat(header.gsoSize()).isEqualTo(1448);
        assertThat(header.checksumStart()).isEqualTo(20);
        assertThat(header.checksumOffset()).isEqualTo(16);
    }

    @Test
    void shouldReadTheSameWhateverTheBufferByteOrder() {
        ByteBuffer little = ByteBuffer.allocateDirect(16).order(ByteOrder.LITTLE_ENDIAN);
        little.put(3, KERNEL_TSO);
        VirtioNetHeader header = new VirtioNetHeader().wrap(little, 3);

        assertThat(header.gsoSize()).isEqualTo(1448);
        assertThat(header.checksumStart()).isEqualTo(20);
    }

    @Test
    void shouldSplitEcnBitFromGsoKind() {
        byte[] ecn = KERNEL_TSO.clone();
        ecn[1] = (byte) 0x81;
        VirtioNetHeader header = new VirtioNetHeader().wrap(ByteBuffer.wrap(ecn), 0);

        assertThat(header.gsoType()).isEqualTo(0x81);
        assertThat(header.gsoKind()).isEqualTo(VirtioNetHeader.GSO_TCPV4);
    }

    @Test
    void shouldWriteTheBytesTheKernelExpectsWhenSetField() {
        ByteBuffer buffer = ByteBuffer.allocate(12);
        buffer.put(0, (byte) 0x5a).put(11, (byte) 0x5a);
        new VirtioNetHeader()
                .wrap(buffer, 1)
                .set(
                        VirtioNetHeader.FLAG_NEEDS_CHECKSUM,
                        VirtioNetHeader.GSO_TCPV4,
                        52,
                        1448,
                        20,
                        16);

        byte[] written = new byte[10];
        buffer.get(1, written);
        assertThat(written).isEqualTo(KERNEL_TSO);
        assertThat(buffer.get(0)).isEqualTo((byte) 0x5a);
        assertThat(buffer.get(11)).isEqualTo((byte) 0x5a);
    }

    @Test
    void shouldZeroAllTenBytesAndNothingElseWhenCleared() {
        ByteBuffer buffer = ByteBuffer.allocate(12);
        for (int i = 0; i < 12; i++) {
            buffer.put(i, (byte) 0xff);
        }
        new VirtioNetHeader().wrap(buffer, 1).clear();

        assertThat(buffer.get(0)).isEqualTo((byte) 0xff);
        assertThat(buffer.get(11)).isEqualTo((byte) 0xff);
        for (int i = 1; i < 11; i++) {
            assertThat(buffer.get(i)).as("byte %d", i).isZero();
        }
    }

    @Test
    void shouldRoundTripEveryFieldThroughItsAccessors() {
        VirtioNetHeader header = new VirtioNetHeader().wrap(ByteBuffer.allocate(10), 0);
        header.flags(2).gsoType(0x85).headerLength(0xfedc).gsoSize(0x1234);
        header.checksumStart(0xabcd).checksumOffset(6);

        assertThat(header.flags()).isEqualTo(VirtioNetHeader.FLAG_DATA_VALID);
        assertThat(header.needsChecksum()).isFalse();
        assertThat(header.gsoKind()).isEqualTo(VirtioNetHeader.GSO_UDP_L4);
        assertThat(header.headerLength()).isEqualTo(0xfedc);
        assertThat(header.gsoSize()).isEqualTo(0x1234);
        assertThat(header.checksumStart()).isEqualTo(0xabcd);
        assertThat(header.checksumOffset()).isEqualTo(6);
    }
}
