package dev.sluice.daemon.platform.darwin;

import dev.sluice.daemon.dataplane.AddressSource;
import dev.sluice.daemon.dataplane.DatagramReceiver;
import dev.sluice.daemon.dataplane.DatagramTransport;
import dev.sluice.routing.IpFamily;
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
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's UDP sockets on macOS: two Netty NIO datagram channels (IPv4 on 0.0.0.0, IPv6 on
 * [::]) on one port, one event-loop thread. macOS has no socket marks; instead each socket is bound
 * to the primary interface of its family ({@link #bindTo}, {@code IP_BOUND_IF}/{@code
 * IPV6_BOUND_IF}), so the datagrams to the peers leave outside the tunnel whatever the routes say,
 * and is bound again when the primary interface changes. The kernel strategy's bypass route for
 * each endpoint host stays as well (the endpoints are part of the policy's bypass set): it carries
 * the datagrams until the monitor first binds the sockets, and wherever binding failed.
 *
 * <p>The descriptor of each socket is read through the JDK's {@code sun.nio.ch.SelChImpl}, which
 * the launcher exports ({@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}); without it the
 * sockets stay unbound and a warning says so.
 */
final class NioDatagramTransport implements DatagramTransport {
    private static final Logger LOG = System.getLogger(NioDatagramTransport.class.getName());
    private static final int SOCKET_BUFFER = 4 << 20;
    private static final int MAX_DATAGRAM = 2048;

    private final EventLoopGroup group;
    private final Channel v4;
    private final Channel v6;
    private final int port;
    private final int v4Descriptor;
    private final int v6Descriptor;
    private final BoundInterface.SocketOptions options;
    private int v4Interface = -1;
    private int v6Interface = -1;

    NioDatagramTransport(
            EventLoopGroup group,
            Channel v4,
            Channel v6,
            int port,
            int v4Descriptor,
            int v6Descriptor,
            BoundInterface.SocketOptions options) {
        this.group = group;
        this.v4 = v4;
        this.v6 = v6;
        this.port = port;
        this.v4Descriptor = v4Descriptor;
        this.v6Descriptor = v6Descriptor;
        this.options = options;
    }

    /**
     * Binds each socket to {@code underlay}'s interface of its family (index 0, when the family has
     * no default route, removes the binding); a socket already bound there is left alone. A failure
     * is logged, and the socket then follows the routes (the endpoint's bypass route).
     */
    synchronized void bindTo(Underlay underlay) {
        v4Interface = bind(v4Descriptor, IpFamily.IPV4, underlay.ipv4Interface(), v4Interface);
        v6Interface = bind(v6Descriptor, IpFamily.IPV6, underlay.ipv6Interface(), v6Interface);
    }

    private int bind(int descriptor, IpFamily family, int wanted, int bound) {
        if (wanted == bound) {
            return bound;
        }
        if (descriptor < 0) {
            LOG.log(
                    Level.WARNING,
                    "cannot bind the "
                            + family
                            + " UDP socket to interface "
                            + wanted
                            + ": its descriptor is not readable (java needs --add-exports"
                            + " java.base/sun.nio.ch=ALL-UNNAMED); it follows the routes");
            return bound;
        }
        try {
            BoundInterface.bind(options, descriptor, family, wanted);
            LOG.log(Level.INFO, family + " UDP socket bound to interface index " + wanted);
            return wanted;
        } catch (IOException e) {
            LOG.log(Level.WARNING, e.getMessage() + "; the socket follows the routes");
            return -1;
        }
    }

    /**
     * The file descriptor of a JDK channel, or -1 when the JDK does not let it be read (see the
     * class comment).
     */
    static int descriptor(java.nio.channels.DatagramChannel channel) {
        try {
            Class<?> selectable = Class.forName("sun.nio.ch.SelChImpl");
            return selectable.isInstance(channel)
                    ? (int) selectable.getMethod("getFDVal").invoke(channel)
                    : -1;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
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
            java.nio.channels.DatagramChannel v4Socket = open(StandardProtocolFamily.INET);
            Channel v4 = bind(group, v4Socket, new InetSocketAddress("0.0.0.0", port), receiver);
            int bound = ((InetSocketAddress) v4.localAddress()).getPort();
            java.nio.channels.DatagramChannel v6Socket = open(StandardProtocolFamily.INET6);
            Channel v6 = bind(group, v6Socket, new InetSocketAddress("::", bound), receiver);
            return new NioDatagramTransport(
                    group,
                    v4,
                    v6,
                    bound,
                    descriptor(v4Socket),
                    descriptor(v6Socket),
                    BoundInterface.LIBC);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static java.nio.channels.DatagramChannel open(StandardProtocolFamily family) {
        try {
            return java.nio.channels.DatagramChannel.open(family);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    new IOException(
                            "cannot open a " + family + " UDP socket: " + e.getMessage(), e));
        }
    }

    private static Channel bind(
            EventLoopGroup group,
            java.nio.channels.DatagramChannel socket,
            InetSocketAddress address,
            DatagramReceiver receiver) {
        Bootstrap bootstrap =
                new Bootstrap()
                        .group(group)
                        .channelFactory(() -> new NioDatagramChannel(socket))
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
                    new IOException("cannot bind UDP " + address + ": " + e.getMessage(), e));
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
