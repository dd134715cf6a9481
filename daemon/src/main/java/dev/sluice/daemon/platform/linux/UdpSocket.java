package dev.sluice.daemon.platform.linux;

import com.sun.jna.Native;
import java.io.Closeable;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The WireGuard UDP socket, on libc through JNA direct mapping: one dual-stack IPv6 socket (IPv4
 * peers as {@code ::ffff:a.b.c.d}), or IPv4 only where the host has no IPv6, marked with SO_MARK so
 * the policy rule lets it out past the capture.
 *
 * <p>Offloads: a send may carry many datagrams of one size (the last may be shorter) as one
 * sendmsg(2) with a UDP_SEGMENT control message: the kernel segments them (UDP GSO); receiving with
 * UDP_GRO on, one recvmmsg(2) slot may hold several datagrams of one flow back to back, with their
 * size in a control message. Both are plain sendmsg/recvmsg without them.
 *
 * <pre>
 *   struct msghdr  (56 bytes)  name @0, namelen @8, iov @16, iovlen @24, control @32,
 *                              controllen @40, flags @48
 *   struct mmsghdr (64 bytes)  msghdr @0, msg_len @56
 *   struct iovec   (16 bytes)  base @0, len @8
 *   struct cmsghdr (16 bytes)  len @0 (size_t), level @8, type @12, data @16
 *   struct sockaddr_in6 (28)   family @0, port @2 (big-endian), flowinfo @4, addr @8, scope @24
 * </pre>
 *
 * <p>Thread-safety: the socket may be used by several threads, each with its own {@link Sender} and
 * {@link ReceiveBatch}. Sending and receiving allocate nothing.
 */
public final class UdpSocket implements Closeable {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_NONBLOCK = 04000;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int SO_RCVBUF = 8;
    private static final int SO_SNDBUFFORCE = 32;
    private static final int SO_RCVBUFFORCE = 33;
    private static final int SO_MARK = 36;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    static final int SOL_UDP = 17;
    static final int UDP_SEGMENT = 103;
    static final int UDP_GRO = 104;
    static final int MSG_DONTWAIT = 0x40;

    /** The largest number of segments one UDP GSO send may carry (UDP_MAX_SEGMENTS). */
    public static final int MAX_SEGMENTS = 64;

    /** sockaddr_in6 length, also the room reserved for any source address. */
    public static final int SOCKADDR_LENGTH = 28;

    private static final int BUFFER_BYTES = 4 << 20;

    private final int fd;
    private final int family;
    private final int port;
    private final boolean gro;
    private final ReadableWait readable;
    private volatile boolean closed;

    private UdpSocket(int fd, int family, int port, boolean gro, ReadableWait readable) {
        this.fd = fd;
        this.family = family;
        this.port = port;
        this.gro = gro;
        this.readable = readable;
    }

