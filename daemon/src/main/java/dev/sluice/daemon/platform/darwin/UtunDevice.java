package dev.sluice.daemon.platform.darwin;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import dev.sluice.config.InterfaceAddress;
import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A utun interface: a {@code PF_SYSTEM} socket connected to the utun kernel control (see {@link
 * KernelControl}); each read returns one packet and each write injects one, both behind the 4-byte
 * family header ({@link UtunFraming}), read and written with two iovecs so the packet stays where
 * the caller keeps it. The socket is non-blocking; {@link #awaitReadable} waits with a timeout.
 *
 * <p>One thread reads; any threads write (each with iovecs of its own). Reads and writes allocate
 * nothing after a thread's first write. Closing the socket destroys the interface and, with it,
 * every route through it: a daemon killed with SIGKILL leaves no utun route behind.
 */
final class UtunDevice implements Closeable {
    private static final int ADDRESS_SOCKET_TYPE = DarwinLibC.SOCK_DGRAM;

    private final int fd;
    private final String name;
    private final ByteBuffer pollfd = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    private final long pollfdAddress;

    /** The reader's two iovecs and the header it reads into. */
    private final ByteBuffer readIovecs = iovecs();

    private final long readIovecsAddress = DarwinLibC.address(readIovecs);
    private final ByteBuffer readHeader = ByteBuffer.allocateDirect(UtunFraming.HEADER_LENGTH);

    /** The headers written before IPv4 and IPv6 packets; shared, never written after. */
    private static final ByteBuffer IPV4_HEADER = header(Sockaddr.AF_INET);

    private static final ByteBuffer IPV6_HEADER = header(Sockaddr.AF_INET6);
    private static final long IPV4_HEADER_ADDRESS = DarwinLibC.address(IPV4_HEADER);
    private static final long IPV6_HEADER_ADDRESS = DarwinLibC.address(IPV6_HEADER);

    /** A writing thread's two iovecs, with their address looked up once. */
    private static final class WriteIovecs {
        final ByteBuffer buffer = iovecs();
        final long address = DarwinLibC.address(buffer);
    }

    private static final ThreadLocal<WriteIovecs> WRITE_IOVECS =
            ThreadLocal.withInitial(WriteIovecs::new);

    private volatile boolean closed;

    private UtunDevice(int fd, String name) {
        this.fd = fd;
        this.name = name;
        this.pollfdAddress = DarwinLibC.address(pollfd);
        pollfd.putInt(0, fd);
        pollfd.putShort(4, DarwinLibC.POLLIN);
        setIovec(readIovecs, 0, DarwinLibC.address(readHeader), UtunFraming.HEADER_LENGTH);
    }

    private static ByteBuffer iovecs() {
        return ByteBuffer.allocateDirect(2 * UtunFraming.IOVEC_LENGTH)
                .order(ByteOrder.nativeOrder());
    }

    private static ByteBuffer header(int family) {
        ByteBuffer header = ByteBuffer.allocateDirect(UtunFraming.HEADER_LENGTH);
        header.put(UtunFraming.header(family)).flip();
        return header;
    }

    private static void setIovec(ByteBuffer iovecs, int index, long base, long length) {
        iovecs.putLong(index * UtunFraming.IOVEC_LENGTH, base);
        iovecs.putLong(index * UtunFraming.IOVEC_LENGTH + 8, length);
    }

    /**
     * Creates a utun; the kernel picks the first free unit and names it.
     *
     * @throws SystemCallException naming the step (EPERM without root)
     */
    static UtunDevice open() throws SystemCallException {
        int fd =
                DarwinLibC.socket(
                        KernelControl.PF_SYSTEM,
                        DarwinLibC.SOCK_DGRAM,
                        KernelControl.SYSPROTO_CONTROL);
        if (fd < 0) {
            throw new SystemCallException("socket(PF_SYSTEM)", DarwinLibC.errno());
        }
        try {
            byte[] info = KernelControl.ctlInfo(KernelControl.UTUN_CONTROL_NAME);
            ioctl(fd, Ioctls.CTLIOCGINFO, info, "CTLIOCGINFO " + KernelControl.UTUN_CONTROL_NAME);
            byte[] address = KernelControl.sockaddrCtl(KernelControl.ctlId(info), 0);
            if (DarwinLibC.connect(fd, address, address.length) < 0) {
                throw new SystemCallException("connect to the utun control", DarwinLibC.errno());
            }
            byte[] value = new byte[InterfaceRequests.IFNAMSIZ];
            int[] length = {value.length};
            if (DarwinLibC.getsockopt(
                            fd,
                            KernelControl.SYSPROTO_CONTROL,
                            KernelControl.UTUN_OPT_IFNAME,
                            value,
                            length)
                    < 0) {
                throw new SystemCallException("getsockopt UTUN_OPT_IFNAME", DarwinLibC.errno());
            }
            int flags = DarwinVariadic.C.fcntl(fd, DarwinLibC.F_GETFL, 0);
            if (flags < 0
                    || DarwinVariadic.C.fcntl(fd, DarwinLibC.F_SETFL, flags | DarwinLibC.O_NONBLOCK)
                            < 0
                    || DarwinVariadic.C.fcntl(fd, DarwinLibC.F_SETFD, DarwinLibC.FD_CLOEXEC) < 0) {
                throw new SystemCallException("fcntl on the utun socket", DarwinLibC.errno());
            }
            return new UtunDevice(fd, KernelControl.interfaceName(value, length[0]));
        } catch (SystemCallException | RuntimeException e) {
            DarwinLibC.close(fd);
            throw e;
        }
    }

    /** Sets the MTU, adds the addresses and brings the interface up, as ifconfig does. */
    void configure(int mtu, List<InterfaceAddress> addresses) throws SystemCallException {
        try (ControlSocket inet = new ControlSocket(DarwinLibC.AF_INET)) {
            ioctl(
                    inet.fd,
                    Ioctls.SIOCSIFMTU,
                    InterfaceRequests.mtu(name, mtu),
                    "SIOCSIFMTU " + name);
            for (InterfaceAddress address : addresses) {
                if (address.isIpv4()) {
                    ioctl(
                            inet.fd,
                            Ioctls.SIOCAIFADDR,
                            InterfaceRequests.ipv4Alias(
                                    name, address.address(), address.prefixLength()),
                            "SIOCAIFADDR " + address + " on " + name);
                }
            }
            if (addresses.stream().anyMatch(a -> !a.isIpv4())) {
                try (ControlSocket inet6 = new ControlSocket(DarwinLibC.AF_INET6)) {
                    for (InterfaceAddress address : addresses) {
                        if (!address.isIpv4()) {
                            ioctl(
                                    inet6.fd,
                                    Ioctls.SIOCAIFADDR_IN6,
                                    InterfaceRequests.ipv6Alias(
                                            name, address.address(), address.prefixLength()),
                                    "SIOCAIFADDR_IN6 " + address + " on " + name);
                        }
                    }
                }
            }
            byte[] flags = InterfaceRequests.flags(name, 0);
            ioctl(inet.fd, Ioctls.SIOCGIFFLAGS, flags, "SIOCGIFFLAGS " + name);
            int up = InterfaceRequests.flagsOf(flags) | RouteFlags.IFF_UP;
            ioctl(
                    inet.fd,
                    Ioctls.SIOCSIFFLAGS,
                    InterfaceRequests.flags(name, up),
                    "SIOCSIFFLAGS " + name + " up");
        }
    }

    /** ioctl with a struct argument, copied in and (for _IOWR requests) back out. */
    private static void ioctl(int fd, long request, byte[] argument, String what)
            throws SystemCallException {
        try (Memory memory = new Memory(argument.length)) {
            memory.write(0, argument, 0, argument.length);
            if (DarwinVariadic.C.ioctl(fd, new NativeLong(request), memory) < 0) {
                throw new SystemCallException(what, DarwinLibC.errno());
            }
            memory.read(0, argument, 0, argument.length);
        }
    }

    /** A datagram socket of a family, only for interface ioctls. */
    private static final class ControlSocket implements AutoCloseable {
        final int fd;

        ControlSocket(int family) throws SystemCallException {
            fd = DarwinLibC.socket(family, ADDRESS_SOCKET_TYPE, 0);
            if (fd < 0) {
                throw new SystemCallException("socket for interface ioctls", DarwinLibC.errno());
            }
        }

        @Override
        public void close() {
            DarwinLibC.close(fd);
        }
    }

    String name() {
        return name;
    }

    /**
     * Reads one packet into {@code [address, address + capacity)}, its header elsewhere.
     *
     * @return the packet's length, 0 when none is waiting, or -errno
     */
    int read(long address, int capacity) {
        setIovec(readIovecs, 1, address, capacity);
        long n = DarwinLibC.readv(fd, readIovecsAddress, 2);
        if (n >= UtunFraming.HEADER_LENGTH) {
            return (int) n - UtunFraming.HEADER_LENGTH;
        }
        if (n >= 0) {
            return 0; // nothing but a header: not a packet
        }
        int errno = DarwinLibC.errno();
        return errno == Errno.EAGAIN || errno == Errno.EINTR ? 0 : -errno;
    }

    /**
     * Writes one packet, its family header taken from its version nibble ({@code firstByte}).
     *
     * @return the packet's length, or -errno ({@code EINVAL} for a packet that is neither IPv4 nor
     *     IPv6)
     */
    int write(long address, int length, byte firstByte) {
        long header =
                switch (UtunFraming.family(firstByte)) {
                    case Sockaddr.AF_INET -> IPV4_HEADER_ADDRESS;
                    case Sockaddr.AF_INET6 -> IPV6_HEADER_ADDRESS;
                    default -> 0;
                };
        if (header == 0) {
            return -Errno.EINVAL;
        }
        WriteIovecs iovecs = WRITE_IOVECS.get();
        setIovec(iovecs.buffer, 0, header, UtunFraming.HEADER_LENGTH);
        setIovec(iovecs.buffer, 1, address, length);
        long n = DarwinLibC.writev(fd, iovecs.address, 2);
        return n >= 0 ? (int) n - UtunFraming.HEADER_LENGTH : -DarwinLibC.errno();
    }

    boolean awaitReadable(int timeoutMs) {
        if (closed) {
            return false;
        }
        pollfd.putShort(6, (short) 0);
        return DarwinLibC.poll(pollfdAddress, 1, timeoutMs) > 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DarwinLibC.close(fd);
        }
    }
}
