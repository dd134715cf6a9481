package dev.sluice.routing;

/**
 * Text that is not an IP address or prefix literal, or a prefix with host bits set. The message is
 * one sentence that names the text; for a non-canonical prefix {@link #canonicalForm()} says what
 * it should have been.
 */
public final class PrefixFormatException extends IllegalArgumentException {
    private final String canonicalForm;

    public PrefixFormatException(String message) {
        this(message, null);
    }

    public PrefixFormatException(String message, String canonicalForm) {
        super(message);
        this.canonicalForm = canonicalForm;
    }

    /** The canonical prefix for host-bits errors, else null. */
    public String canonicalForm() {
        return canonicalForm;
    }
}
