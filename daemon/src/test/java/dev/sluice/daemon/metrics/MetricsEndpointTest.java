package dev.sluice.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The metrics endpoint against clients that hold connections, trickle, or wait for a slow scrape.
 */
class MetricsEndpointTest {
    private static final String METRICS = "sluice_test_total 1.0\n";
    private static final long LONG_MS = 60_000;

    private final List<Socket> sockets = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
    private MetricsEndpoint endpoint;

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
        http.close();
    }

    private void start(Supplier<String> scrape, MetricsLimits limits) throws IOException {
        endpoint = MetricsEndpoint.bind(0, scrape, limits);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(
                                URI.create(
                                        "http://127.0.0.1:" + endpoint.address().getPort() + path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(endpoint.address().getAddress(), endpoint.address().getPort());
        sockets.add(socket);
        socket.setSoTimeout(5_000);
        return socket;
    }

    /** True when the endpoint closed the connection within 5 s. */
    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            while (socket.getInputStream().read() >= 0) {
                // a response to a half request would be read here; none is expected
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static void awaitConnections(MetricsEndpoint endpoint, int count)
            throws InterruptedException {
        long deadlineNs = System.nanoTime() + 5_000_000_000L;
        while (endpoint.connections() != count) {
            assertThat(System.nanoTime())
                    .as("waiting for " + count + " connections")
                    .isLessThan(deadlineNs);
            Thread.sleep(5);
        }
    }

    @Test
    void shouldListenOnLoopbackOnly() throws Exception {
        start(() -> METRICS, MetricsLimits.DEFAULTS);

        assertThat(endpoint.address().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void shouldAnswerAClientWhileOthersHoldConnectionsSendingNothingOrHalfARequest()
            throws Exception {
        start(() -> METRICS, new MetricsLimits(16, LONG_MS, LONG_MS, LONG_MS));
        connect();
        OutputStream half = connect().getOutputStream();
        half.write("GET /met".getBytes(StandardCharsets.US_ASCII));
        half.flush();
        awaitConnections(endpoint, 2);

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(METRICS);
        assertThat(response.headers().firstValue("content-type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
    }

    @Test
    void shouldCloseAConnectionThatTricklesItsRequestWhenTheReadTimeoutPasses() throws Exception {
        long readTimeoutMs = 300;
        start(() -> METRICS, new MetricsLimits(16, readTimeoutMs, LONG_MS, LONG_MS));
        long startNs = System.nanoTime();
        Socket socket = connect();
        OutputStream out = socket.getOutputStream();
        out.write("GET /metrics HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        Thread trickler =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try {
                                        while (true) {
                                            out.write('X');
                                            Thread.sleep(50);
                                        }
                                    } catch (IOException | InterruptedException closed) {
                                        // the endpoint cut it
                                    }
                                });

        boolean closed = closedByServer(socket);

        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        assertThat(closed).isTrue();
        assertThat(elapsedMs).isBetween(readTimeoutMs, readTimeoutMs + 3_000);
        trickler.join(5_000);
    }

    @Test
    void shouldCloseThe17thConnectionWhen16AreOpen() throws Exception {
        start(() -> METRICS, new MetricsLimits(16, LONG_MS, LONG_MS, LONG_MS));
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            open.add(connect());
        }
        awaitConnections(endpoint, 16);

        assertThat(closedByServer(connect())).isTrue();

        open.getFirst().close();
        awaitConnections(endpoint, 15);
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswer503WhenTheScrapeDoesNotFinishInTime() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        start(
                () -> {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return METRICS;
                },
                new MetricsLimits(16, LONG_MS, 200, LONG_MS));
        try {
            assertThat(get("/metrics").statusCode()).isEqualTo(503);
        } finally {
            release.countDown();
        }
    }

    @Test
    void shouldAnswer404ElsewhereAnd405ForOtherMethods() throws Exception {
        start(() -> METRICS, MetricsLimits.DEFAULTS);

        assertThat(get("/").statusCode()).isEqualTo(404);
        HttpResponse<String> post =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://127.0.0.1:"
                                                        + endpoint.address().getPort()
                                                        + "/metrics"))
                                .POST(HttpRequest.BodyPublishers.ofString("x"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(get("/metrics?name=x").body()).isEqualTo(METRICS);
    }
}
