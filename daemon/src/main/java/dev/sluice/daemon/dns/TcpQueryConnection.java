package dev.sluice.daemon.dns;

import dev.sluice.daemon.dns.DnsCounters.Event;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * One TCP client of the forwarder: length-prefixed messages in (RFC 1035 §4.2.2), replies out in
 * the order they complete (RFC 7766 §7), within {@link TcpLimits}.
 *
 * <p>Flow: bytes read are appended to one buffer; whole queries are taken from its front and
 * forwarded while fewer than {@code maxQueriesInFlightPerConnection} are in flight and the socket
 * is writable. A query stays in flight until its reply is written to the socket, so a client that
 * does not read its replies holds at most that many replies here. The connection is read (Netty's
 * autoRead) only while nothing stops a new query from being started: no whole query waiting, room
 * in flight, the socket writable (below the high water mark). So the buffer holds at most one
 * incomplete message and one read, and nothing grows without bound whatever the client sends or
 * fails to read.
 *
 * <p>Deadlines: the connection is cut {@code lifetimeMs} after it opened; a message must arrive
 * whole within {@code messageTimeoutMs} of its first byte while the connection is being read; a
 * connection with nothing in progress is closed after {@code idleTimeoutMs}. A byte now and then
 * renews none of them.
 *
 * <p>Threads: every field is used on the channel's event loop only; replies completing elsewhere
 * are handed to it.
 */
final class TcpQueryConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = System.getLogger(TcpQueryConnection.class.getName());
    private static final int LENGTH_PREFIX = 2;

    /** More than the design lets in (one message and one read); reaching it is a bug: cut. */
    private static final int MAX_BUFFERED_BYTES =
            2 * (NettyDnsUpstream.MAX_MESSAGE + LENGTH_PREFIX);

    private final DnsForwarder forwarder;
    private final DnsCounters counters;
    private final TcpLimits limits;

    private ChannelHandlerContext ctx;
    private ByteBuf received;
    private int inFlight;
    private boolean starting;
    private long messagesTaken;
    private long timedMessage = -1;
    private ScheduledFuture<?> messageTimer;
    private ScheduledFuture<?> idleTimer;
    private ScheduledFuture<?> lifetimeTimer;

    TcpQueryConnection(DnsForwarder forwarder, DnsCounters counters, TcpLimits limits) {
        this.forwarder = forwarder;
        this.counters = counters;
        this.limits = limits;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.received = ctx.alloc().buffer();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimers();
        received.release();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        lifetimeTimer =
                schedule(() -> cut("open for " + limits.lifetimeMs() + " ms"), limits.lifetimeMs());
        update();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimers();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        ByteBuf bytes = (ByteBuf) message;
        try {
            received.writeBytes(bytes);
        } finally {
            bytes.release();
        }
        if (received.readableBytes() > MAX_BUFFERED_BYTES) {
            cut(received.readableBytes() + " bytes buffered");
            return;
        }
        startQueries();
        update();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        startQueries();
        update();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset, a failed write: this connection ends, the server stays.
        LOG.log(Level.DEBUG, "DNS TCP: " + cause.getMessage());
        ctx.close();
    }

    private void startQueries() {
        if (starting) {
            return; // a reply completed inside the loop below, which looks again anyway
        }
        starting = true;
        try {
            while (ctx.channel().isActive()
                    && inFlight < limits.maxQueriesInFlightPerConnection()
                    && ctx.channel().isWritable()
                    && wholeQueryWaiting()) {
                byte[] query = new byte[received.readUnsignedShort()];
                received.readBytes(query);
                messagesTaken++;
                inFlight++;
                cancel(idleTimer); // idle time counts from the last reply written
                idleTimer = null;
                forwarder
                        .handle(query, true)
                        .whenComplete((reply, failure) -> onEventLoop(() -> send(reply)));
            }
            if (ctx.channel().isActive()) {
                received.discardSomeReadBytes();
            }
        } finally {
            starting = false;
        }
    }

    private boolean wholeQueryWaiting() {
        return received.readableBytes() >= LENGTH_PREFIX
                && received.readableBytes()
                        >= LENGTH_PREFIX + received.getUnsignedShort(received.readerIndex());
    }

    private void send(byte[] reply) {
        if (reply == null || reply.length > NettyDnsUpstream.MAX_MESSAGE) {
            // Nothing to say to a message without a header: the conversation is over.
            inFlight--;
            ctx.close();
            return;
        }
        ByteBuf out = ctx.alloc().buffer(LENGTH_PREFIX + reply.length);
        out.writeShort(reply.length);
        out.writeBytes(reply);
        ctx.writeAndFlush(out)
                .addListener(
                        written -> {
                            inFlight--;
                            if (!written.isSuccess()) {
                                ctx.close();
                                return;
                            }
                            startQueries();
                            update();
                        });
    }

    /** Reading on or off, and the message and idle deadlines, from the state now. */
    private void update() {
        Channel channel = ctx.channel();
        if (!channel.isActive()) {
            return;
        }
        boolean waiting = wholeQueryWaiting();
        boolean reading =
                channel.isWritable()
                        && inFlight < limits.maxQueriesInFlightPerConnection()
                        && !waiting;
        channel.config().setAutoRead(reading);

        boolean partial = received.isReadable() && !waiting;
        if (reading && partial) {
            if (messageTimer == null || timedMessage != messagesTaken) {
                cancel(messageTimer);
                timedMessage = messagesTaken;
                messageTimer =
                        schedule(
                                () ->
                                        cut(
                                                "a message not whole "
                                                        + limits.messageTimeoutMs()
                                                        + " ms after its first byte"),
                                limits.messageTimeoutMs());
            }
        } else {
            cancel(messageTimer);
            messageTimer = null;
        }

        boolean idle = !received.isReadable() && inFlight == 0;
        if (idle) {
            if (idleTimer == null) {
                idleTimer = schedule(ctx::close, limits.idleTimeoutMs());
            }
        } else {
            cancel(idleTimer);
            idleTimer = null;
        }
    }

    private void cut(String why) {
        if (ctx.channel().isActive()) {
            counters.increment(Event.TCP_CONNECTIONS_CUT);
            LOG.log(Level.DEBUG, "DNS TCP " + ctx.channel().remoteAddress() + " cut: " + why);
            ctx.close();
        }
    }

    private ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        return ctx.executor().schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    private void onEventLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    private void cancelTimers() {
        cancel(messageTimer);
        cancel(idleTimer);
        cancel(lifetimeTimer);
        messageTimer = null;
        idleTimer = null;
        lifetimeTimer = null;
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
