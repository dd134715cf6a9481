package dev.sluice.daemon.dns;

/** A DNS message that cannot be read; the message says what is wrong with it. */
public final class DnsFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public DnsFormatException(String message) {
        super(message);
    }
}
