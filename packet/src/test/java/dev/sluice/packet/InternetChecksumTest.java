package dev.sluice.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {
    private static ByteBuffer hex(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        return ByteBuffer.allocateDirect(bytes.length).put(0, bytes);
    }

    @Test
    void shouldMatchRfc1071NumericalExample() {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (checksum 220d).
        ByteBuffer data = hex("0001 f203 f4f5 f6f7");
        assertThat(InternetChecksum.fold(InternetChecksum.sum(data, 0, 8))).isEqualTo(0xddf2);
        assertThat(InternetChecksum.compute(data, 0, 8)).isEqualTo(0x220d);
    }

    @Test
    void shouldComputeKnownIpv4HeaderChecksum() {
        // A classic header: 192.168.0.1 -> 192.168.0.199, UDP, checksum b861.
        ByteBuffer header = hex("4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7");
        assertThat(InternetChecksum.compute(header, 0, 20)).isEqualTo(0xb861);
        header.putShort(10, (short) 0xb861);
        assertThat(InternetChecksum.fold(InternetChecksum.sum(header, 0, 20))).isEqualTo(0xffff);
    }

    @Test
    void shouldPadAnOddTrailingByteWithZero() {
        ByteBuffer odd = hex("0102 03");
        assertThat(InternetChecksum.fold(InternetChecksum.sum(odd, 0, 3))).isEqualTo(0x0402);
    }

    @Test
    void shouldMatchRfc1624Example() {
        // RFC 1624 section 4: HC = 0xdd2f, m = 0x5555 -> m' = 0x3285 gives HC' = 0x0000 (eqn 3).
        assertThat(InternetChecksum.adjust(0xdd2f, 0x5555, 0x3285)).isEqualTo(0x0000);
    }

    @Test
    void shouldVerifyTcpChecksumOfKernelBuiltSyn() throws Exception {
        for (byte[] packet : KernelPackets.all()) {
            ParsedPacket parsed = KernelPackets.decode(packet);
            if (parsed.hasTransportHeader() && !parsed.isFragment()) {
                assertThat(InternetChecksum.verifyTransportChecksum(parsed))
                        .as("kernel packet %s", HexFormat.of().formatHex(packet, 0, 20))
                        .isTrue();
            }
        }
    }

    @Property
    void incrementalUpdateShouldVerifyLikeFullRecomputation(
            @ForAll @Size(min = 2, max = 200) byte[] data,
            @ForAll @IntRange(min = 0, max = 99) int wordIndex,
            @ForAll @IntRange(min = 0, max = 0xffff) int newWord) {
        int length = data.length & ~1;
        int at = (wordIndex * 2) % length;
        ByteBuffer buffer = ByteBuffer.allocateDirect(length).put(0, data, 0, length);
        int before = InternetChecksum.compute(buffer, 0, length);
        int oldWord = buffer.getShort(at) & 0xffff;
        buffer.putShort(at, (short) newWord);
        // RFC 1624 section 3: only data that sums to +0 (every word zero, which no IP or TCP
        // header is) gets 0x0000 from eqn 3 where recomputation gives 0xffff.
        Assume.that(InternetChecksum.sum(buffer, 0, length) != 0);
        int incremental = InternetChecksum.adjust(before, oldWord, newWord);
        // The patched checksum must verify the changed data exactly as a recomputed one does.
        long verification = InternetChecksum.sum(buffer, 0, length) + incremental;
        assertThat(InternetChecksum.fold(verification)).isEqualTo(0xffff);
    }

    @Property
    void wideSumShouldEqualWordByWordSum(
            @ForAll @Size(max = 300) byte[] data, @ForAll @IntRange(max = 7) int offset) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(data.length + 8).put(offset, data);
        long naive = 0;
        for (int i = 0; i < data.length; i += 2) {
            int high = data[i] & 0xff;
            int low = i + 1 < data.length ? data[i + 1] & 0xff : 0;
            naive += (high << 8) | low;
        }
        assertThat(InternetChecksum.fold(InternetChecksum.sum(buffer, offset, data.length)))
                .isEqualTo(InternetChecksum.fold(naive));
    }
}
