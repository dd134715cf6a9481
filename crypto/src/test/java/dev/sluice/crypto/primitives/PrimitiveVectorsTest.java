package dev.sluice.crypto.primitives;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Published test vectors. */
class PrimitiveVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(String text) {
        return HEX.parseHex(text.replaceAll("[\\s:]", ""));
    }

    @Test
    void x25519ShouldMatchRfc7748Section52() {
        byte[] scalar = hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        byte[] u = hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        assertThat(HEX.formatHex(X25519.sharedSecret(scalar, u)))
                .isEqualTo("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
    }

    @Test
    void x25519ShouldMatchRfc7748IteratedVectors() {
        byte[] k = hex("0900000000000000000000000000000000000000000000000000000000000000");
        byte[] u = k.clone();
        for (int i = 1; i <= 1000; i++) {
            byte[] next = X25519.sharedSecret(k, u);
            u = k;
            k = next;
            if (i == 1) {
                assertThat(HEX.formatHex(k))
                        .isEqualTo(
                                "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
            }
        }
        assertThat(HEX.formatHex(k))
                .isEqualTo("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
    }

    @Test
    void x25519ShouldMatchRfc7748DiffieHellmanExample() {
        byte[] alice = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bob = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        assertThat(HEX.formatHex(X25519.publicKey(alice)))
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        assertThat(HEX.formatHex(X25519.sharedSecret(alice, X25519.publicKey(bob))))
                .isEqualTo("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        assertThat(X25519.sharedSecret(alice, new byte[32])).as("low-order point").isNull();
    }

    @Test
    void chacha20BlockShouldMatchRfc8439Section232() {
        int[] state = new int[16];
        ChaCha20.initState(
                state,
                ChaCha20.keyWords(
                        hex(
                                "000102030405060708090a0b0c0d0e0f"
                                        + "101112131415161718191a1b1c1d1e1f")),
                0x09000000,
                0x4a000000,
                0);
        state[12] = 1;
        byte[] out = new byte[64];
        ChaCha20.scalarBlock(state, out);
        assertThat(HEX.formatHex(out))
                .isEqualTo(
                        "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
                                + "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
        byte[] fast = new byte[ChaCha20.MAX_KEYSTREAM_BYTES];
        ChaCha20.keystream(state, fast);
        assertThat(HEX.formatHex(fast, 0, 64)).isEqualTo(HEX.formatHex(out));
    }

    @Test
    void poly1305ShouldMatchRfc8439Section252() {
        Poly1305 mac = new Poly1305();
        mac.init(hex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b"), 0);
        byte[] message = "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII);
        mac.update(message, 0, message.length);
        ByteBuffer tag = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        mac.finish(tag, 0);
        assertThat(HEX.formatHex(tag.array())).isEqualTo("a8061dc1305136c6c22b8baf0c0127a9");
    }

    @Test
    void aeadShouldMatchRfc8439Section282() {
        byte[] plaintext =
                ("Ladies and Gentlemen of the class of '99: If I could offer you only"
                                + " one tip for the future, sunscreen would be it.")
                        .getBytes(StandardCharsets.US_ASCII);
        int[] key =
                ChaCha20.keyWords(
                        hex(
                                "808182838485868788898a8b8c8d8e8f"
                                        + "909192939495969798999a9b9c9d9e9f"));
        ByteBuffer aad = ByteBuffer.wrap(hex("50515253c0c1c2c3c4c5c6c7"));
        ByteBuffer in = ByteBuffer.wrap(plaintext);
        ByteBuffer out = ByteBuffer.allocate(plaintext.length + 16);
        // Nonce 07000000 4041424344454647: word 0 = 7, then the 64-bit little-endian value.
        long nonce =
                ByteBuffer.wrap(hex("4041424344454647")).order(ByteOrder.LITTLE_ENDIAN).getLong();
        new ChaCha20Poly1305().seal(key, 7, nonce, aad, in, 0, plaintext.length, out, 0);
        assertThat(HEX.formatHex(out.array(), plaintext.length, plaintext.length + 16))
                .isEqualTo("1ae10b594f09e26a7e902ecbd0600691");
        assertThat(HEX.formatHex(out.array(), 0, 16)).isEqualTo("d31a8d34648e60db7b86afbc53ef7ec2");
    }

    @Test
    void blake2sShouldMatchReferenceVectors() {
        assertThat(HEX.formatHex(Blake2s.hash(new byte[0])))
                .isEqualTo("69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9");
        assertThat(HEX.formatHex(Blake2s.hash("abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
    }

    @Test
    void wireGuardConstructionConstantsShouldMatchTheKernels() {
        // The precomputed values in the Linux kernel's noise.c.
        byte[] chainingKey =
                Blake2s.hash(
                        "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"
                                .getBytes(StandardCharsets.US_ASCII));
        assertThat(HEX.formatHex(chainingKey))
                .isEqualTo("60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36");
        byte[] hash =
                Blake2s.hash(
                        chainingKey,
                        "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII));
        assertThat(HEX.formatHex(hash))
                .isEqualTo("2211b361081ac566691243db458ad5322d9c6c662293e8b70ee19c65ba079ef3");
    }

    @Test
    void hchacha20ShouldMatchTheXChaChaDraft() {
        byte[] subkey =
                ChaCha20.hchacha20(
                        hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
                        hex("000000090000004a0000000031415927"));
        assertThat(HEX.formatHex(subkey))
                .isEqualTo("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");
    }

    @Test
    void tai64nShouldOffsetTheEpochAndOrder() {
        byte[] epoch = Tai64n.of(0);
        assertThat(HEX.formatHex(epoch)).isEqualTo("400000000000000a00000000");
        byte[] later = Tai64n.of(1_700_000_000_123_456_789L);
        assertThat(Tai64n.isAfter(later, epoch)).isTrue();
        assertThat(Tai64n.isAfter(epoch, later)).isFalse();
        assertThat(Tai64n.isAfter(later, later)).isFalse();
        // Nanoseconds are rounded down to 2^24 ns: 123456789 -> 117440512.
        assertThat(ByteBuffer.wrap(later).getInt(8)).isEqualTo(117_440_512);
    }
}
