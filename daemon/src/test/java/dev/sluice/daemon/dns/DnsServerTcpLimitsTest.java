package dev.sluice.daemon.dns;

import static dev.sluice.daemon.dns.DnsTestServers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.dns.DnsCounters.Event;
import dev.sluice.daemon.dns.DnsMessages.Rr;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoopGroup;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The forwarder's TCP listener against clients that hold connections, trickle bytes or never read,
 * on loopback with shortened limits.
 */
class DnsServerTcpLimitsTest {
    private static final long LONG_MS = 60_000;
    private static final int TXT_RECORDS_PER_30K = 107;

    private final EventLoopGroup group = DnsTestServers.eventLoop();
    private final DnsCounters counters = new DnsCounters();
    private final AtomicInteger forwarded = new AtomicInteger();
    private final List<Socket> sockets = new ArrayList<>();
    private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
    private volatile int answerRecords = 1;
    private DnsServer server;

    /** Answers every query at once with {@link #answerRecords} TXT records of 255 bytes. */
    private final DnsUpstream upstream =
            (query, resolver, bypass, tcp, accepts) -> {
                forwarded.incrementAndGet();
                try {
                    DnsQuery parsed = DnsQuery.parse(query);
                    Rr[] records = new Rr[answerRecords];
                    for (int i = 0; i < records.length; i++) {
                        records[i] = Rr.txt(parsed.name() + ".", 255, 60);
                    }
                    return CompletableFuture.completedFuture(
                            DnsMessages.response(
                                    parsed.id(), parsed.name() + ".", parsed.type(), 0, records));
                } catch (Exception e) {
                    return CompletableFuture.failedFuture(e);
                }
            };

