package dev.sluice.daemon.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Newline-delimited lines from a channel, each at most {@code maxBytes} long: as soon as a line
 * passes the limit, {@link #TOO_LONG} is returned (the rest is never buffered) and the caller
 * should close the connection, so a client cannot make the daemon hold unbounded memory.
 */
final class LineReader {
    /** Marks a line over the limit (compare by identity). */
    static final String TOO_LONG = new String("<too long>");

    private final ReadableByteChannel channel;
    private final int maxBytes;
    private final ByteBuffer buffer = ByteBuffer.allocate(8192);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineReader(ReadableByteChannel channel, int maxBytes) {
        this.channel = channel;
        this.maxBytes = maxBytes;
        buffer.flip();
    }

    /** The next line without its newline, {@link #TOO_LONG}, or null at end of stream. */
    String next() throws IOException {
        while (true) {
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    String result = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    return result;
                }
                if (line.size() >= maxBytes) {
                    return TOO_LONG;
                }
                line.write(b);
            }
            buffer.clear();
            int n = channel.read(buffer);
            buffer.flip();
            if (n < 0) {
                return null;
            }
        }
    }
}
