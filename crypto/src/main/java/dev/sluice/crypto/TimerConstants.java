package dev.sluice.crypto;

/** Protocol constants of the whitepaper's section 6.1, with units in their names. */
public final class TimerConstants {
    /** REKEY_AFTER_MESSAGES = 2^60. */
    public static final long REKEY_AFTER_MESSAGES = 1L << 60;

    /** REJECT_AFTER_MESSAGES = 2^64 - 2^13 - 1 (unsigned). */
    public static final long REJECT_AFTER_MESSAGES = -(1L << 13) - 1;

    public static final long REKEY_AFTER_TIME_NS = 120_000_000_000L;
    public static final long REJECT_AFTER_TIME_NS = 180_000_000_000L;
    public static final long REKEY_ATTEMPT_TIME_NS = 90_000_000_000L;
    public static final long REKEY_TIMEOUT_NS = 5_000_000_000L;

    /** Up to a third of a second of jitter is added to REKEY_TIMEOUT (section 6.1). */
    public static final long REKEY_TIMEOUT_JITTER_MAX_NS = 334_000_000L;

    public static final long KEEPALIVE_TIMEOUT_NS = 10_000_000_000L;
    public static final long COOKIE_REFRESH_TIME_NS = 120_000_000_000L;

    /** A receiver initiating when its session nears REJECT_AFTER_TIME (section 6.2). */
    public static final long REKEY_ON_RECEIVE_AFTER_NS =
            REJECT_AFTER_TIME_NS - KEEPALIVE_TIMEOUT_NS - REKEY_TIMEOUT_NS;

    /** Without a new handshake for this long, all key material is erased (section 6.3). */
    public static final long ZERO_KEYS_AFTER_NS = 3 * REJECT_AFTER_TIME_NS;

    /** A peer's initiations closer together than this are a flood (wireguard-go: 1/50 s). */
    public static final long HANDSHAKE_INITIATION_RATE_NS = 20_000_000L;

    private TimerConstants() {}
}
