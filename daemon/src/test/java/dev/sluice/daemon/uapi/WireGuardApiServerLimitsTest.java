package dev.sluice.daemon.uapi;

import static dev.sluice.daemon.localsocket.LocalClients.closedWithin;
import static dev.sluice.daemon.localsocket.LocalClients.connect;
import static dev.sluice.daemon.localsocket.LocalClients.readLine;
import static dev.sluice.daemon.localsocket.LocalClients.readLines;
import static dev.sluice.daemon.localsocket.LocalClients.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.localsocket.LocalSocketLimits;
import dev.sluice.daemon.platform.Platforms;
import dev.sluice.daemon.service.TunnelService;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WireGuard API socket against local clients that hold it open or flood it. */
class WireGuardApiServerLimitsTest {
    @TempDir Path directory;

    private final TunnelService service =
            new TunnelService(
                    () -> {
                        throw new IllegalStateException("t.conf:3: no PrivateKey");
                    },
                    Path.of("t.conf"),
                    Path.of("/nonexistent/state"),
                    Platforms.current());
    private final List<SocketChannel> clients = new ArrayList<>();
    private WireGuardApiServer server;

    @AfterEach
    void stop() throws IOException {
        for (SocketChannel client : clients) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        service.close();
    }

    private void start(LocalSocketLimits limits) {
        server =
                WireGuardApiServer.start(
                        directory.resolve("sluice0.sock"), new WireGuardApi(service), limits);
        assertThat(server.path()).isNotNull();
    }

    private SocketChannel client() throws IOException {
        SocketChannel client = connect(server.path());
        clients.add(client);
        return client;
    }

    /** While disconnected, get answers ENODEV: proof that the request was served. */
    private static boolean answersGet(SocketChannel client) throws Exception {
        send(client, "get=1\n\n");
        return readLines(client, 2, 5_000).equals(List.of("errno=" + WireGuardApi.ENODEV, ""));
    }

    @Test
    void shouldCloseAConnectionThatSendsNothingWhenTheReadTimeoutPasses() throws Exception {
        long readTimeoutMs = 300;
        start(new LocalSocketLimits(32, readTimeoutMs, 5_000));
        long startNs = System.nanoTime();

        boolean closed = closedWithin(client(), 5_000);

        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        assertThat(closed).isTrue();
        assertThat(elapsedMs).isBetween(readTimeoutMs, readTimeoutMs + 3_000);
    }

    @Test
    void shouldCloseAConnectionWhoseRequestNeverEndsWhenTheReadTimeoutPasses() throws Exception {
        long readTimeoutMs = 1_000; // room for the first request on a loaded machine
        start(new LocalSocketLimits(32, readTimeoutMs, 5_000));
        SocketChannel client = client();
        long askedNs = System.nanoTime(); // the deadline starts after the reply, later than this
        assertThat(answersGet(client)).isTrue();
        Thread trickler =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try {
                                        while (true) {
                                            send(client, "set=1\n");
                                            Thread.sleep(50);
                                        }
                                    } catch (IOException | InterruptedException closed) {
                                        // the server cut it
                                    }
                                });

        boolean closed = closedWithin(client, 5_000);

        long elapsedMs = (System.nanoTime() - askedNs) / 1_000_000;
        assertThat(closed).isTrue();
        assertThat(elapsedMs).isBetween(readTimeoutMs, readTimeoutMs + 3_000);
        trickler.join(5_000);
    }

    @Test
    void shouldCloseThe33rdConnectionAtOnceWhen32AreOpen() throws Exception {
        start(new LocalSocketLimits(32, 60_000, 5_000));
        List<SocketChannel> open = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            SocketChannel client = client();
            assertThat(answersGet(client)).isTrue();
            open.add(client);
        }

        SocketChannel refused = client();

        assertThat(readLine(refused, 5_000)).isNull();
        assertThat(answersGet(open.getFirst())).isTrue();
    }

    @Test
    void shouldRefuseA1MiBLineWithEinvalAndKeepAnsweringOthers() throws Exception {
        start(new LocalSocketLimits(32, 5_000, 5_000));
        SocketChannel flooder = client();
        Thread writer =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try {
                                        send(flooder, "set=1\nendpoint=" + "1".repeat(1 << 20));
                                    } catch (IOException closedByServer) {
                                        // expected once the server has had enough
                                    }
                                });

        String refusal = readLine(flooder, 5_000);

        assertThat(refusal).isEqualTo("errno=" + WireGuardApi.EINVAL);
        assertThat(closedWithin(flooder, 5_000)).isTrue();
        assertThat(answersGet(client())).isTrue();
        writer.join(5_000);
    }

    @Test
    void shouldRefuseARequestOfTooManyLinesWithEinval() throws Exception {
        start(new LocalSocketLimits(32, 5_000, 5_000));
        SocketChannel flooder = client();
        Thread writer =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try {
                                        send(
                                                flooder,
                                                "set=1\n"
                                                        + "replace_peers=true\n"
                                                                .repeat(
                                                                        WireGuardApiServer
                                                                                .MAX_REQUEST_LINES));
                                    } catch (IOException closedByServer) {
                                        // expected once the server has had enough
                                    }
                                });

        assertThat(readLine(flooder, 5_000)).isEqualTo("errno=" + WireGuardApi.EINVAL);
        writer.join(5_000);
    }
}
