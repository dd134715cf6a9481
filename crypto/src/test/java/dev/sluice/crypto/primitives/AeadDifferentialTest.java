package dev.sluice.crypto.primitives;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.AllocationMeter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/** Sluice's Poly1305 and AEAD against independent implementations, on random input. */
class AeadDifferentialTest {
    @Property(tries = 2000)
    void poly1305ShouldAgreeWithBouncyCastle(
            @ForAll long seed, @ForAll @IntRange(max = 300) int length) {
        Random random = new Random(seed);
        byte[] key = new byte[32];
        byte[] message = new byte[length];
        random.nextBytes(key);
        random.nextBytes(message);
        if (random.nextInt(4) == 0) {
            Arrays.fill(message, (byte) 0xff); // drives h close to 2^130 - 5
        }
        org.bouncycastle.crypto.macs.Poly1305 reference =
                new org.bouncycastle.crypto.macs.Poly1305();
        reference.init(new KeyParameter(key));
        reference.update(message, 0, length);
        byte[] expected = new byte[16];
        reference.doFinal(expected, 0);
        Poly1305 mac = new Poly1305();
        mac.init(key, 0);
        // Feed in two pieces at a 16-byte boundary, as the AEAD does.
        int split = (random.nextInt(length + 1)) & ~15;
        mac.update(message, 0, split);
        mac.update(message, split, length - split);
        ByteBuffer tag = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        mac.finish(tag, 0);
        assertThat(tag.array()).isEqualTo(expected);
    }

    @Property(tries = 1500)
    void aeadShouldAgreeWithTheJdksCipher(
            @ForAll long seed, @ForAll @IntRange(max = 1500) int length, @ForAll boolean direct)
            throws Exception {
        Random random = new Random(seed);
        byte[] key = new byte[32];
        byte[] plaintext = new byte[length];
        byte[] aad = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(64)];
        random.nextBytes(key);
        random.nextBytes(plaintext);
        random.nextBytes(aad);
        long counter = random.nextLong();
        byte[] nonce =
                ByteBuffer.allocate(12)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putInt(0)
                        .putLong(counter)
                        .array();
        Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
        jdk.init(
                Cipher.ENCRYPT_MODE,
                new SecretKeySpec(key, "ChaCha20"),
                new IvParameterSpec(nonce));
        jdk.updateAAD(aad);
        byte[] expected = jdk.doFinal(plaintext);

        ByteBuffer in = buffer(plaintext.length, direct);
        in.put(0, plaintext);
        ByteBuffer out = buffer(length + 16, !direct);
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        int[] words = ChaCha20.keyWords(key);
        int written =
                aead.seal(
                        words,
                        counter,
                        aad.length == 0 ? null : ByteBuffer.wrap(aad),
                        in,
                        0,
                        length,
                        out,
                        0);
        byte[] actual = new byte[written];
        out.get(0, actual);
        assertThat(actual).isEqualTo(expected);

        ByteBuffer decrypted = buffer(length, direct);
        assertThat(
                        aead.open(
                                words,
                                counter,
                                aad.length == 0 ? null : ByteBuffer.wrap(aad),
                                out,
                                0,
                                written,
                                decrypted,
                                0))
                .isTrue();
        byte[] roundTrip = new byte[length];
        decrypted.get(0, roundTrip);
        assertThat(roundTrip).isEqualTo(plaintext);

        int at = random.nextInt(written);
        out.put(at, (byte) (out.get(at) ^ (1 + random.nextInt(255))));
        assertThat(
                        aead.open(
                                words,
                                counter,
                                aad.length == 0 ? null : ByteBuffer.wrap(aad),
                                out,
                                0,
                                written,
                                decrypted,
                                0))
                .as("tampered")
                .isFalse();
    }

    private static ByteBuffer buffer(int length, boolean direct) {
        return direct ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
    }

    @Test
    void shouldSealAndOpenInPlaceWithoutAllocating() {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        int[] key = new int[] {1, 2, 3, 4, 5, 6, 7, 8};
        ByteBuffer packet = ByteBuffer.allocateDirect(2048);
        long[] counter = {0};
        long bytes =
                AllocationMeter.bytesAllocatedBy(
                        20_000,
                        100_000,
                        () -> {
                            long n = counter[0]++;
                            int sealed = aead.seal(key, n, null, packet, 16, 1420, packet, 16);
                            if (!aead.open(key, n, null, packet, 16, sealed, packet, 16)) {
                                throw new AssertionError("own ciphertext did not open");
                            }
                        });
        assertThat(bytes).as("bytes allocated by 100k seal+open of 1420 bytes").isZero();
    }
}
