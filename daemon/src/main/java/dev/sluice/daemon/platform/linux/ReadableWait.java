package dev.sluice.daemon.platform.linux;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A reader's sleep in poll(2) until its file descriptor is readable or another thread calls {@link
 * #wake()}: the descriptor and an {@link EventFd} as two {@code struct pollfd} in direct memory, so
 * an idle reader needs no timer. One thread waits at a time; any thread wakes. Allocation-free.
 */
final class ReadableWait implements Closeable {
    private final EventFd wake;

    /**
     * Two struct pollfd { int fd; short events; short revents; }: the descriptor and the wake-up.
     */
    private final ByteBuffer pollfds = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());

    private final long pollfdsAddress;

    private ReadableWait(int fd, EventFd wake) {
        this.wake = wake;
        this.pollfdsAddress = TunDevice.address(pollfds);
        pollfds.putInt(0, fd);
        pollfds.putShort(4, LibC.POLLIN);
        pollfds.putInt(8, wake.fd());
        pollfds.putShort(12, LibC.POLLIN);
    }

    /** A wait on {@code fd} with an eventfd of its own (closed by {@link #close()}, not the fd). */
    static ReadableWait on(int fd) throws NativeException {
        return new ReadableWait(fd, EventFd.open());
    }

    /**
     * Sleeps up to {@code timeoutMs} (negative: without limit) until the descriptor is readable or
     * {@link #wake()} is called; a wake-up is consumed.
     *
     * @return 1 when the descriptor is readable, 0 on timeout or wake-up, -errno when poll failed
     */
    int await(int timeoutMs) {
        pollfds.putShort(6, (short) 0);
        pollfds.putShort(14, (short) 0);
        int ready = LibC.poll(pollfdsAddress, 2, timeoutMs);
        if (ready < 0) {
            return -Errno.last();
        }
        if (ready == 0) {
            return 0;
        }
        if (pollfds.getShort(14) != 0) {
            wake.clear();
        }
        return pollfds.getShort(6) != 0 ? 1 : 0;
    }

    /** Makes a waiting {@link #await} return now. Any thread. */
    void wake() {
        wake.signal();
    }

    @Override
    public void close() {
        wake.close();
    }
}
