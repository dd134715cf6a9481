package dev.sluice.daemon.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.platform.NettySockets;
import dev.sluice.daemon.platform.darwin.DarwinPlatform;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The split-DNS forwarder on macOS's sockets (Netty NIO, which runs on any JDK): a query on
 * loopback reaches the resolver through the forwarder's upstream and the answer comes back.
 */
class NioDnsSocketsTest {
    private final NettySockets sockets = new DarwinPlatform().sockets();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, sockets.ioHandler());
    private Channel resolver;
    private DnsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (resolver != null) {
            resolver.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void shouldForwardAQueryAndItsAnswerWhenRunningOnNioSockets() throws Exception {
        resolver =
                new Bootstrap()
                        .group(group)
                        .channelFactory(() -> sockets.datagramChannel(SocketProtocolFamily.INET))
                        .handler(
                                new SimpleChannelInboundHandler<DatagramPacket>() {
                                    @Override
                                    protected void channelRead0(
                                            ChannelHandlerContext ctx, DatagramPacket packet)
                                            throws Exception {
                                        DnsQuery query =
                                                DnsQuery.parse(
                                                        ByteBufUtil.getBytes(packet.content()));
                                        byte[] answer =
                                                DnsMessages.response(
                                                        query.id(),
                                                        query.name() + ".",
                                                        query.type(),
                                                        0,
                                                        DnsMessages.Rr.a(
                                                                query.name() + ".",
                                                                "192.0.2.7",
                                                                60));
                                        ctx.writeAndFlush(
                                                new DatagramPacket(
                                                        Unpooled.wrappedBuffer(answer),
                                                        packet.sender()));
                                    }
                                })
                        .bind(new InetSocketAddress("127.0.0.1", 0))
                        .sync()
                        .channel();
        DnsCounters counters = new DnsCounters();
        server =
                DnsServer.start(
                        sockets,
                        group,
                        List.of(DnsTestServers.LOOPBACK_ANY_PORT),
                        List.of(),
                        DnsTestServers.forwarder(
                                new NettyDnsUpstream(sockets, group, 0, 5_000),
                                (InetSocketAddress) resolver.localAddress(),
                                counters),
                        TcpLimits.DEFAULTS);
        byte[] query = DnsMessages.query(0x4e10, "www.example.", 1);
        byte[] reply;
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(5_000);
            client.send(
                    new java.net.DatagramPacket(
                            query, query.length, server.addresses().getFirst()));
            java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[4096], 4096);
            client.receive(packet);
            reply = Arrays.copyOf(packet.getData(), packet.getLength());
        }
        DnsResponse parsed = DnsResponse.parse(reply);
        assertThat(parsed.id()).isEqualTo(0x4e10);
        assertThat(parsed.answers()).isNotEmpty();
    }
}
