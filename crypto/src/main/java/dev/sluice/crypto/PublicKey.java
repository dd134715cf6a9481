package dev.sluice.crypto;

/** A Curve25519 public key, printed as base64. */
public final class PublicKey extends Key32 {
    public PublicKey(byte[] bytes) {
        super(bytes);
    }

    /**
     * @throws KeyFormatException naming the text when it is not a key
     */
    public static PublicKey parse(String base64) {
        return new PublicKey(decode(base64, "public key"));
    }

    /** The base64 text (public keys are not secret). */
    @Override
    public String toString() {
        return toBase64();
    }
}
