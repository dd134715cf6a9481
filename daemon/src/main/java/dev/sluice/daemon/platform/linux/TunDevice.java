package dev.sluice.daemon.platform.linux;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.Closeable;
import java.nio.ByteBuffer;
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

    /** TUNSETOFFLOAD = _IOW('T', 208, unsigned int): the argument is the flags, by value. */
    private static final long TUNSETOFFLOAD = 0x400454d0L;

    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_VNET_HDR = 0x4000;
    private static final int IFNAMSIZ = 16;

    /** TUN_F_* of include/uapi/linux/if_tun.h. */
    public static final int TUN_F_CSUM = 0x01;

    public static final int TUN_F_TSO4 = 0x02;
    public static final int TUN_F_TSO6 = 0x04;
    public static final int TUN_F_USO4 = 0x20;
    public static final int TUN_F_USO6 = 0x40;

    /** Every read and write starts with a virtio_net_hdr of this length when offloads are on. */
    public static final int VNET_HEADER_LENGTH = 10;

    private final int fd;
    private final String name;
    private final int offloads;
    private final ReadableWait readable;
    private volatile boolean closed;

    private TunDevice(int fd, String name, int offloads, ReadableWait readable) {
        this.fd = fd;
        this.name = name;
        this.offloads = offloads;
        this.readable = readable;
    }

    /** Creates the TUN interface {@code name} without offloads (one packet per read and write). */
    public static TunDevice open(String name) throws NativeException {
        return open(name, false);
    }

    /**
     * Creates (or attaches to) the TUN interface {@code name}.
     *
     * @param offloads ask for a virtio_net_hdr on every read and write and for checksum, TCP and
     *     UDP segmentation offload (TSO, USO where the kernel has it): the kernel then hands over
     *     and takes super-packets of up to 64 KB; {@link #offloads()} says what was granted
     * @throws NativeException naming the step and errno (EPERM without CAP_NET_ADMIN, EBUSY when
     *     another process holds the device)
     */
    public static TunDevice open(String name, boolean offloads) throws NativeException {
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
        short flags = (short) (IFF_TUN | IFF_NO_PI | (offloads ? IFF_VNET_HDR : 0));
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
        int granted = 0;
        if (offloads) {
            int all = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_USO4 | TUN_F_USO6;
            int withoutUso = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
            if (LibC.ioctl(fd, TUNSETOFFLOAD, (long) all) == 0) {
                granted = all;
            } else if (LibC.ioctl(fd, TUNSETOFFLOAD, (long) withoutUso) == 0) {
                granted = withoutUso; // kernels before 6.2 have no USO on tun
            } else {
                int errno = Errno.last();
                LibC.close(fd);
                throw new NativeException("TUNSETOFFLOAD on " + name, errno);
            }
        }
        ReadableWait readable;
        try {
            readable = ReadableWait.on(fd);
        } catch (NativeException e) {
            LibC.close(fd);
            throw e;
        }
        return new TunDevice(
                fd, new String(ifreq, 0, end, StandardCharsets.US_ASCII), granted, readable);
    }

    /** The TUN_F_* offloads granted (0 without offloads: no virtio_net_hdr either). */
    public int offloads() {
        return offloads;
    }

    /** Whether reads and writes carry a virtio_net_hdr ({@link #VNET_HEADER_LENGTH} bytes). */
    public boolean hasVnetHeader() {
        return offloads != 0;
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
     * Writes one packet gathered from {@code count} struct iovec at {@code iovecs} (a coalesced
     * super-packet: its headers, then payload slices where they lie).
     *
     * @return the length written, or -errno
     */
    public int writev(long iovecs, int count) {
        long n = LibC.writev(fd, iovecs, count);
        return n >= 0 ? (int) n : -Errno.last();
    }

    /**
     * Waits up to {@code timeoutMs} (-1: without limit) for a packet or {@link #wakeReader()}; true
     * when a packet is waiting. For the one reading thread; allocation-free.
     */
    public boolean awaitReadable(int timeoutMs) {
        if (closed) {
            return false;
        }
        return readable.await(timeoutMs) > 0;
    }

    /** Makes a waiting {@link #awaitReadable} return (to stop the reader). Any thread. */
    public void wakeReader() {
        readable.wake();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
            readable.close();
        }
    }
}
