package dev.sluice.daemon.dns;

import dev.sluice.daemon.platform.NettySockets;
import dev.sluice.daemon.platform.linux.EpollSockets;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * {@link DnsUpstream} on the platform's Netty sockets (epoll on Linux): a fresh connected socket
 * per query (UDP: a random source port chosen by the kernel, and only the server's datagrams reach
 * it), the daemon's mark on bypass sockets so the policy rule lets them out past the tunnel, and a
 * timeout per query. A UDP answer is read into a buffer of the largest DNS message, so an EDNS
 * answer of any size arrives whole (Netty's default of 2,048 bytes would cut it, and the cut answer
 * would never parse).
 */
public final class NettyDnsUpstream implements DnsUpstream {
    /** The largest DNS message: TCP's two-byte length, and the most an EDNS payload can claim. */
    static final int MAX_MESSAGE = 65_535;

    private final NettySockets sockets;
    private final EventLoopGroup group;
    private final int fwmark;
    private final long timeoutMs;

    /**
     * @param fwmark the mark of bypass sockets
     * @param timeoutMs how long one server has to answer
     */
    public NettyDnsUpstream(EventLoopGroup group, int fwmark, long timeoutMs) {
        this(EpollSockets.INSTANCE, group, fwmark, timeoutMs);
    }

    /**
     * On the platform's {@code sockets} ({@code group} must run their I/O handler).
     *
     * @param fwmark the mark of bypass sockets, where the platform has marks
     */
    public NettyDnsUpstream(
            NettySockets sockets, EventLoopGroup group, int fwmark, long timeoutMs) {
        this.sockets = sockets;
        this.group = group;
        this.fwmark = fwmark;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public CompletableFuture<byte[]> exchange(
            byte[] query,
            InetSocketAddress server,
            boolean bypass,
            boolean tcp,
            Predicate<byte[]> accepts) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        SocketProtocolFamily family =
                server.getAddress() instanceof Inet4Address
                        ? SocketProtocolFamily.INET
                        : SocketProtocolFamily.INET6;
        Bootstrap bootstrap =
                new Bootstrap()
                        .group(group)
                        .channelFactory(
                                () ->
                                        tcp
                                                ? sockets.socketChannel(family)
                                                : sockets.datagramChannel(family))
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeoutMs)
                        .handler(
                                new ChannelInitializer<Channel>() {
                                    @Override
                                    protected void initChannel(Channel channel) {
                                        if (tcp) {
                                            channel.pipeline()
                                                    .addLast(
                                                            new LengthFieldBasedFrameDecoder(
                                                                    MAX_MESSAGE + 2, 0, 2, 0, 2));
                                        }
                                        channel.pipeline().addLast(new Reply(result, accepts));
                                    }
                                });
        if (!tcp) {
            // One datagram per read, never more than a DNS message: read it whole.
            bootstrap.option(
                    ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_MESSAGE));
        }
        if (bypass) {
            sockets.escapeTunnel(bootstrap, fwmark);
        }
        ChannelFuture connect = bootstrap.connect(server);
        connect.addListener(
                done -> {
                    if (!done.isSuccess()) {
                        result.completeExceptionally(done.cause());
                        return;
                    }
                    ByteBuf out = Unpooled.buffer(query.length + 2);
                    if (tcp) {
                        out.writeShort(query.length);
                    }
                    out.writeBytes(query);
                    connect.channel()
                            .writeAndFlush(out)
                            .addListener(
                                    written -> {
                                        if (!written.isSuccess()) {
                                            result.completeExceptionally(written.cause());
                                        }
                                    });
                });
        var timer =
                group.schedule(
                        () ->
                                result.completeExceptionally(
                                        new TimeoutException(
                                                "no answer from "
                                                        + server
                                                        + " in "
                                                        + timeoutMs
                                                        + " ms")),
                        timeoutMs,
                        TimeUnit.MILLISECONDS);
        result.whenComplete(
                (reply, failure) -> {
                    timer.cancel(false);
                    connect.channel().close();
                });
        return result;
    }

    /** Completes the query with the first accepted message (datagram or TCP frame). */
    private static final class Reply extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<byte[]> result;
        private final Predicate<byte[]> accepts;

        Reply(CompletableFuture<byte[]> result, Predicate<byte[]> accepts) {
            this.result = result;
            this.accepts = accepts;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                ByteBuf content =
                        message instanceof ByteBufHolder holder
                                ? holder.content()
                                : (ByteBuf) message;
                byte[] bytes = ByteBufUtil.getBytes(content);
                if (accepts.test(bytes)) {
                    result.complete(bytes);
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(
                    new java.io.IOException("connection closed before an answer"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
            ctx.close();
        }
    }
}
