package dev.sluice.daemon.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.dns.DnsCounters.Event;
import dev.sluice.daemon.dns.DnsMessages.Rr;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Answers far larger than 2,048 bytes over UDP: a fake resolver on loopback answers with about
 * 60,000 bytes of TXT records, written with Netty's DNS codec.
 */
class LargeDnsAnswerTest {
    /** 215 records of 279 bytes, a 29-byte header and question: 60,014 bytes. */
    private static final int RECORDS = 215;

    private static final int OPT = 41;

    private final EventLoopGroup group = DnsTestServers.eventLoop();
    private final DnsCounters counters = new DnsCounters();
    private final AtomicReference<byte[]> lastAnswer = new AtomicReference<>();
    private Channel resolver;
    private DnsServer server;

    @BeforeEach
    void startResolver() throws Exception {
        resolver =
                new Bootstrap()
                        .group(group)
                        .channel(EpollDatagramChannel.class)
                        .handler(
                                new SimpleChannelInboundHandler<DatagramPacket>() {
                                    @Override
                                    protected void channelRead0(
                                            ChannelHandlerContext ctx, DatagramPacket packet)
                                            throws Exception {
                                        byte[] answer =
                                                bigAnswer(ByteBufUtil.getBytes(packet.content()));
                                        lastAnswer.set(answer);
                                        ctx.writeAndFlush(
                                                new DatagramPacket(
                                                        Unpooled.wrappedBuffer(answer),
                                                        packet.sender()));
                                    }
                                })
                        .bind(new InetSocketAddress("127.0.0.1", 0))
                        .sync()
                        .channel();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        resolver.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static byte[] bigAnswer(byte[] query) throws Exception {
        DnsQuery parsed = DnsQuery.parse(query);
        Rr[] records = new Rr[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            records[i] = Rr.txt(parsed.name() + ".", 255, 300);
        }
        return DnsMessages.response(parsed.id(), parsed.name() + ".", parsed.type(), 0, records);
    }

    private InetSocketAddress resolverAddress() {
        return (InetSocketAddress) resolver.localAddress();
    }

    /** A TXT query for big.example with an OPT record offering {@code udpPayloadSize} bytes. */
    private static byte[] ednsQuery(int id, int udpPayloadSize) throws Exception {
        byte[] plain = DnsMessages.query(id, "big.example.", DnsMessages.TXT);
        ByteBuffer query = ByteBuffer.allocate(plain.length + 11);
        query.put(plain).putShort(10, (short) 1); // ARCOUNT 1
        query.put((byte) 0).putShort((short) OPT).putShort((short) udpPayloadSize);
        query.putInt(0).putShort((short) 0);
        return query.array();
    }

    private byte[] askOverUdp(byte[] query) throws Exception {
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(5_000);
            client.send(
                    new java.net.DatagramPacket(
                            query, query.length, server.addresses().getFirst()));
            java.net.DatagramPacket reply = new java.net.DatagramPacket(new byte[65_536], 65_536);
            client.receive(reply);
            return Arrays.copyOf(reply.getData(), reply.getLength());
        }
    }

    private void startForwarder() throws Exception {
        server =
                DnsServer.start(
                        group,
                        List.of(DnsTestServers.LOOPBACK_ANY_PORT),
                        List.of(),
                        DnsTestServers.forwarder(
                                new NettyDnsUpstream(group, 0, 5_000),
                                resolverAddress(),
                                counters));
    }

    @Test
    void shouldReceiveA60000ByteUdpAnswerWholeWhenTheResolverSendsOne() throws Exception {
        NettyDnsUpstream upstream = new NettyDnsUpstream(group, 0, 5_000);
        byte[] query = DnsMessages.query(0x5151, "big.example.", DnsMessages.TXT);

        byte[] answer =
                upstream.exchange(query, resolverAddress(), false, false, reply -> true)
                        .get(5, TimeUnit.SECONDS);

        assertThat(answer.length).isEqualTo(60_014);
        assertThat(answer).isEqualTo(lastAnswer.get());
        assertThat(DnsResponse.parse(answer).flags() & DnsQuery.FLAG_TRUNCATED).isZero();
    }

    @Test
    void shouldForwardA60000ByteAnswerIntactWhenTheClientOffersTheLargestPayload()
            throws Exception {
        startForwarder();

        byte[] reply = askOverUdp(ednsQuery(0x6262, 65_535));

        assertThat(reply.length).isEqualTo(60_014);
        assertThat(DnsMessages.id(reply)).isEqualTo(0x6262);
        assertThat(Arrays.copyOfRange(reply, 2, reply.length))
                .isEqualTo(Arrays.copyOfRange(lastAnswer.get(), 2, reply.length));
        assertThat(counters.get(Event.TRUNCATED_REPLIES)).isZero();
        assertThat(counters.get(Event.SERVFAIL_SENT)).isZero();
    }

    @Test
    void shouldAnswerTruncatedWithTheQuestionWhenTheAnswerExceedsTheClientsEdnsPayload()
            throws Exception {
        startForwarder();
        byte[] query = ednsQuery(0x7373, 1_232);

        byte[] reply = askOverUdp(query);

        DnsResponse parsed = DnsResponse.parse(reply);
        assertThat(reply.length).isLessThanOrEqualTo(1_232);
        assertThat(parsed.id()).isEqualTo(0x7373);
        assertThat(parsed.truncated()).isTrue();
        assertThat(parsed.answers()).isEmpty();
        assertThat(parsed.answers(DnsQuery.parse(query), 0x7373)).isTrue();
        assertThat(counters.get(Event.TRUNCATED_REPLIES)).isEqualTo(1);
    }

    @Test
    void shouldAnswerTruncatedWithin512BytesWhenTheClientHasNoEdns() throws Exception {
        startForwarder();

        byte[] reply = askOverUdp(DnsMessages.query(0x0808, "big.example.", DnsMessages.TXT));

        assertThat(reply.length).isLessThanOrEqualTo(UdpReplySize.CLASSIC_LIMIT);
        assertThat(DnsResponse.parse(reply).truncated()).isTrue();
        assertThat(DnsMessages.id(reply)).isEqualTo(0x0808);
    }
}
