package dev.sluice.daemon.platform.darwin;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The libc functions of macOS Sluice calls that have fixed arguments, by JNA direct mapping;
 * pointers on the data path are raw addresses so that reads and writes allocate nothing. The
 * variadic ones ({@code ioctl}, {@code fcntl}) are in {@link DarwinVariadic}: on Apple Silicon a
 * variadic argument travels on the stack, not in a register, so it must be declared variadic.
 * Loaded on macOS only (its static initializer binds libc).
 */
final class DarwinLibC {
    static {
        Native.register(NativeLibrary.getInstance("c"));
    }

    static final int AF_INET = 2;
    static final int AF_INET6 = 30;
    static final int PF_ROUTE = 17;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int F_SETFD = 2;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int FD_CLOEXEC = 1;
    static final int O_NONBLOCK = 0x0004;
    static final int MSG_DONTWAIT = 0x80;
    static final short POLLIN = 0x1;
    static final int CTL_NET = 4;
    static final int NET_RT_DUMP2 = 7;
    static final int ENOMEM = 12;

    private DarwinLibC() {}

    static native int socket(int domain, int type, int protocol);

    static native int close(int fd);

    static native int connect(int fd, byte[] address, int length);

    static native int getsockopt(int fd, int level, int option, byte[] value, int[] length);

    static native int setsockopt(int fd, int level, int option, byte[] value, int length);

    static native long send(int fd, byte[] buffer, long length, int flags);

    static native long recv(int fd, byte[] buffer, long length, int flags);

    /** readv(fd, iov, iovcnt) with the iovec array at a raw address. */
    static native long readv(int fd, long iov, int count);

    /** writev(fd, iov, iovcnt) with the iovec array at a raw address. */
    static native long writev(int fd, long iov, int count);

    /** poll(struct pollfd *fds, nfds_t nfds, int timeout_ms), fds at a raw address. */
    static native int poll(long fds, int count, int timeoutMs);

    static native int sysctl(
            int[] name, int nameLength, byte[] old, long[] oldLength, Pointer value, long length);

    static native int if_nametoindex(String name);

    static native int getpid();

    /** The errno of the last native call on this thread. */
    static int errno() {
        return Native.getLastError();
    }

    /** The raw address of a direct buffer (look it up once per buffer). */
    static long address(java.nio.ByteBuffer direct) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }
}