    /**
     * Opens and binds the socket.
     *
     * @param port the UDP port (0: the kernel picks one)
     * @param fwMark SO_MARK of every datagram sent (0: none)
     * @param gro ask for UDP_GRO (coalesced receives); {@link #gro()} says whether it took
     */
    public static UdpSocket open(int port, int fwMark, boolean gro) throws NativeException {
        int family = AF_INET6;
        int fd = LibC.socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            family = AF_INET; // a host without IPv6
            fd = LibC.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new NativeException("socket(AF_INET, SOCK_DGRAM)", Native.getLastError());
            }
        }
        ByteBuffer scratch = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
        long at = TunDevice.address(scratch);
        try {
            if (family == AF_INET6) {
                setInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0, scratch, at, "IPV6_V6ONLY");
            }
            if (fwMark != 0) {
                setInt(fd, SOL_SOCKET, SO_MARK, fwMark, scratch, at, "SO_MARK");
            }
            buffer(fd, SO_RCVBUFFORCE, SO_RCVBUF, scratch, at);
            buffer(fd, SO_SNDBUFFORCE, SO_SNDBUF, scratch, at);
            boolean groOn = gro && trySetInt(fd, SOL_UDP, UDP_GRO, 1, scratch, at);
            for (int i = 0; i < 64; i++) {
                scratch.put(i, (byte) 0);
            }
            int length;
            if (family == AF_INET6) {
                scratch.putShort(0, (short) AF_INET6);
                scratch.putShort(2, Short.reverseBytes((short) port));
                length = SOCKADDR_LENGTH;
            } else {
                scratch.putShort(0, (short) AF_INET);
                scratch.putShort(2, Short.reverseBytes((short) port));
                length = 16;
            }
            if (LibC.bind(fd, at, length) < 0) {
                throw new NativeException("bind UDP port " + port, Native.getLastError());
            }
            scratch.putInt(32, 32);
            if (LibC.getsockname(fd, at, at + 32) < 0) {
                throw new NativeException("getsockname", Native.getLastError());
            }
            int bound = Short.toUnsignedInt(Short.reverseBytes(scratch.getShort(2)));
            return new UdpSocket(fd, family, bound, groOn, ReadableWait.on(fd));
        } catch (NativeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    private static void setInt(
            int fd, int level, int option, int value, ByteBuffer scratch, long at, String what)
            throws NativeException {
        if (!trySetInt(fd, level, option, value, scratch, at)) {
            throw new NativeException("setsockopt " + what, Native.getLastError());
        }
    }

    private static boolean trySetInt(
            int fd, int level, int option, int value, ByteBuffer scratch, long at) {
        scratch.putInt(0, value);
        return LibC.setsockopt(fd, level, option, at, 4) == 0;
    }

    /** A large buffer (FORCE needs CAP_NET_ADMIN; else what the limit allows). */
    private static void buffer(int fd, int force, int plain, ByteBuffer scratch, long at) {
        if (!trySetInt(fd, SOL_SOCKET, force, BUFFER_BYTES, scratch, at)) {
            trySetInt(fd, SOL_SOCKET, plain, BUFFER_BYTES, scratch, at);
        }
    }

    /** The UDP port bound. */
    public int port() {
        return port;
    }

    /** Whether receives may hold coalesced datagrams (UDP_GRO is on). */
    public boolean gro() {
        return gro;
    }

    /**
     * Writes {@code endpoint} as this socket's sockaddr into {@code out} at {@code offset} ({@link
     * #SOCKADDR_LENGTH} bytes of room); returns its length. Control path (allocates).
     */
    public int sockaddr(InetSocketAddress endpoint, ByteBuffer out, int offset) {
        InetAddress address = endpoint.getAddress();
        for (int i = 0; i < SOCKADDR_LENGTH; i++) {
            out.put(offset + i, (byte) 0);
        }
        byte[] bytes = address.getAddress();
        if (family == AF_INET) {
            out.order(ByteOrder.nativeOrder()).putShort(offset, (short) AF_INET);
            out.put(offset + 2, (byte) (endpoint.getPort() >>> 8));
            out.put(offset + 3, (byte) endpoint.getPort());
            out.put(offset + 4, bytes, 0, Math.min(4, bytes.length));
            return 16;
        }
        out.order(ByteOrder.nativeOrder()).putShort(offset, (short) AF_INET6);
        out.put(offset + 2, (byte) (endpoint.getPort() >>> 8));
        out.put(offset + 3, (byte) endpoint.getPort());
        if (address instanceof Inet4Address) {
            out.put(offset + 18, (byte) 0xff);
            out.put(offset + 19, (byte) 0xff);
            out.put(offset + 20, bytes);
        } else {
            out.put(offset + 8, bytes);
            if (address instanceof Inet6Address v6 && v6.getScopeId() != 0) {
                out.putInt(offset + 24, v6.getScopeId());
            }
        }
        return SOCKADDR_LENGTH;
    }

    /**
     * Writes {@code to} as this socket's sockaddr into {@code out} at {@code offset}; returns its
     * length. Allocation-free.
     */
    public int sockaddr(dev.sluice.daemon.dataplane.Endpoint to, ByteBuffer out, int offset) {
        for (int i = 0; i < SOCKADDR_LENGTH; i++) {
            out.put(offset + i, (byte) 0);
        }
        ByteBuffer nativeOrder = out.order(ByteOrder.nativeOrder());
        if (family == AF_INET) {
            nativeOrder.putShort(offset, (short) AF_INET);
            out.put(offset + 2, (byte) (to.port() >>> 8));
            out.put(offset + 3, (byte) to.port());
            out.order(ByteOrder.BIG_ENDIAN).putInt(offset + 4, (int) to.low());
            out.order(ByteOrder.nativeOrder());
            return 16;
        }
        nativeOrder.putShort(offset, (short) AF_INET6);
        out.put(offset + 2, (byte) (to.port() >>> 8));
        out.put(offset + 3, (byte) to.port());
        out.order(ByteOrder.BIG_ENDIAN);
        out.putLong(offset + 8, to.high());
        out.putLong(offset + 16, to.low());
        out.order(ByteOrder.nativeOrder());
        return SOCKADDR_LENGTH;
    }

    /** The address of a sockaddr this socket received from. Control path (allocates). */
    public static InetSocketAddress endpoint(ByteBuffer sockaddr, int offset) {
        ByteBuffer native_ = sockaddr.duplicate().order(ByteOrder.nativeOrder());
        int family = native_.getShort(offset);
        int port = ((sockaddr.get(offset + 2) & 0xff) << 8) | (sockaddr.get(offset + 3) & 0xff);
        byte[] bytes;
        if (family == AF_INET) {
            bytes = new byte[4];
            sockaddr.get(offset + 4, bytes);
        } else {
            bytes = new byte[16];
            sockaddr.get(offset + 8, bytes);
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= bytes[i] == 0;
            }
            if (mapped && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff) {
                bytes = java.util.Arrays.copyOfRange(bytes, 12, 16);
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a sockaddr of the kernel's is unreadable", e);
        }
    }

    /** A sender's own message header and control buffer (one per sending thread). */
    public Sender sender() {
        return new Sender();
    }

    /** Sends through this socket; one per thread, allocation-free. */
    public final class Sender {
        private final ByteBuffer header =
                ByteBuffer.allocateDirect(56 + 24 + 16).order(ByteOrder.nativeOrder());
        private final long headerAddress = TunDevice.address(header);
        private final long controlAddress = headerAddress + 56;
        private final long singleIovec = headerAddress + 56 + 24;

        private Sender() {}

        /**
         * Sends {@code count} iovecs as datagrams of {@code segmentBytes} each (the last may be
         * shorter) to the sockaddr at {@code sockaddrAddress}: one sendmsg, segmented by the kernel
         * when there is more than one datagram.
         *
         * @return bytes sent, or -errno (EAGAIN: the socket buffer is full)
         */
        public long sendSegments(
                long iovecs,
                int count,
                long sockaddrAddress,
                int sockaddrLength,
                long totalBytes,
                int segmentBytes) {
            header.putLong(0, sockaddrAddress);
            header.putInt(8, sockaddrLength);
            header.putLong(16, iovecs);
            header.putLong(24, count);
            if (totalBytes > segmentBytes) {
                header.putLong(56, 18); // CMSG_LEN(sizeof(uint16_t))
                header.putInt(64, SOL_UDP);
                header.putInt(68, UDP_SEGMENT);
                header.putShort(72, (short) segmentBytes);
                header.putLong(32, controlAddress);
                header.putLong(40, 24); // CMSG_SPACE(sizeof(uint16_t))
            } else {
                header.putLong(32, 0);
                header.putLong(40, 0);
            }
            header.putInt(48, 0);
            long sent = LibC.sendmsg(fd, headerAddress, 0);
            return sent >= 0 ? sent : -Native.getLastError();
        }

        /** One datagram from a raw address. */
        public long send(long data, int length, long sockaddrAddress, int sockaddrLength) {
            header.putLong(80, data);
            header.putLong(88, length);
            return sendSegments(singleIovec, 1, sockaddrAddress, sockaddrLength, length, length);
        }
    }

    /**
     * Waits up to {@code timeoutMs} (-1: without limit) for datagrams or {@link #wakeReader()};
     * true when datagrams are waiting. For the one receiving thread.
     */
    public boolean awaitReadable(int timeoutMs) {
        if (closed) {
            return false;
        }
        return readable.await(timeoutMs) > 0;
    }

    /** Makes a waiting {@link #awaitReadable} return now (any thread). */
    public void wakeReader() {
        readable.wake();
    }

    /**
     * Receives up to {@code batch.slots()} messages without waiting.
     *
     * @return messages received (0 when none), or -errno
     */
    public int receive(ReceiveBatch batch) {
        batch.prepare();
        int n = LibC.recvmmsg(fd, batch.vectorAddress(), batch.slots(), MSG_DONTWAIT, 0);
        if (n < 0) {
            int errno = Native.getLastError();
            return errno == Errno.EAGAIN || errno == Errno.EINTR ? 0 : -errno;
        }
        batch.received(n);
        return n;
    }

    int fd() {
        return fd;
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
