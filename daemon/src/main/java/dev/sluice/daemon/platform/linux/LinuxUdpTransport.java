package dev.sluice.daemon.platform.linux;

import dev.sluice.daemon.dataplane.DatagramReceiver;
import dev.sluice.daemon.dataplane.DatagramSource;
import dev.sluice.daemon.dataplane.DatagramTransport;
import dev.sluice.daemon.dataplane.Endpoint;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The WireGuard UDP transport on Linux: one {@link UdpSocket} (dual-stack, marked), sends of many
 * datagrams in one sendmsg with UDP GSO, and a receive thread ({@code sluice-inbound}) that sleeps
 * in poll(2) until datagrams come, takes up to {@link #SLOTS} messages per recvmmsg(2) (each
 * possibly several datagrams coalesced by UDP GRO) and hands each datagram to the receiver where it
 * lies, then tells it the batch ended.
 *
 * <p>A kernel that refuses a segmented send (no UDP GSO, or a device that cannot do it) is noticed
 * at the first refusal: from then on each datagram goes on its own, with one log line.
 *
 * <p>Thread-safety: sends from any thread (each thread keeps its own message header and sockaddr
 * memory); the receiver runs on the receive thread only. Allocation-free on the data path.
 */
public final class LinuxUdpTransport implements DatagramTransport {
    private static final Logger LOG = System.getLogger(LinuxUdpTransport.class.getName());

    /** Messages per recvmmsg. */
    static final int SLOTS = 32;

    /** Slots with UDP GRO, where one slot may carry 64 KB of coalesced datagrams. */
    static final int GRO_SLOTS = 16;

    private final UdpSocket socket;
    private final DatagramReceiver receiver;
    private final ReceiveBatch batch;
    private final Thread thread;
    private final ThreadLocal<SendState> senders;
    private volatile boolean segmentation;
    private volatile boolean running = true;

    private final class SendState {
        final UdpSocket.Sender sender = socket.sender();
        final ByteBuffer sockaddr =
                ByteBuffer.allocateDirect(UdpSocket.SOCKADDR_LENGTH).order(ByteOrder.nativeOrder());
        final long sockaddrAddress = TunDevice.address(sockaddr);
        final RecentBufferAddresses addresses = new RecentBufferAddresses();
        Endpoint written;
        int writtenLength;

        /** The sockaddr of {@code to} in this thread's memory (written when it changes). */
        int sockaddr(Endpoint to) {
            if (written != to) {
                writtenLength = socket.sockaddr(to, sockaddr, 0);
                written = to;
            }
            return writtenLength;
        }

        long address(ByteBuffer buffer) {
            return addresses.of(buffer);
        }
    }

    private LinuxUdpTransport(UdpSocket socket, DatagramReceiver receiver, boolean segmentation) {
        this.socket = socket;
        this.receiver = receiver;
        this.segmentation = segmentation;
        this.batch =
                socket.gro() ? new ReceiveBatch(GRO_SLOTS, 65_536) : new ReceiveBatch(SLOTS, 2_048);
        this.senders = ThreadLocal.withInitial(SendState::new);
        this.thread = new Thread(this::receive, "sluice-inbound");
        thread.setDaemon(true);
    }

    /**
     * Opens the socket and starts the receive thread.
     *
     * @param offloads use UDP GSO and GRO (per-datagram sends and receives without)
     */
    public static LinuxUdpTransport open(
            int port, int fwMark, boolean offloads, DatagramReceiver receiver) {
        UdpSocket socket;
        try {
            socket = UdpSocket.open(port, fwMark, offloads);
        } catch (NativeException e) {
            throw new UncheckedIOException(e);
        }
        LinuxUdpTransport transport = new LinuxUdpTransport(socket, receiver, offloads);
        transport.thread.start();
        return transport;
    }

    private void receive() {
        Source source = new Source();
        while (running) {
            if (!socket.awaitReadable(-1)) {
                continue;
            }
            int count;
            while ((count = socket.receive(batch)) > 0) {
                long nowNs = System.nanoTime();
                ByteBuffer data = batch.data();
                for (int i = 0; i < count; i++) {
                    source.read(batch, i);
                    int start = batch.offset(i);
                    int length = batch.length(i);
                    int segment = batch.segmentSize(i);
                    for (int at = 0; at < length; at += segment) {
                        receiver.onDatagram(
                                data, start + at, Math.min(segment, length - at), source, nowNs);
                    }
                }
                receiver.endOfBatch();
            }
            if (count < 0 && running) {
                LOG.log(Level.WARNING, "UDP receive failed with errno " + -count);
            }
        }
    }

