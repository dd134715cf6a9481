package dev.sluice.daemon.platform.linux;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A NETLINK_ROUTE socket: requests are sent with NLM_F_ACK and their acknowledgement awaited, so
 * each operation either succeeds or fails with the errno named and the kernel's extended-ack
 * message when it gives one; dumps collect every reply until NLMSG_DONE.
 *
 * <p>One thread at a time. Control path only (allocates).
 */
public final class NetlinkSocket implements Closeable {
    private static final int RECEIVE_BUFFER = 1 << 20;

    private final int fd;
    private final byte[] receive = new byte[RECEIVE_BUFFER];
    private int sequence = (int) (System.nanoTime() & 0x7fffffff);

    /** For a monitor ({@link #subscribe}): its sleep until notifications or a wake-up. */
    private ReadableWait readable;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    public static NetlinkSocket open() throws NativeException {
        return open(0);
    }

    /**
     * A socket that also receives the notifications of the multicast {@code groups} (the legacy
     * {@code RTMGRP_*} bit mask), for monitoring; {@link #awaitNotifications} reads them.
     */
    public static NetlinkSocket subscribe(int groups) throws NativeException {
        NetlinkSocket socket = open(groups);
        try {
            socket.readable = ReadableWait.on(socket.fd);
        } catch (NativeException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /**
     * Sleeps until notifications arrive, {@link #wakeUp} is called or {@code timeoutMs} passes
     * (negative: no timeout), and reads what arrived. No timer: an idle monitor costs nothing.
     *
     * @return how many notification messages were read (0 on timeout or wake-up); an overrun of the
     *     socket buffer (ENOBUFS: events were lost) counts as one, so the caller re-checks
     *     everything
     */
    public int awaitNotifications(int timeoutMs) throws NativeException {
        int ready = readable.await(timeoutMs);
        if (ready < 0) {
            if (-ready == Errno.EINTR) {
                return 0;
            }
            throw new NativeException("poll the netlink monitor", -ready);
        }
        if (ready == 0) {
            return 0;
        }
        long n = LibC.recv(fd, receive, receive.length, LibC.MSG_DONTWAIT);
        if (n < 0) {
            int errno = Errno.last();
            if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                return 0;
            }
            if (errno == Errno.ENOBUFS) {
                return 1;
            }
            throw new NativeException("receive netlink notifications", errno);
        }
        int count = 0;
        ByteBuffer view = ByteBuffer.wrap(receive, 0, (int) n).order(ByteOrder.nativeOrder());
        int at = 0;
        while (at + NetlinkMessage.HEADER_LENGTH <= n) {
            int messageLength = view.getInt(at);
            if (messageLength < NetlinkMessage.HEADER_LENGTH) {
                break;
            }
            count++;
            at += (messageLength + 3) & ~3;
        }
        return Math.max(count, 1);
    }

    /** Makes a waiting {@link #awaitNotifications} return now (to stop the monitor). Any thread. */
    public void wakeUp() {
        if (readable != null) {
            readable.wake();
        }
    }

    private static NetlinkSocket open(int groups) throws NativeException {
        int fd =
                LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
        if (fd < 0) {
            throw new NativeException("socket(AF_NETLINK, NETLINK_ROUTE)", Errno.last());
        }
        byte[] address = new byte[12]; // sockaddr_nl { u16 family; u16 pad; u32 pid; u32 groups; }
        address[0] = (byte) LibC.AF_NETLINK;
        ByteBuffer.wrap(address).order(ByteOrder.nativeOrder()).putInt(8, groups);
        if (LibC.bind(fd, address, address.length) < 0) {
            int errno = Errno.last();
            LibC.close(fd);
            throw new NativeException("bind netlink socket", errno);
        }
        byte[] one = {1, 0, 0, 0};
        LibC.setsockopt(fd, LibC.SOL_NETLINK, LibC.NETLINK_EXT_ACK, one, 4); // best effort
        return new NetlinkSocket(fd);
    }

    /**
     * Sends {@code message} and waits for its acknowledgement.
     *
     * @param what describes the operation for the error message ("add route 0.0.0.0/0 table 51820")
     * @throws NativeException when the kernel refuses it
     */
    public void request(NetlinkMessage message, String what) throws NativeException {
        int seq = ++sequence;
        send(message.build(seq), what);
        while (true) {
            int length = receive(what);
            ByteBuffer view = ByteBuffer.wrap(receive, 0, length).order(ByteOrder.nativeOrder());
            int at = 0;
            while (at + NetlinkMessage.HEADER_LENGTH <= length) {
                int messageLength = view.getInt(at);
                int type = view.getShort(at + 4) & 0xffff;
                int flags = view.getShort(at + 6) & 0xffff;
                int replySeq = view.getInt(at + 8);
                if (messageLength < NetlinkMessage.HEADER_LENGTH || at + messageLength > length) {
                    throw new NativeException(what + " (malformed netlink reply)", Errno.EINVAL);
                }
                if (replySeq == seq && type == NetlinkMessage.NLMSG_ERROR) {
                    int error = -view.getInt(at + 16);
                    if (error == 0) {
                        return;
                    }
                    String extended = extendedAck(view, at, messageLength, flags);
                    throw new NativeException(
                            what + (extended == null ? "" : " [" + extended + "]"), error);
                }
                at += (messageLength + 3) & ~3;
            }
        }
    }

    /** The NLMSGERR_ATTR_MSG text of an error reply, if the kernel sent one. */
    private static String extendedAck(ByteBuffer view, int at, int messageLength, int flags) {
        final int nlmCapped = 0x100;
        final int nlmAckTlvs = 0x200;
        if ((flags & nlmAckTlvs) == 0) {
            return null;
        }
        int original = view.getInt(at + 20);
        int tlv = at + 20 + ((flags & nlmCapped) != 0 ? NetlinkMessage.HEADER_LENGTH : original);
        int end = at + messageLength;
        while (tlv + 4 <= end) {
            int attributeLength = view.getShort(tlv) & 0xffff;
            int attributeType = view.getShort(tlv + 2) & 0xffff;
            if (attributeLength < 4 || tlv + attributeLength > end) {
                return null;
            }
            if (attributeType == 1) { // NLMSGERR_ATTR_MSG
                int textLength = attributeLength - 4;
                while (textLength > 0 && view.get(tlv + 4 + textLength - 1) == 0) {
                    textLength--;
                }
                return new String(view.array(), tlv + 4, textLength, StandardCharsets.UTF_8);
            }
            tlv += (attributeLength + 3) & ~3;
        }
        return null;
    }

    /** Sends a dump request and hands every reply message (header included) to {@code sink}. */
    public void dump(NetlinkMessage message, String what, Consumer<ByteBuffer> sink)
            throws NativeException {
        int seq = ++sequence;
        send(message.build(seq), what);
        while (true) {
            int length = receive(what);
            ByteBuffer view = ByteBuffer.wrap(receive, 0, length).order(ByteOrder.nativeOrder());
            int at = 0;
            while (at + NetlinkMessage.HEADER_LENGTH <= length) {
                int messageLength = view.getInt(at);
                int type = view.getShort(at + 4) & 0xffff;
                if (messageLength < NetlinkMessage.HEADER_LENGTH || at + messageLength > length) {
                    throw new NativeException(what + " (malformed netlink reply)", Errno.EINVAL);
                }
                if (view.getInt(at + 8) == seq) {
                    if (type == NetlinkMessage.NLMSG_DONE) {
                        return;
                    }
                    if (type == NetlinkMessage.NLMSG_ERROR) {
                        int error = -view.getInt(at + 16);
                        if (error != 0) {
                            throw new NativeException(what, error);
                        }
                        return;
                    }
                    byte[] copy = new byte[messageLength];
                    view.get(at, copy);
                    sink.accept(ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder()));
                }
                at += (messageLength + 3) & ~3;
            }
        }
    }

    /** Convenience: all replies of a dump. */
    public List<ByteBuffer> dump(NetlinkMessage message, String what) throws NativeException {
        List<ByteBuffer> replies = new ArrayList<>();
        dump(message, what, replies::add);
        return replies;
    }

    private void send(byte[] bytes, String what) throws NativeException {
        if (LibC.send(fd, bytes, bytes.length, 0) < 0) {
            throw new NativeException(what + " (send)", Errno.last());
        }
    }

    private int receive(String what) throws NativeException {
        while (true) {
            long n = LibC.recv(fd, receive, receive.length, 0);
            if (n >= 0) {
                return (int) n;
            }
            int errno = Errno.last();
            if (errno != Errno.EINTR) {
                throw new NativeException(what + " (receive)", errno);
            }
        }
    }

    @Override
    public void close() {
        LibC.close(fd);
        if (readable != null) {
            readable.close();
        }
    }
}
