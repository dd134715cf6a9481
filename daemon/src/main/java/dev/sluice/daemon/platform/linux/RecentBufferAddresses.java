package dev.sluice.daemon.platform.linux;

import java.nio.ByteBuffer;

/**
 * The raw addresses of the last four direct buffers seen, so that a writer looks up each buffer's
 * address once rather than per packet (the data path hands the same few buffers over and over). One
 * thread; allocation-free after the first look-up of each buffer.
 */
final class RecentBufferAddresses {
    private final ByteBuffer[] known = new ByteBuffer[4];
    private final long[] addresses = new long[4];
    private int next;

    /** The raw address of {@code direct}. */
    long of(ByteBuffer direct) {
        for (int i = 0; i < known.length; i++) {
            if (known[i] == direct) {
                return addresses[i];
            }
        }
        long address = TunDevice.address(direct);
        known[next] = direct;
        addresses[next] = address;
        next = (next + 1) % known.length;
        return address;
    }
}
