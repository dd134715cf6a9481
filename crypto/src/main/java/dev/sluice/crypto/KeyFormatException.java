package dev.sluice.crypto;

/** Text that is not a WireGuard key (44 base64 characters encoding 32 bytes). */
public final class KeyFormatException extends IllegalArgumentException {
    public KeyFormatException(String message) {
        super(message);
    }
}
