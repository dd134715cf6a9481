package dev.sluice.daemon.platform.linux;

import com.sun.jna.Native;
import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An eventfd(2): another thread's way to wake a reader that sleeps in poll(2) without a timeout.
 * {@link #signal()} from any thread; the reader polls {@link #fd()} beside its own and calls {@link
 * #clear()} once woken. Allocation-free.
 */
public final class EventFd implements Closeable {
    private static final int EFD_CLOEXEC = 02000000;
    private static final int EFD_NONBLOCK = 04000;

    private final int fd;
    private final ByteBuffer one = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    private final ByteBuffer drained = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    private final long oneAddress;
    private final long drainedAddress;
    private volatile boolean closed;

    private EventFd(int fd) {
        this.fd = fd;
        one.putLong(0, 1);
        this.oneAddress = TunDevice.address(one);
        this.drainedAddress = TunDevice.address(drained);
    }

    public static EventFd open() throws NativeException {
        int fd = LibC.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (fd < 0) {
            throw new NativeException("eventfd", Native.getLastError());
        }
        return new EventFd(fd);
    }

    int fd() {
        return fd;
    }

    /** Wakes the reader (adds 1 to the counter; never blocks). */
    public void signal() {
        if (!closed) {
            LibC.write(fd, oneAddress, 8);
        }
    }

    /** Resets the counter after a wake-up (the reader's thread). */
    void clear() {
        LibC.read(fd, drainedAddress, 8);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }
}
