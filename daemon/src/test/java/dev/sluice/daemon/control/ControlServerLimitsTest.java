package dev.sluice.daemon.control;

import static dev.sluice.daemon.localsocket.LocalClients.closedWithin;
import static dev.sluice.daemon.localsocket.LocalClients.connect;
import static dev.sluice.daemon.localsocket.LocalClients.readLine;
import static dev.sluice.daemon.localsocket.LocalClients.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.daemon.localsocket.LocalSocketLimits;
import dev.sluice.daemon.metrics.SluiceMetrics;
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

/** The control socket against local clients that hold it open, trickle or flood. */
class ControlServerLimitsTest {
    private static final String STATUS = "{\"version\":1,\"command\":\"status\"}\n";

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
    private ControlServer server;

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

    private void start(LocalSocketLimits limits) throws IOException {
        server =
                ControlServer.start(
                        directory.resolve("sluice.sock"),
                        new ControlHandler(service, new SluiceMetrics(service), "9.9.9"),
                        limits);
    }

    private SocketChannel client() throws IOException {
        SocketChannel client = connect(server.path());
        clients.add(client);
        return client;
    }

    private static JsonNode reply(String line) throws Exception {
        assertThat(line).isNotNull();
        return ControlProtocol.JSON.readTree(line);
    }

    private boolean answersStatus(SocketChannel client) throws Exception {
        send(client, STATUS);
        return reply(readLine(client, 5_000)).path("ok").asBoolean();
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
    void shouldCloseAConnectionThatTricklesAByteEvery50MsWhenTheReadTimeoutPasses()
            throws Exception {
        long readTimeoutMs = 1_000; // room for the first request on a loaded machine
        start(new LocalSocketLimits(32, readTimeoutMs, 5_000));
        SocketChannel client = client();
        long askedNs = System.nanoTime(); // the deadline starts after the reply, later than this
        assertThat(answersStatus(client)).isTrue();
        Thread trickler =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try {
                                        while (true) {
                                            send(client, "{");
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
    void shouldRefuseThe33rdConnectionWhen32AreOpen() throws Exception {
        start(new LocalSocketLimits(32, 60_000, 5_000));
        List<SocketChannel> open = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            SocketChannel client = client();
            assertThat(answersStatus(client)).isTrue();
            open.add(client);
        }

        SocketChannel refused = client();

        assertThat(reply(readLine(refused, 5_000)).path("error").asText())
                .startsWith("too many connections to the control socket (32 open)");
        assertThat(closedWithin(refused, 5_000)).isTrue();
        assertThat(answersStatus(open.getFirst())).isTrue();
        open.getLast().close();
        boolean servedAgain = false;
        for (int attempt = 0; attempt < 100 && !servedAgain; attempt++) {
            // Until the daemon has seen the close, a new client may still be turned away (and
            // hung up on before it finished writing).
            try {
                SocketChannel next = client();
                send(next, STATUS);
                servedAgain = reply(readLine(next, 5_000)).path("ok").asBoolean();
            } catch (java.io.IOException turnedAway) {
                Thread.sleep(20);
            }
        }
        assertThat(servedAgain).as("a slot freed by a closed connection is used again").isTrue();
    }

    @Test
    void shouldRefuseA1MiBLineWithAnErrorAndKeepAnsweringOthers() throws Exception {
        start(new LocalSocketLimits(32, 5_000, 5_000));
        SocketChannel flooder = client();
        Thread writer =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try {
                                        send(flooder, "x".repeat(1 << 20));
                                    } catch (IOException closedByServer) {
                                        // expected once the server has had enough
                                    }
                                });

        JsonNode refusal = reply(readLine(flooder, 5_000));

        assertThat(refusal.path("ok").asBoolean()).isFalse();
        assertThat(refusal.path("error").asText())
                .isEqualTo("request longer than " + ControlProtocol.MAX_REQUEST_BYTES + " bytes");
        assertThat(closedWithin(flooder, 5_000)).isTrue();
        assertThat(answersStatus(client())).isTrue();
        writer.join(5_000);
    }
}
