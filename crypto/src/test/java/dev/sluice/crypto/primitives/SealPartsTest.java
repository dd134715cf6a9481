package dev.sluice.crypto.primitives;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Sealing a plaintext given as two parts plus zero padding equals sealing the concatenation, and
 * leaves both inputs untouched.
 */
class SealPartsTest {
    @Property(tries = 1000)
    void partsAndPaddingShouldSealAsTheirConcatenation(
            @ForAll long seed,
            @ForAll @IntRange(max = 200) int headLength,
            @ForAll @IntRange(max = 1500) int bodyLength,
            @ForAll @IntRange(max = 15) int zeros) {
        Random random = new Random(seed);
        byte[] keyBytes = new byte[32];
        random.nextBytes(keyBytes);
        int[] key = ChaCha20.keyWords(keyBytes);
        long counter = random.nextLong();
        ByteBuffer head = ByteBuffer.allocateDirect(headLength + 7);
        ByteBuffer body = ByteBuffer.allocate(bodyLength + 9);
        for (int i = 0; i < head.capacity(); i++) {
            head.put(i, (byte) random.nextInt());
        }
        for (int i = 0; i < body.capacity(); i++) {
            body.put(i, (byte) random.nextInt());
        }
        ByteBuffer headBefore = copy(head);
        ByteBuffer bodyBefore = copy(body);

        int length = headLength + bodyLength + zeros;
        ByteBuffer whole = ByteBuffer.allocate(length);
        for (int i = 0; i < headLength; i++) {
            whole.put(i, head.get(3 + i));
        }
        for (int i = 0; i < bodyLength; i++) {
            whole.put(headLength + i, body.get(5 + i));
        }
        ByteBuffer expected = ByteBuffer.allocate(length + 16);
        new ChaCha20Poly1305().seal(key, counter, null, whole, 0, length, expected, 0);

        ByteBuffer actual = ByteBuffer.allocateDirect(length + 16 + 4);
        int written =
                new ChaCha20Poly1305()
                        .sealParts(
                                key,
                                counter,
                                head,
                                3,
                                headLength,
                                body,
                                5,
                                bodyLength,
                                zeros,
                                actual,
                                4);
        assertThat(written).isEqualTo(length + 16);
        for (int i = 0; i < length + 16; i++) {
            assertThat(actual.get(4 + i)).as("byte %d", i).isEqualTo(expected.get(i));
        }
        assertThat(head).as("head untouched").isEqualTo(headBefore);
        assertThat(body).as("body untouched").isEqualTo(bodyBefore);
    }

    private static ByteBuffer copy(ByteBuffer buffer) {
        ByteBuffer copy = ByteBuffer.allocate(buffer.capacity());
        for (int i = 0; i < buffer.capacity(); i++) {
            copy.put(i, buffer.get(i));
        }
        return copy;
    }
}
