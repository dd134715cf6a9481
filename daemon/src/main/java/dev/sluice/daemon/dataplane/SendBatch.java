package dev.sluice.daemon.dataplane;

import java.nio.ByteBuffer;

/**
 * Transport messages sealed back to back for one send: a run of datagrams to one endpoint, all of
 * one length but the last (which may be shorter), as one UDP GSO send takes them. The cipher writes
 * each message straight into {@link #buffer()} at the offset {@link #reserve} gives, so a message's
 * bytes are written once and copied nowhere before the kernel takes them.
 *
 * <pre>
 *   buffer: [ message 0 | message 1 | ... | message n-1 (may be shorter) ]
 *            segment      segment           <= segment
 * </pre>
 *
 * <p>A message that cannot join the run (another endpoint, longer than the run's length, after a
 * shorter one, or the run full) sends the run first. One thread; allocation-free.
 */
final class SendBatch {
    /** The most datagrams one UDP GSO send may carry. */
    static final int MAX_MESSAGES = 64;

    /**
     * The most bytes one UDP GSO send may carry: a UDP datagram's payload in an IPv4 packet (65,535
     * - 20 - 8); more is refused with EMSGSIZE.
     */
    static final int MAX_BYTES = 65_507;

    private final DatagramTransport transport;
    private final ByteBuffer buffer;
    private Endpoint to;
    private int used;
    private int segment;
    private int count;
    private boolean ended;
    private long sends;

    /**
     * @param capacity bytes of one run (at least one message of the largest length)
     */
    SendBatch(DatagramTransport transport, int capacity) {
        this.transport = transport;
        this.buffer = ByteBuffer.allocateDirect(Math.min(capacity, MAX_BYTES));
    }

    ByteBuffer buffer() {
        return buffer;
    }

    /**
     * Room for a message of {@code length} bytes to {@code endpoint}, after sending the run when
     * the message cannot join it.
     *
     * @return the offset in {@link #buffer()} to seal the message at
     */
    int reserve(int length, Endpoint endpoint) {
        if (count > 0
                && (endpoint != to
                        || ended
                        || length > segment
                        || count == MAX_MESSAGES
                        || used + length > buffer.capacity())) {
            flush();
        }
        if (count == 0) {
            to = endpoint;
            segment = length;
        }
        return used;
    }

    /** The message reserved last was sealed, {@code length} bytes (at most what was reserved). */
    void commit(int length) {
        used += length;
        count++;
        if (length < segment) {
            ended = true; // only the last datagram of a GSO send may be shorter
        }
    }

    /** Sends the run (if any); a send that throws loses the run, the batch is empty after. */
    void flush() {
        try {
            if (count > 0) {
                sends++;
                transport.sendSegments(buffer, 0, used, segment, to);
            }
        } finally {
            used = 0;
            count = 0;
            ended = false;
            to = null;
        }
    }

    /** Sends so far (for tests). */
    long sends() {
        return sends;
    }
}
