package dev.sluice.daemon.metrics;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics} on {@code 127.0.0.1:MetricsPort} (loopback only), when the configuration
 * sets a port; {@link #start} with port 0 starts nothing.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer server;

    private MetricsEndpoint(HttpServer server) {
        this.server = server;
    }

    public static MetricsEndpoint start(int port, SluiceMetrics metrics) throws IOException {
        if (port == 0) {
            return new MetricsEndpoint(null);
        }
        HttpServer server;
        try {
            server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (IOException e) {
            throw new IOException(
                    "cannot serve metrics on 127.0.0.1:"
                            + port
                            + " (MetricsPort): "
                            + e.getMessage(),
                    e);
        }
        server.createContext(
                "/metrics",
                exchange -> {
                    byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders()
                            .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        server.setExecutor(null);
        server.start();
        return new MetricsEndpoint(server);
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