    @AfterEach
    void stop() throws IOException {
        trickler.shutdownNow();
        for (Socket socket : sockets) {
            socket.close();
        }
        if (server != null) {
            server.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void start(TcpLimits limits) throws IOException {
        server =
                DnsServer.start(
                        group,
                        List.of(DnsTestServers.LOOPBACK_ANY_PORT),
                        List.of(),
                        DnsTestServers.forwarder(
                                upstream, new InetSocketAddress("127.0.0.9", 53), counters),
                        limits);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.connect(server.addresses().getFirst(), 2_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static void sendQuery(Socket socket, int id) throws Exception {
        byte[] query = DnsMessages.query(id, "host.example.", DnsMessages.TXT);
        OutputStream out = socket.getOutputStream();
        out.write(new byte[] {(byte) (query.length >>> 8), (byte) query.length});
        out.write(query);
        out.flush();
    }

    private static byte[] readReply(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] reply = new byte[in.readUnsignedShort()];
        in.readFully(reply);
        return reply;
    }

    /** True when the server closed the connection (end of stream or reset) within 5 s. */
    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            while (true) {
                if (socket.getInputStream().read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** Writes one byte every {@code intervalMs} until the connection fails. */
    private void trickle(Socket socket, long intervalMs) {
        trickler.scheduleAtFixedRate(
                () -> {
                    try {
                        // A length of 0x4000 first, then filler: the message never completes.
                        socket.getOutputStream().write(0x40);
                    } catch (IOException closed) {
                        throw new IllegalStateException(closed); // ends the schedule
                    }
                },
                0,
                intervalMs,
                TimeUnit.MILLISECONDS);
    }

    private Channel onlyClient() {
        List<Channel> clients = server.tcpClients();
        assertThat(clients).hasSize(1);
        return clients.getFirst();
    }

    @Test
    void shouldCloseAndCountThe65thConnectionWhen64AreOpen() throws Exception {
        start(new TcpLimits(64, 16, LONG_MS, LONG_MS, LONG_MS));
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            open.add(connect());
        }
        await("64 connections served", 5_000, () -> server.tcpClients().size() == 64);

        Socket refused = connect();

        assertThat(closedByServer(refused)).isTrue();
        assertThat(counters.get(Event.TCP_CONNECTIONS_REFUSED)).isEqualTo(1);
        sendQuery(open.getFirst(), 0x1234);
        assertThat(DnsMessages.id(readReply(open.getFirst()))).isEqualTo(0x1234);

        open.getLast().close();
        await("a connection slot freed", 5_000, () -> server.tcpClients().size() == 63);
        Socket next = connect();
        sendQuery(next, 0x4321);
        assertThat(DnsMessages.id(readReply(next))).isEqualTo(0x4321);
        assertThat(counters.get(Event.TCP_CONNECTIONS_REFUSED)).isEqualTo(1);
    }

    @Test
    void shouldCutAConnectionAtItsLifetimeWhenItTricklesAByteEvery50Ms() throws Exception {
        long lifetimeMs = 600;
        start(new TcpLimits(64, 16, LONG_MS, LONG_MS, lifetimeMs));
        long startNs = System.nanoTime();
        Socket socket = connect();
        trickle(socket, 50);

        boolean closed = closedByServer(socket);

        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        assertThat(closed).isTrue();
        assertThat(elapsedMs).isBetween(lifetimeMs, lifetimeMs + 3_000);
        assertThat(counters.get(Event.TCP_CONNECTIONS_CUT)).isEqualTo(1);
    }

    @Test
    void shouldCutAConnectionWhenAMessageIsNotWholeWithinItsTimeout() throws Exception {
        long messageTimeoutMs = 300;
        start(new TcpLimits(64, 16, LONG_MS, messageTimeoutMs, LONG_MS));
        Socket socket = connect();
        sendQuery(socket, 0x0101);
        assertThat(DnsMessages.id(readReply(socket))).isEqualTo(0x0101);

        long firstByteNs = System.nanoTime();
        trickle(socket, 50);

        boolean closed = closedByServer(socket);

        long elapsedMs = (System.nanoTime() - firstByteNs) / 1_000_000;
        assertThat(closed).isTrue();
        assertThat(elapsedMs).isBetween(messageTimeoutMs, messageTimeoutMs + 3_000);
        assertThat(counters.get(Event.TCP_CONNECTIONS_CUT)).isEqualTo(1);
    }

    @Test
    void shouldCloseAConnectionWithoutCountingACutWhenItIsIdle() throws Exception {
        long idleTimeoutMs = 300;
        start(new TcpLimits(64, 16, idleTimeoutMs, LONG_MS, LONG_MS));
        Socket socket = connect();
        long askedNs = System.nanoTime(); // idle time starts after the reply, later than this
        sendQuery(socket, 0x0202);
        byte[] reply = readReply(socket);

        boolean closed = closedByServer(socket);

        long elapsedMs = (System.nanoTime() - askedNs) / 1_000_000;
        assertThat(DnsMessages.id(reply)).isEqualTo(0x0202);
        assertThat(closed).isTrue();
        assertThat(elapsedMs).isBetween(idleTimeoutMs, idleTimeoutMs + 3_000);
        assertThat(counters.get(Event.TCP_CONNECTIONS_CUT)).isZero();
    }

    @Test
    void shouldStopReadingAndHoldBoundedRepliesWhenTheClientNeverReads() throws Exception {
        int maxInFlight = 4;
        start(new TcpLimits(64, maxInFlight, LONG_MS, LONG_MS, LONG_MS));
        answerRecords = TXT_RECORDS_PER_30K;
        Socket socket = new Socket();
        sockets.add(socket);
        socket.setReceiveBufferSize(4_096);
        socket.connect(server.addresses().getFirst(), 2_000);
        int queries = 3_000;
        Thread writer =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try {
                                        for (int id = 0; id < queries; id++) {
                                            sendQuery(socket, id);
                                        }
                                    } catch (Exception closedAtTheEnd) {
                                        // The test closes the socket under a blocked write.
                                    }
                                });
        await("one client", 5_000, () -> server.tcpClients().size() == 1);
        Channel client = onlyClient();

        await(
                "the server to stop reading a client that reads nothing",
                20_000,
                () -> !client.config().isAutoRead() && !client.isWritable());

        ChannelOutboundBuffer pending = client.unsafe().outboundBuffer();
        int replyBytes = 2 + TXT_RECORDS_PER_30K * (14 + 10 + 256) + 12 + 18;
        assertThat(pending).isNotNull();
        assertThat(pending.totalPendingWriteBytes()).isBetween(1L, (long) maxInFlight * replyBytes);
        assertThat(forwarded.get()).isLessThan(queries);
        socket.close();
        writer.join(5_000);
    }
}
