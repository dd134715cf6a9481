package dev.sluice.daemon.platform.darwin;

import dev.sluice.daemon.dataplane.AddressSource;
import dev.sluice.daemon.dataplane.DatagramReceiver;
import dev.sluice.daemon.dataplane.DatagramTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's UDP sockets on macOS: two Netty NIO datagram channels (IPv4 on 0.0.0.0, IPv6 on
 * [::]) on one port, one event-loop thread. macOS has no socket marks; the datagrams reach the
 * peers outside the tunnel because the kernel strategy routes each endpoint host via the primary
 * gateway (the endpoint's bypass route, {@code DarwinRoutes}).
 */
final class NioDatagramTransport implements DatagramTransport {
    private static final int SOCKET_BUFFER = 4 << 20;
    private static final int MAX_DATAGRAM = 2048;

    private final EventLoopGroup group;
    private final Channel v4;
    private final Channel v6;
    private final int port;

    private NioDatagramTransport(EventLoopGroup group, Channel v4, Channel v6, int port) {
        this.group = group;
        this.v4 = v4;
        this.v6 = v6;
        this.port = port;
    }

    static NioDatagramTransport open(int port, DatagramReceiver receiver) {
        EventLoopGroup group =
                new MultiThreadIoEventLoopGroup(
                        1,
                        runnable -> {
                            Thread thread = new Thread(runnable, "sluice-inbound");
                            thread.setDaemon(true);
                            return thread;
                        },
                        NioIoHandler.newFactory());
        try {
            Channel v4 =
                    bind(
                            group,
                            SocketProtocolFamily.INET,
                            new InetSocketAddress("0.0.0.0", port),
                            receiver);
            int bound = ((InetSocketAddress) v4.localAddress()).getPort();
            Channel v6 =
                    bind(
                            group,
                            SocketProtocolFamily.INET6,
                            new InetSocketAddress("::", bound),
                            receiver);
            return new NioDatagramTransport(group, v4, v6, bound);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static Channel bind(
            EventLoopGroup group,
            SocketProtocolFamily family,
            InetSocketAddress address,
            DatagramReceiver receiver) {
        Bootstrap bootstrap =
                new Bootstrap()
                        .group(group)
                        .channelFactory(() -> new NioDatagramChannel(family))
                        .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                        .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                        .option(
                                ChannelOption.RCVBUF_ALLOCATOR,
                                new io.netty.channel.FixedRecvByteBufAllocator(MAX_DATAGRAM))
                        .handler(new Receive(receiver));
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

    /** Hands each datagram to the receiver (the buffer is released after). */
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
                ByteBuffer view = content.nioBuffer(content.readerIndex(), length);
                receiver.onDatagram(
                        view,
                        view.position(),
                        length,
                        new AddressSource(packet.sender()),
                        System.nanoTime());
                receiver.endOfBatch();
            } finally {
                packet.release();
            }
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
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
