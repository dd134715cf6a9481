package dev.sluice.daemon.transport;

import dev.sluice.daemon.dataplane.DatagramReceiver;
import dev.sluice.daemon.dataplane.DatagramTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadFactory;

/**
 * Two epoll datagram channels (IPv4 on 0.0.0.0, IPv6 on [::] with IPV6_V6ONLY) on one port, one
 * event-loop thread ("sluice-inbound") for both.
 *
 * <p>Options: {@code SO_MARK} (so the policy rule "fwmark lookup main" lets the daemon's own
 * datagrams out), 4 MiB socket buffers, and {@code MAX_DATAGRAM_PAYLOAD_SIZE} so that Netty reads
 * up to 16 datagrams per {@code recvmmsg}.
 */
public final class NettyDatagramTransport implements DatagramTransport {
    private static final int SOL_SOCKET = 1;
    private static final int SO_MARK = 36;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int MAX_DATAGRAM = 2048;
    private static final int SOCKET_BUFFER = 4 << 20;

    private final EventLoopGroup group;
    private final Channel v4;
    private final Channel v6;
    private final int port;

    private NettyDatagramTransport(EventLoopGroup group, Channel v4, Channel v6, int port) {
        this.group = group;
        this.v4 = v4;
        this.v6 = v6;
        this.port = port;
    }

    /**
     * Binds both sockets on {@code port} (0: any free port, the same for both).
     *
     * @param fwmark the firewall mark of every datagram sent (0: none)
     * @throws UncheckedIOException naming the port when a bind fails
     */
    public static NettyDatagramTransport open(int port, int fwmark, DatagramReceiver receiver) {
        ThreadFactory threads =
                runnable -> {
                    Thread thread = new Thread(runnable, "sluice-inbound");
                    thread.setDaemon(true);
                    return thread;
                };
        EventLoopGroup group =
                new MultiThreadIoEventLoopGroup(1, threads, EpollIoHandler.newFactory());
        try {
            Channel v4 =
                    bind(
                            group,
                            SocketProtocolFamily.INET,
                            new InetSocketAddress("0.0.0.0", port),
                            fwmark,
                            receiver);
            int bound = ((InetSocketAddress) v4.localAddress()).getPort();
            Channel v6 =
                    bind(
                            group,
                            SocketProtocolFamily.INET6,
                            new InetSocketAddress("::", bound),
                            fwmark,
                            receiver);
            return new NettyDatagramTransport(group, v4, v6, bound);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            throw e;
        }
    }

    private static Channel bind(
            EventLoopGroup group,
            SocketProtocolFamily family,
            InetSocketAddress address,
            int fwmark,
            DatagramReceiver receiver) {
        Bootstrap bootstrap =
                new Bootstrap()
                        .group(group)
                        .channelFactory(() -> new EpollDatagramChannel(family))
                        .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                        .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                        .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
                        .option(
                                ChannelOption.RECVBUF_ALLOCATOR,
                                new FixedRecvByteBufAllocator(MAX_DATAGRAM * 16))
                        .handler(new Receive(receiver));
        if (fwmark != 0) {
            bootstrap.option(new IntegerUnixChannelOption("SO_MARK", SOL_SOCKET, SO_MARK), fwmark);
        }
        if (family == SocketProtocolFamily.INET6) {
            bootstrap.option(
                    new IntegerUnixChannelOption("IPV6_V6ONLY", IPPROTO_IPV6, IPV6_V6ONLY), 1);
        }
        try {
            return bootstrap.bind(address).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding UDP " + address, e);
        } catch (Exception e) {
            throw new UncheckedIOException(
                    new java.io.IOException(
                            "cannot bind UDP " + address + ": " + e.getMessage(), e));
        }
    }

    /** Hands each datagram to the receiver without copying (the buffer is released after). */
    private static final class Receive extends ChannelInboundHandlerAdapter {
        private final DatagramReceiver receiver;

        Receive(DatagramReceiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            DatagramPacket packet = (DatagramPacket) message;
            try {
                ByteBuf content = packet.content();
                int length = content.readableBytes();
                if (content.nioBufferCount() == 1) {
                    ByteBuffer view = content.internalNioBuffer(content.readerIndex(), length);
                    receiver.onDatagram(
                            view, view.position(), length, packet.sender(), System.nanoTime());
                } else {
                    ByteBuffer copy = ByteBuffer.allocate(length);
                    content.getBytes(content.readerIndex(), copy);
                    receiver.onDatagram(copy, 0, length, packet.sender(), System.nanoTime());
                }
            } finally {
                packet.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.getLogger(NettyDatagramTransport.class.getName())
                    .log(System.Logger.Level.WARNING, "UDP receive error: " + cause.getMessage());
        }
    }

    @Override
    public void send(ByteBuffer buffer, int offset, int length, InetSocketAddress endpoint) {
        Channel channel = endpoint.getAddress() instanceof Inet4Address ? v4 : v6;
        ByteBuf copy = channel.alloc().directBuffer(length);
        copy.writeBytes(buffer.duplicate().position(offset).limit(offset + length));
        channel.write(new DatagramPacket(copy, endpoint), channel.voidPromise());
    }

    @Override
    public void flush() {
        v4.flush();
        v6.flush();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() {
        v4.close().syncUninterruptibly();
        v6.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
