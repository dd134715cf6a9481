package dev.sluice.daemon.localsocket;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Clients of a Unix socket for tests: every blocking step has a timeout. */
public final class LocalClients {
    private LocalClients() {}

    public static SocketChannel connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return channel;
    }

    public static void send(SocketChannel channel, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /**
     * The next line the server sends (without its newline), or null when it closed the connection
     * first; fails after {@code timeoutMs}.
     */
    public static String readLine(SocketChannel channel, long timeoutMs) throws Exception {
        return within(
                timeoutMs,
                channel,
                () -> {
                    String line = new LineReader(channel, 1 << 20).next();
                    return line == LineReader.TOO_LONG ? null : line;
                });
    }

    /**
     * The next {@code count} lines the server sends, fewer when it closes the connection first;
     * fails after {@code timeoutMs}.
     */
    public static java.util.List<String> readLines(SocketChannel channel, int count, long timeoutMs)
            throws Exception {
        return within(
                timeoutMs,
                channel,
                () -> {
                    LineReader reader = new LineReader(channel, 1 << 20);
                    java.util.List<String> lines = new java.util.ArrayList<>();
                    String line;
                    while (lines.size() < count && (line = reader.next()) != null) {
                        lines.add(line);
                    }
                    return lines;
                });
    }

    /** True when the server closes the connection within {@code timeoutMs}, data read ignored. */
    public static boolean closedWithin(SocketChannel channel, long timeoutMs) throws Exception {
        try {
            return within(
                    timeoutMs,
                    channel,
                    () -> {
                        ByteBuffer sink = ByteBuffer.allocate(4_096);
                        try {
                            while (channel.read(sink.clear()) >= 0) {
                                // discard
                            }
                        } catch (IOException reset) {
                            // reset by the server: closed as well
                        }
                        return true;
                    });
        } catch (TimeoutException stillOpen) {
            return false;
        }
    }

    private interface Step<T> {
        T run() throws IOException;
    }

    private static <T> T within(long timeoutMs, SocketChannel channel, Step<T> step)
            throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual()
                .start(
                        () -> {
                            try {
                                result.complete(step.run());
                            } catch (IOException | RuntimeException e) {
                                result.completeExceptionally(e);
                            }
                        });
        try {
            return result.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            channel.close(); // ends the blocked read
            throw e;
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }
}
