package dev.sluice.daemon.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The forwarder's listening sockets: UDP and TCP on each address, port 53 unless told otherwise.
 * UDP queries get one datagram back (a 1 MiB receive buffer absorbs bursts; beyond it the kernel
 * drops and counts, and clients retry); TCP connections carry length-prefixed messages (RFC 1035
 * §4.2.2), answered in any order, and are closed after 30 s without traffic.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger LOG = System.getLogger(DnsServer.class.getName());
    private static final int MAX_MESSAGE = 65_535;
    private static final int TCP_IDLE_SECONDS = 30;

    /** Room for a burst of about a thousand queries before the kernel drops (and counts) more. */
    private static final int UDP_RECEIVE_BUFFER = 1 << 20;

    /** The largest UDP query read whole (EDNS allows up to 64 KiB; queries are small). */
    private static final int MAX_UDP_QUERY = 4096;

    private final List<Channel> channels;
    private final List<InetSocketAddress> addresses;

    private DnsServer(List<Channel> channels, List<InetSocketAddress> addresses) {
        this.channels = channels;
        this.addresses = addresses;
    }

    /**
     * Listens on every address of {@code required} (failure closes everything and throws naming the
     * address) and, where possible, of {@code optional} (failure is logged).
     */
    public static DnsServer start(
            EventLoopGroup group,
            List<InetSocketAddress> required,
            List<InetSocketAddress> optional,
            DnsForwarder forwarder)
            throws IOException {
        List<Channel> channels = new ArrayList<>();
        List<InetSocketAddress> bound = new ArrayList<>();
        try {
            for (InetSocketAddress address : required) {
                bind(group, address, forwarder, channels);
                bound.add(address);
            }
            for (InetSocketAddress address : optional) {
                try {
                    bind(group, address, forwarder, channels);
                    bound.add(address);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, e.getMessage() + " (continuing without it)");
                }
            }
        } catch (IOException | RuntimeException e) {
            channels.forEach(Channel::close);
            throw e;
        }
        return new DnsServer(channels, bound);
    }

    /** The addresses listened on. */
    public List<InetSocketAddress> addresses() {
        return addresses;
    }

    private static void bind(
            EventLoopGroup group,
            InetSocketAddress address,
            DnsForwarder forwarder,
            List<Channel> channels)
            throws IOException {
        SocketProtocolFamily family =
                address.getAddress() instanceof Inet4Address
                        ? SocketProtocolFamily.INET
                        : SocketProtocolFamily.INET6;
        List<Channel> these = new ArrayList<>();
        try {
            these.add(
                    new Bootstrap()
                            .group(group)
                            .channelFactory(() -> new EpollDatagramChannel(family))
                            .option(EpollChannelOption.IP_FREEBIND, true)
                            .option(ChannelOption.SO_RCVBUF, UDP_RECEIVE_BUFFER)
                            .option(
                                    ChannelOption.RECVBUF_ALLOCATOR,
                                    new FixedRecvByteBufAllocator(MAX_UDP_QUERY)
                                            .maxMessagesPerRead(64))
                            .handler(new UdpQueries(forwarder))
                            .bind(address)
                            .sync()
                            .channel());
            these.add(
                    new ServerBootstrap()
                            .group(group)
                            .channelFactory(() -> new EpollServerSocketChannel(family))
                            .option(EpollChannelOption.IP_FREEBIND, true)
                            .option(ChannelOption.SO_REUSEADDR, true)
                            .childHandler(
                                    new ChannelInitializer<SocketChannel>() {
                                        @Override
                                        protected void initChannel(SocketChannel channel) {
                                            channel.pipeline()
                                                    .addLast(
                                                            new IdleStateHandler(
                                                                    0,
                                                                    0,
                                                                    TCP_IDLE_SECONDS,
                                                                    TimeUnit.SECONDS),
                                                            new LengthFieldBasedFrameDecoder(
                                                                    MAX_MESSAGE + 2, 0, 2, 0, 2),
                                                            new LengthFieldPrepender(2),
                                                            new TcpQueries(forwarder));
                                        }
                                    })
                            .bind(address)
                            .sync()
                            .channel());
            channels.addAll(these);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            these.forEach(Channel::close);
            throw new IOException("interrupted while binding DNS " + text(address), e);
        } catch (Exception e) {
            these.forEach(Channel::close);
            throw new IOException(
                    "cannot listen for DNS on " + text(address) + ": " + e.getMessage(), e);
        }
    }

    static String text(InetSocketAddress address) {
        InetAddress host = address.getAddress();
        String text = host.getHostAddress();
        return (host instanceof Inet4Address ? text : "[" + text + "]") + ":" + address.getPort();
    }

    @Override
    public void close() {
        for (Channel channel : channels) {
            channel.close().syncUninterruptibly();
        }
    }

    /** One datagram in, one datagram (or nothing) back to its sender. */
    private static final class UdpQueries extends ChannelInboundHandlerAdapter {
        private final DnsForwarder forwarder;

        UdpQueries(DnsForwarder forwarder) {
            this.forwarder = forwarder;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                DatagramPacket packet = (DatagramPacket) message;
                InetSocketAddress sender = packet.sender();
                byte[] query = ByteBufUtil.getBytes(packet.content());
                forwarder
                        .handle(query, false)
                        .whenComplete(
                                (reply, failure) -> {
                                    if (reply != null) {
                                        ctx.writeAndFlush(
                                                new DatagramPacket(
                                                        Unpooled.wrappedBuffer(reply), sender));
                                    }
                                });
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A datagram socket stays open whatever one peer did (e.g. ICMP unreachable).
            LOG.log(Level.DEBUG, "DNS UDP: " + cause.getMessage());
        }
    }

    /** Length-prefixed messages on one connection; replies in the order they complete. */
    private static final class TcpQueries extends ChannelInboundHandlerAdapter {
        private final DnsForwarder forwarder;

        TcpQueries(DnsForwarder forwarder) {
            this.forwarder = forwarder;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                byte[] query = ByteBufUtil.getBytes((ByteBuf) message);
                forwarder
                        .handle(query, true)
                        .whenComplete(
                                (reply, failure) -> {
                                    if (reply != null) {
                                        ctx.writeAndFlush(Unpooled.wrappedBuffer(reply));
                                    } else {
                                        ctx.close();
                                    }
                                });
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A frame longer than a DNS message, a reset: this connection ends, the server stays.
            LOG.log(Level.DEBUG, "DNS TCP: " + cause.getMessage());
            ctx.close();
        }
    }
}
