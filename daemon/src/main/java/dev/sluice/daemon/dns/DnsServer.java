package dev.sluice.daemon.dns;

import dev.sluice.daemon.dns.DnsCounters.Event;
import dev.sluice.daemon.platform.NettySockets;
import dev.sluice.daemon.platform.linux.EpollSockets;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The forwarder's listening sockets: UDP and TCP on each address, port 53 unless told otherwise
 * (port 0: one free port, the same for UDP and TCP).
 *
 * <p>UDP: a query is read whole whatever its size (up to a DNS message's 65,535 bytes) and gets one
 * datagram back, truncated when the answer is larger than the client said it takes ({@link
 * UdpReplySize}); a 1 MiB receive buffer absorbs bursts, beyond it the kernel drops and counts, and
 * clients retry.
 *
 * <p>TCP: length-prefixed messages, answered in any order, each connection within {@link TcpLimits}
 * ({@link TcpQueryConnection}): a cap on connections (further ones are closed at once and counted),
 * no reading while the client does not read its replies, and deadlines that trickled bytes cannot
 * extend.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger LOG = System.getLogger(DnsServer.class.getName());

    /** Room for a burst of about a thousand queries before the kernel drops (and counts) more. */
    private static final int UDP_RECEIVE_BUFFER = 1 << 20;

    /** Queries are small, but EDNS allows up to a whole DNS message: read any datagram whole. */
    private static final int MAX_UDP_QUERY = NettyDnsUpstream.MAX_MESSAGE;

    /** The most one TCP read takes in; with one incomplete message, what a connection buffers. */
    private static final int MAX_TCP_READ_BYTES = 64 * 1024;

    /**
     * A TCP client is not read while more than 64 KiB of replies wait for it, and read again once
     * they are below 16 KiB.
     */
    private static final WriteBufferWaterMark TCP_WATER_MARK =
            new WriteBufferWaterMark(16 * 1024, 64 * 1024);

    private final List<Channel> channels;
    private final List<InetSocketAddress> addresses;
    private final Set<Channel> tcpClients;

    private DnsServer(
            List<Channel> channels, List<InetSocketAddress> addresses, Set<Channel> tcpClients) {
        this.channels = channels;
        this.addresses = addresses;
        this.tcpClients = tcpClients;
    }

    /** {@link #start(EventLoopGroup, List, List, DnsForwarder, TcpLimits)} with the defaults. */
    public static DnsServer start(
            EventLoopGroup group,
            List<InetSocketAddress> required,
            List<InetSocketAddress> optional,
            DnsForwarder forwarder)
            throws IOException {
        return start(group, required, optional, forwarder, TcpLimits.DEFAULTS);
    }

    /**
     * Listens on every address of {@code required} (failure closes everything and throws naming the
     * address) and, where possible, of {@code optional} (failure is logged). The TCP limits hold
     * across all addresses together.
     */
    public static DnsServer start(
            EventLoopGroup group,
            List<InetSocketAddress> required,
            List<InetSocketAddress> optional,
            DnsForwarder forwarder,
            TcpLimits limits)
            throws IOException {
        return start(EpollSockets.INSTANCE, group, required, optional, forwarder, limits);
    }

    /**
     * As {@link #start(EventLoopGroup, List, List, DnsForwarder, TcpLimits)}, on the platform's
     * {@code sockets} ({@code group} must run their I/O handler).
     */
    public static DnsServer start(
            NettySockets sockets,
            EventLoopGroup group,
            List<InetSocketAddress> required,
            List<InetSocketAddress> optional,
            DnsForwarder forwarder,
            TcpLimits limits)
            throws IOException {
        List<Channel> channels = new ArrayList<>();
        List<InetSocketAddress> bound = new ArrayList<>();
        Set<Channel> tcpClients = ConcurrentHashMap.newKeySet();
        Listeners listeners = new Listeners(sockets, group, forwarder, limits, tcpClients);
        try {
            for (InetSocketAddress address : required) {
                bound.add(listeners.bind(address, channels));
            }
            for (InetSocketAddress address : optional) {
                try {
                    bound.add(listeners.bind(address, channels));
                } catch (IOException e) {
                    LOG.log(Level.WARNING, e.getMessage() + " (continuing without it)");
                }
            }
        } catch (IOException | RuntimeException e) {
            channels.forEach(Channel::close);
            throw e;
        }
        return new DnsServer(channels, List.copyOf(bound), tcpClients);
    }

    /** The addresses listened on (with the port chosen where port 0 was asked for). */
    public List<InetSocketAddress> addresses() {
        return addresses;
    }

    /** The TCP connections open now. */
    List<Channel> tcpClients() {
        return List.copyOf(tcpClients);
    }

    /** Binds UDP and TCP sockets; counts TCP connections across all of them. */
    private static final class Listeners {
        private final NettySockets sockets;
        private final EventLoopGroup group;
        private final DnsForwarder forwarder;
        private final TcpLimits limits;
        private final Set<Channel> tcpClients;
        private final AtomicInteger tcpConnections = new AtomicInteger();

        Listeners(
                NettySockets sockets,
                EventLoopGroup group,
                DnsForwarder forwarder,
                TcpLimits limits,
                Set<Channel> tcpClients) {
            this.sockets = sockets;
            this.group = group;
            this.forwarder = forwarder;
            this.limits = limits;
            this.tcpClients = tcpClients;
        }

        /**
         * Listens on {@code address}; returns it with the port bound. With port 0 the kernel picks
         * a free UDP port, which TCP may find taken: then another pick, a few times.
         */
        InetSocketAddress bind(InetSocketAddress address, List<Channel> channels)
                throws IOException {
            for (int attempt = 1; ; attempt++) {
                try {
                    return bindOnce(address, channels);
                } catch (IOException e) {
                    boolean portTaken =
                            e.getMessage() != null
                                    && e.getMessage().contains("Address already in use");
                    if (address.getPort() != 0 || !portTaken || attempt == PORT_ATTEMPTS) {
                        throw e;
                    }
                }
            }
        }

        private static final int PORT_ATTEMPTS = 20;

        private InetSocketAddress bindOnce(InetSocketAddress address, List<Channel> channels)
                throws IOException {
            SocketProtocolFamily family =
                    address.getAddress() instanceof Inet4Address
                            ? SocketProtocolFamily.INET
                            : SocketProtocolFamily.INET6;
            List<Channel> these = new ArrayList<>();
            try {
                Channel udp =
                        sockets.freeBind(
                                        new Bootstrap()
                                                .group(group)
                                                .channelFactory(
                                                        () -> sockets.datagramChannel(family)))
                                .option(ChannelOption.SO_RCVBUF, UDP_RECEIVE_BUFFER)
                                .option(
                                        ChannelOption.RECVBUF_ALLOCATOR,
                                        new FixedRecvByteBufAllocator(MAX_UDP_QUERY)
                                                .maxMessagesPerRead(64))
                                .handler(new UdpQueries(forwarder))
                                .bind(address)
                                .sync()
                                .channel();
                these.add(udp);
                InetSocketAddress actual = (InetSocketAddress) udp.localAddress();
                these.add(
                        sockets.freeBind(
                                        new ServerBootstrap()
                                                .group(group)
                                                .channelFactory(
                                                        () -> sockets.serverSocketChannel(family)))
                                .option(ChannelOption.SO_REUSEADDR, true)
                                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, TCP_WATER_MARK)
                                .childOption(
                                        ChannelOption.RECVBUF_ALLOCATOR,
                                        new AdaptiveRecvByteBufAllocator(
                                                64, 2048, MAX_TCP_READ_BYTES))
                                .childHandler(
                                        new ChannelInitializer<SocketChannel>() {
                                            @Override
                                            protected void initChannel(SocketChannel channel) {
                                                admit(channel);
                                            }
                                        })
                                .bind(actual)
                                .sync()
                                .channel());
                channels.addAll(these);
                return actual;
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

        /** Serves a new TCP connection, or closes it at once when the cap is reached. */
        private void admit(SocketChannel channel) {
            if (tcpConnections.incrementAndGet() > limits.maxConnections()) {
                tcpConnections.decrementAndGet();
                forwarder.counters().increment(Event.TCP_CONNECTIONS_REFUSED);
                channel.close();
                return;
            }
            tcpClients.add(channel);
            channel.closeFuture()
                    .addListener(
                            closed -> {
                                tcpClients.remove(channel);
                                tcpConnections.decrementAndGet();
                            });
            channel.pipeline()
                    .addLast(new TcpQueryConnection(forwarder, forwarder.counters(), limits));
        }
    }

    static String text(InetSocketAddress address) {
        InetAddress host = address.getAddress();
        String text = host.getHostAddress();
        return (host instanceof Inet4Address ? text : "[" + text + "]") + ":" + address.getPort();
    }

    /** Stops listening and closes the TCP connections open. */
    @Override
    public void close() {
        for (Channel channel : channels) {
            channel.close().syncUninterruptibly();
        }
        for (Channel client : tcpClients()) {
            client.close().syncUninterruptibly();
        }
    }

    /**
     * One datagram in, one datagram (or nothing) back to its sender, no larger than the sender
     * takes.
     */
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
                                        byte[] fitting = UdpReplySize.fit(reply, query);
                                        if (fitting != reply) {
                                            forwarder.counters().increment(Event.TRUNCATED_REPLIES);
                                        }
                                        ctx.writeAndFlush(
                                                new DatagramPacket(
                                                        Unpooled.wrappedBuffer(fitting), sender));
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
}
