package dev.sluice.daemon.metrics;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} on {@code 127.0.0.1:MetricsPort} (loopback only), when the configuration
 * sets a port; {@link #start} with port 0 starts nothing.
 *
 * <p>No client can hold it up ({@link MetricsLimits}): the sockets are served by one Netty event
 * loop that never blocks; a request must arrive whole within 5 s, request lines and headers are
 * bounded (4 KiB, 8 KiB) and bodies refused beyond 1 KiB; metrics are rendered on one thread of
 * their own with at most 4 scrapes waiting (more get 503) and a 10 s limit (then 503); at most 16
 * connections are open (more are closed at once); each response closes its connection and must be
 * taken within 10 s.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = System.getLogger(MetricsEndpoint.class.getName());
    private static final String PATH = "/metrics";
    private static final int MAX_INITIAL_LINE_BYTES = 4096;
    private static final int MAX_HEADER_BYTES = 8192;
    private static final int MAX_BODY_BYTES = 1024;
    private static final int MAX_SCRAPES_WAITING = 4;
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Channel channel;
    private final EventLoopGroup group;
    private final ExecutorService scrapes;
    private final AtomicInteger connections;

    private MetricsEndpoint(
            Channel channel,
            EventLoopGroup group,
            ExecutorService scrapes,
            AtomicInteger connections) {
        this.channel = channel;
        this.group = group;
        this.scrapes = scrapes;
        this.connections = connections;
    }

    public static MetricsEndpoint start(int port, SluiceMetrics metrics) throws IOException {
        if (port == 0) {
            return new MetricsEndpoint(null, null, null, new AtomicInteger());
        }
        return bind(port, metrics::scrape, MetricsLimits.DEFAULTS);
    }

    /**
     * Serves {@code scrape} on the loopback address, port {@code port} (0: any free port).
     *
     * @throws IOException naming the address when it cannot be bound
     */
    static MetricsEndpoint bind(int port, Supplier<String> scrape, MetricsLimits limits)
            throws IOException {
        EventLoopGroup group =
                new MultiThreadIoEventLoopGroup(
                        1, daemonThreads("sluice-metrics"), NioIoHandler.newFactory());
        ExecutorService scrapes =
                new ThreadPoolExecutor(
                        1,
                        1,
                        0,
                        TimeUnit.MILLISECONDS,
                        new ArrayBlockingQueue<>(MAX_SCRAPES_WAITING),
                        daemonThreads("sluice-metrics-scrape"),
                        new ThreadPoolExecutor.AbortPolicy());
        AtomicInteger connections = new AtomicInteger();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try {
            Channel channel =
                    new ServerBootstrap()
                            .group(group)
                            .channel(NioServerSocketChannel.class)
                            .childHandler(
                                    new ChannelInitializer<SocketChannel>() {
                                        @Override
                                        protected void initChannel(SocketChannel client) {
                                            admit(client, connections, scrape, scrapes, limits);
                                        }
                                    })
                            .bind(address)
                            .sync()
                            .channel();
            return new MetricsEndpoint(channel, group, scrapes, connections);
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            scrapes.shutdownNow();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException(
                    "cannot serve metrics on "
                            + address.getAddress().getHostAddress()
                            + ":"
                            + port
                            + " (MetricsPort): "
                            + e.getMessage(),
                    e);
        }
    }

    private static void admit(
            SocketChannel client,
            AtomicInteger connections,
            Supplier<String> scrape,
            ExecutorService scrapes,
            MetricsLimits limits) {
        if (connections.incrementAndGet() > limits.maxConnections()) {
            connections.decrementAndGet();
            LOG.log(Level.DEBUG, "metrics: " + limits.maxConnections() + " connections open");
            client.close();
            return;
        }
        client.closeFuture().addListener(closed -> connections.decrementAndGet());
        client.pipeline()
                .addLast(
                        new WriteTimeoutHandler(limits.writeTimeoutMs(), TimeUnit.MILLISECONDS),
                        new HttpServerCodec(
                                MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES, MAX_INITIAL_LINE_BYTES),
                        new HttpObjectAggregator(MAX_BODY_BYTES),
                        new Requests(scrape, scrapes, limits));
    }

    /** The address listened on (the port chosen where 0 was asked for); null when off. */
    InetSocketAddress address() {
        return channel == null ? null : (InetSocketAddress) channel.localAddress();
    }

    /** Connections open now. */
    int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            scrapes.shutdownNow();
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** One request per connection: the metrics, or an error status, then close. */
    private static final class Requests extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Supplier<String> scrape;
        private final ExecutorService scrapes;
        private final MetricsLimits limits;
        private ScheduledFuture<?> readDeadline;

        Requests(Supplier<String> scrape, ExecutorService scrapes, MetricsLimits limits) {
            this.scrape = scrape;
            this.scrapes = scrapes;
            this.limits = limits;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            readDeadline =
                    ctx.executor()
                            .schedule(
                                    () -> {
                                        LOG.log(Level.DEBUG, "metrics: no whole request in time");
                                        ctx.close();
                                    },
                                    limits.readTimeoutMs(),
                                    TimeUnit.MILLISECONDS);
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            readDeadline.cancel(false);
            ctx.fireChannelInactive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            readDeadline.cancel(false);
            ctx.channel().config().setAutoRead(false); // one request per connection
            if (!request.decoderResult().isSuccess()) {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, "bad request\n");
                return;
            }
            if (!new QueryStringDecoder(request.uri()).path().equals(PATH)) {
                respond(ctx, HttpResponseStatus.NOT_FOUND, "metrics are at " + PATH + "\n");
                return;
            }
            if (!request.method().equals(HttpMethod.GET)) {
                respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "GET " + PATH + "\n");
                return;
            }
            CompletableFuture<String> rendered;
            try {
                rendered = CompletableFuture.supplyAsync(scrape, scrapes);
            } catch (java.util.concurrent.RejectedExecutionException busy) {
                respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "busy\n");
                return;
            }
            rendered.orTimeout(limits.scrapeTimeoutMs(), TimeUnit.MILLISECONDS)
                    .whenComplete(
                            (text, failure) -> {
                                if (failure != null) {
                                    LOG.log(Level.WARNING, "metrics: scrape failed: " + failure);
                                    respond(
                                            ctx,
                                            HttpResponseStatus.SERVICE_UNAVAILABLE,
                                            "metrics unavailable\n");
                                } else {
                                    respond(ctx, HttpResponseStatus.OK, text);
                                }
                            });
        }

        private static void respond(
                ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
            ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            FullHttpResponse response =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
            response.headers()
                    .set(
                            HttpHeaderNames.CONTENT_TYPE,
                            status == HttpResponseStatus.OK
                                    ? CONTENT_TYPE
                                    : "text/plain; charset=utf-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            if (status == HttpResponseStatus.METHOD_NOT_ALLOWED) {
                response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
            }
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset, a response not taken in time: this connection ends, the endpoint stays.
            LOG.log(Level.DEBUG, "metrics client: " + cause);
            ctx.close();
        }
    }
}
