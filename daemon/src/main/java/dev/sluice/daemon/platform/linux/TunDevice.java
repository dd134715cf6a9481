package dev.sluice.daemon.platform.linux;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A Linux TUN device ({@code /dev/net/tun}, {@code IFF_TUN | IFF_NO_PI}): each read returns one IP
 * packet, each write injects one. The file descriptor is non-blocking; {@link #awaitReadable}
 * blocks with a timeout so a reader can stop.
 *
 * <p>Reads and writes take direct buffers and allocate nothing. One thread may read while others
 * write (the kernel serializes writes of whole packets).
 */
public final class TunDevice implements Closeable {
    /** TUNSETIFF = _IOW('T', 202, int). */
    private static final long TUNSETIFF = 0x400454caL;

    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final int IFNAMSIZ = 16;

    private final int fd;
    private final String name;

    /** struct pollfd { int fd; short events; short revents; } for the reader, set once. */
    private final ByteBuffer pollfd = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());

    private final long pollfdAddress;
    private volatile boolean closed;

    private TunDevice(int fd, String name) {
        this.fd = fd;
        this.name = name;
        this.pollfdAddress = address(pollfd);
        pollfd.putInt(0, fd);
        pollfd.putShort(4, LibC.POLLIN);
    }

    /**
     * Creates (or attaches to) the TUN interface {@code name}.
     *
     * @throws NativeException naming the step and errno (EPERM without CAP_NET_ADMIN, EBUSY when
     *     another process holds the device)
     */
    public static TunDevice open(String name) throws NativeException {
        int fd = LibC.open("/dev/net/tun", LibC.O_RDWR | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw new NativeException("open /dev/net/tun", Errno.last());
        }
        byte[] ifreq = new byte[40];
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length >= IFNAMSIZ) {
            LibC.close(fd);
            throw new NativeException("TUNSETIFF " + name + " (name longer than 15)", Errno.EINVAL);
        }
        System.arraycopy(nameBytes, 0, ifreq, 0, nameBytes.length);
        short flags = IFF_TUN | IFF_NO_PI;
        ifreq[IFNAMSIZ] = (byte) flags;
        ifreq[IFNAMSIZ + 1] = (byte) (flags >>> 8);
        if (LibC.ioctl(fd, TUNSETIFF, ifreq) < 0) {
            int errno = Errno.last();
            LibC.close(fd);
            throw new NativeException("TUNSETIFF " + name, errno);
        }
        int end = 0;
        while (end < IFNAMSIZ && ifreq[end] != 0) {
            end++;
        }
        if (LibC.fcntl(fd, LibC.F_SETFL, LibC.fcntl(fd, LibC.F_GETFL, 0) | LibC.O_NONBLOCK) < 0) {
            int errno = Errno.last();
            LibC.close(fd);
            throw new NativeException("fcntl O_NONBLOCK on " + name, errno);
        }
        return new TunDevice(fd, new String(ifreq, 0, end, StandardCharsets.US_ASCII));
    }

    /** The interface name the kernel chose (the requested one). */
    public String name() {
        return name;
    }

    /** The raw address of a direct buffer (look it up once per buffer, not per packet). */
    public static long address(ByteBuffer direct) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }

    /**
     * Reads one packet into {@code [address, address + capacity)}.
     *
     * @return the packet length, 0 when none is waiting, or -errno on failure
     */
    public int read(long address, int capacity) {
        long n = LibC.read(fd, address, capacity);
        if (n >= 0) {
            return (int) n;
        }
        int errno = Errno.last();
        return errno == Errno.EAGAIN || errno == Errno.EINTR ? 0 : -errno;
    }

    /**
     * Writes one packet from {@code [address, address + length)}.
     *
     * @return the length written, or -errno (EAGAIN when the device queue is full)
     */
    public int write(long address, int length) {
        long n = LibC.write(fd, address, length);
        return n >= 0 ? (int) n : -Errno.last();
    }

    /**
     * Waits up to {@code timeoutMs} for a packet; true when one is waiting. For the one reading
     * thread; allocation-free.
     */
    public boolean awaitReadable(int timeoutMs) {
        if (closed) {
            return false;
        }
        pollfd.putShort(6, (short) 0);
        return LibC.poll(pollfdAddress, 1, timeoutMs) > 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }
}
