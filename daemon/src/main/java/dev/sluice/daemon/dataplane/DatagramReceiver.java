package dev.sluice.daemon.dataplane;

import java.nio.ByteBuffer;

/**
 * What a transport calls for each received datagram, on its receive thread. The bytes and the
 * source are the transport's, valid during the call only; the receiver may overwrite the bytes (to
 * decrypt in place) until {@link #endOfBatch()}.
 */
public interface DatagramReceiver {
    void onDatagram(ByteBuffer data, int offset, int length, DatagramSource source, long nowNs);

    /**
     * The transport is about to reuse the memory of the datagrams it handed over since the last
     * call: whatever still points into it (coalesced writes) must be done now.
     */
    default void endOfBatch() {}
}
