package dev.sluice.daemon.platform.darwin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** A real {@code PF_ROUTE} socket and {@code sysctl} through JNA: thin over the codec. */
final class NativeRoutingKernel implements RoutingKernel {
    private static final int MAX_MESSAGE = 4096;

    private final int fd;
    private final ByteBuffer pollfd = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    private final long pollfdAddress;
    private final byte[] receive = new byte[MAX_MESSAGE];
    private volatile boolean closed;

    private NativeRoutingKernel(int fd) {
        this.fd = fd;
        this.pollfdAddress = DarwinLibC.address(pollfd);
        pollfd.putInt(0, fd);
        pollfd.putShort(4, DarwinLibC.POLLIN);
    }

    /** Opens {@code socket(PF_ROUTE, SOCK_RAW, AF_UNSPEC)}: changes of every family. */
    static NativeRoutingKernel open() throws SystemCallException {
        int fd = DarwinLibC.socket(DarwinLibC.PF_ROUTE, DarwinLibC.SOCK_RAW, 0);
        if (fd < 0) {
            throw new SystemCallException("socket(PF_ROUTE)", DarwinLibC.errno());
        }
        return new NativeRoutingKernel(fd);
    }

    @Override
    public void write(byte[] message) throws SystemCallException {
        if (DarwinLibC.send(fd, message, message.length, 0) < 0) {
            throw new SystemCallException("write to the routing socket", DarwinLibC.errno());
        }
    }

    @Override
    public synchronized byte[] read(int timeoutMs) throws IOException {
        pollfd.putShort(6, (short) 0);
        int ready = DarwinLibC.poll(pollfdAddress, 1, timeoutMs);
        if (ready <= 0) {
            return null;
        }
        long n = DarwinLibC.recv(fd, receive, receive.length, DarwinLibC.MSG_DONTWAIT);
        if (n < 0) {
            int errno = DarwinLibC.errno();
            if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                return null;
            }
            throw new SystemCallException("read from the routing socket", errno);
        }
        return Arrays.copyOf(receive, (int) n);
    }

    @Override
    public byte[] dump() throws IOException {
        int[] mib = {DarwinLibC.CTL_NET, DarwinLibC.PF_ROUTE, 0, 0, DarwinLibC.NET_RT_DUMP2, 0};
        for (int attempt = 0; attempt < 5; attempt++) {
            long[] length = {0};
            if (DarwinLibC.sysctl(mib, mib.length, null, length, null, 0) < 0) {
                throw new SystemCallException("sysctl NET_RT_DUMP2 (size)", DarwinLibC.errno());
            }
            byte[] buffer = new byte[(int) (length[0] + length[0] / 4 + 1024)];
            length[0] = buffer.length;
            if (DarwinLibC.sysctl(mib, mib.length, buffer, length, null, 0) == 0) {
                return Arrays.copyOf(buffer, (int) length[0]);
            }
            int errno = DarwinLibC.errno();
            if (errno != DarwinLibC.ENOMEM) {
                throw new SystemCallException("sysctl NET_RT_DUMP2", errno);
            }
            // the table grew between the two calls: ask again
        }
        throw new IOException("sysctl NET_RT_DUMP2: the routing table keeps growing");
    }

    @Override
    public int interfaceIndex(String name) {
        return DarwinLibC.if_nametoindex(name);
    }

    @Override
    public int pid() {
        return DarwinLibC.getpid();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DarwinLibC.close(fd);
        }
    }
}
