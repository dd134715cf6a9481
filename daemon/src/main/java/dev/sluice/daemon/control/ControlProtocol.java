package dev.sluice.daemon.control;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Constants and the JSON mapper shared by server and client. */
public final class ControlProtocol {
    /** The protocol version this build speaks. */
    public static final int VERSION = 1;

    /** Longest request line accepted (bytes, newline excluded). */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;

    /** Configured once; thread-safe for reading and writing. */
    public static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    private ControlProtocol() {}
}