    /** The source of the datagrams of one slot, decoded from its sockaddr without allocating. */
    private static final class Source implements DatagramSource {
        private ByteBuffer memory;
        private int offset;
        private long high;
        private long low;
        private int port;

        void read(ReceiveBatch batch, int slot) {
            memory = batch.sources();
            offset = batch.sourceOffset(slot);
            int family = memory.getShort(offset);
            port = ((memory.get(offset + 2) & 0xff) << 8) | (memory.get(offset + 3) & 0xff);
            if (family == UdpSocket.AF_INET) {
                high = 0;
                low =
                        0xffffL << 32
                                | (Integer.reverseBytes(memory.getInt(offset + 4)) & 0xffffffffL);
            } else {
                high = Long.reverseBytes(memory.getLong(offset + 8));
                low = Long.reverseBytes(memory.getLong(offset + 16));
            }
        }

        @Override
        public long high() {
            return high;
        }

        @Override
        public long low() {
            return low;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public InetSocketAddress toAddress() {
            return UdpSocket.endpoint(memory, offset);
        }
    }

    @Override
    public void send(ByteBuffer buffer, int offset, int length, InetSocketAddress endpoint) {
        SendState state = senders.get();
        int sockaddrLength = socket.sockaddr(endpoint, state.sockaddr, 0);
        state.written = null;
        ByteBuffer direct = buffer;
        int at = offset;
        if (!buffer.isDirect()) { // control path only: a copy is fine
            direct = ByteBuffer.allocateDirect(length).put(0, buffer, offset, length);
            at = 0;
        }
        long sent =
                state.sender.send(
                        TunDevice.address(direct) + at,
                        length,
                        state.sockaddrAddress,
                        sockaddrLength);
        if (sent < 0 && sent != -Errno.EAGAIN) {
            LOG.log(Level.DEBUG, "UDP send to " + endpoint + " failed with errno " + -sent);
        }
    }

    @Override
    public void sendSegments(
            ByteBuffer buffer, int offset, int totalLength, int segmentLength, Endpoint to) {
        SendState state = senders.get();
        int sockaddrLength = state.sockaddr(to);
        long base = state.address(buffer) + offset;
        if (segmentation && totalLength > segmentLength) {
            long sent =
                    state.sender.sendSegments(
                            iovec(state, base, totalLength),
                            1,
                            state.sockaddrAddress,
                            sockaddrLength,
                            totalLength,
                            segmentLength);
            if (sent >= 0 || sent == -Errno.EAGAIN) {
                return; // EAGAIN: the socket buffer is full, the datagrams are lost as on a wire
            }
            if (sent != -Errno.EINVAL && sent != -Errno.EIO && sent != -Errno.EOPNOTSUPP) {
                failed(sent);
                return;
            }
            segmentation = false;
            LOG.log(
                    Level.WARNING,
                    "this kernel refuses segmented UDP sends (errno "
                            + -sent
                            + "): sending each datagram on its own from now on");
        }
        for (int at = 0; at < totalLength; at += segmentLength) {
            long sent =
                    state.sender.send(
                            base + at,
                            Math.min(segmentLength, totalLength - at),
                            state.sockaddrAddress,
                            sockaddrLength);
            if (sent < 0 && sent != -Errno.EAGAIN) {
                failed(sent);
            }
        }
    }

    private volatile long lastFailureLogNs = Long.MIN_VALUE / 2;

    /** A send the kernel refused for another reason than a full buffer: logged, at most 1/s. */
    private void failed(long errno) {
        long nowNs = System.nanoTime();
        if (nowNs - lastFailureLogNs >= 1_000_000_000L) {
            lastFailureLogNs = nowNs;
            LOG.log(Level.WARNING, "UDP send refused with errno " + -errno);
        }
    }

    private final ThreadLocal<ByteBuffer> iovecs =
            ThreadLocal.withInitial(
                    () -> ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder()));

    private long iovec(SendState state, long base, long length) {
        ByteBuffer iovec = iovecs.get();
        iovec.putLong(0, base);
        iovec.putLong(8, length);
        return state.address(iovec);
    }

    @Override
    public boolean segments() {
        return segmentation;
    }

    @Override
    public boolean coalescesReceives() {
        return socket.gro();
    }

    @Override
    public void flush() {}

    @Override
    public int port() {
        return socket.port();
    }

    @Override
    public void close() {
        running = false;
        socket.wakeReader();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }
}
