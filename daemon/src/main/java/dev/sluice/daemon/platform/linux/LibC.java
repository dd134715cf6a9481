package dev.sluice.daemon.platform.linux;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The libc functions Sluice calls, by JNA direct mapping (a plain native call, about ten times
 * cheaper than interface mapping). Pointers are raw {@code long} addresses so that data-path calls
 * allocate nothing; {@code errno} is read afterwards with {@link Native#getLastError()}.
 */
final class LibC {
    static {
        Native.register(NativeLibrary.getInstance("c"));
    }

    static final int O_RDWR = 02;
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;
    static final int F_SETFL = 4;
    static final int F_GETFL = 3;

    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 02000000;
    static final int NETLINK_ROUTE = 0;
    static final int SOL_SOCKET = 1;
    static final int SOL_NETLINK = 270;
    static final int SO_RCVBUF = 8;
    static final int MSG_DONTWAIT = 0x40;
    static final int NETLINK_EXT_ACK = 11;

    static final short POLLIN = 0x1;

    private LibC() {}

    static native int open(String path, int flags);

    static native int close(int fd);

    static native int fcntl(int fd, int command, int argument);

    /** ioctl with a pointer argument (a struct in a Java array, copied in and out). */
    static native int ioctl(int fd, long request, byte[] argument);

    /** ioctl with an integer argument passed by value (TUNSETOFFLOAD). */
    static native int ioctl(int fd, long request, long value);

    static native long read(int fd, long buffer, long count);

    static native long write(int fd, long buffer, long count);

    /** poll(struct pollfd *fds, nfds_t nfds, int timeout_ms), fds at a raw address. */
    static native int poll(long fds, long count, int timeoutMs);

    static native int eventfd(int initialValue, int flags);

    /** writev(int fd, const struct iovec *iov, int iovcnt), iov at a raw address. */
    static native long writev(int fd, long iov, int count);

    static native int socket(int domain, int type, int protocol);

    /** sendmsg(int fd, const struct msghdr *msg, int flags), msg at a raw address. */
    static native long sendmsg(int fd, long message, int flags);

    /** recvmmsg(fd, struct mmsghdr *vec, unsigned vlen, int flags, struct timespec *timeout). */
    static native int recvmmsg(int fd, long messages, int count, int flags, long timeout);

    /** bind with a sockaddr at a raw address. */
    static native int bind(int fd, long address, int length);

    /** getsockname with a sockaddr and its socklen_t at raw addresses. */
    static native int getsockname(int fd, long address, long length);

    /** setsockopt with the value at a raw address. */
    static native int setsockopt(int fd, int level, int option, long value, int length);

    static native int bind(int fd, byte[] address, int length);

    static native long send(int fd, byte[] buffer, long length, int flags);

    static native long recv(int fd, byte[] buffer, long length, int flags);

    static native int setsockopt(int fd, int level, int option, byte[] value, int length);

    static native int if_nametoindex(String name);

    static native String strerror(int errno);

    static native int getpid();

    /** Size of {@code struct timex} on LP64 Linux. */
    static final int TIMEX_BYTES = 208;

    /** adjtimex(2) result: the clock is not synchronized. */
    static final int TIME_ERROR = 5;

    /**
     * adjtimex(2) on a {@code struct timex} ({@code modes} 0: read only, no privilege needed);
     * returns the clock state; {@code maxerror} (microseconds) is the long at byte 24.
     */
    static native int adjtimex(byte[] timex);
}
