package dev.sluice.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class KeysTest {
    // RFC 7748 section 6.1: Alice's private key and public key.
    private static final String ALICE_PRIVATE = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=";
    private static final String ALICE_PUBLIC = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=";

    @Test
    void shouldDerivePublicKeyPerRfc7748() {
        assertThat(PrivateKey.parse(ALICE_PRIVATE).publicKey().toBase64()).isEqualTo(ALICE_PUBLIC);
    }

    @Test
    void shouldNeverPrintSecrets() {
        PrivateKey key = PrivateKey.parse(ALICE_PRIVATE);
        assertThat(key.toString()).doesNotContain(ALICE_PRIVATE.substring(0, 6));
        assertThatThrownBy(() -> PrivateKey.parse("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkq"))
                .isInstanceOf(KeyFormatException.class)
                .message()
                .doesNotContain("dwdtCnMY");
    }

    @Test
    void shouldNameBadPublicKeys() {
        assertThatThrownBy(() -> PublicKey.parse("not-a-key!"))
                .hasMessageContaining("'not-a-key!' is not a base64 public key");
        assertThatThrownBy(() -> PublicKey.parse("aGVsbG8="))
                .hasMessageContaining("expected 44 base64 characters encoding 32 bytes, got 5");
    }

    @Test
    void shouldClampGeneratedKeysAndCompareByValue() {
        PrivateKey key = PrivateKey.generate(new SecureRandom());
        byte[] bytes = key.bytes();
        assertThat(bytes[0] & 7).isZero();
        assertThat(bytes[31] & 0xc0).isEqualTo(0x40);
        assertThat(PublicKey.parse(ALICE_PUBLIC)).isEqualTo(PublicKey.parse(ALICE_PUBLIC));
        assertThat(PublicKey.parse(ALICE_PUBLIC).hashCode())
                .isEqualTo(PublicKey.parse(ALICE_PUBLIC).hashCode());
        key.destroy();
        assertThat(key.bytes()).containsOnly(0);
    }
}
