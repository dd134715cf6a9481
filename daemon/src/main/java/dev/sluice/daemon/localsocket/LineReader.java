package dev.sluice.daemon.localsocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Newline-delimited lines from a channel, each at most {@code maxBytes} long: the limit is checked
 * byte by byte as the line is read, and as soon as a line passes it {@link #TOO_LONG} is returned
 * (the rest is never buffered; at most {@code maxBytes} plus one read of 8 KiB are held) and the
 * caller should close the connection, so a client cannot make the daemon hold unbounded memory.
 */
public final class LineReader {
    /** Marks a line over the limit (compare by identity). */
    public static final String TOO_LONG = new String("<too long>");

    private static final int READ_BYTES = 8192;

    private final ReadableByteChannel channel;
    private final int maxBytes;
    private final ByteBuffer buffer = ByteBuffer.allocate(READ_BYTES);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    public LineReader(ReadableByteChannel channel, int maxBytes) {
        this.channel = channel;
        this.maxBytes = maxBytes;
        buffer.flip();
    }

    /** The next line without its newline, {@link #TOO_LONG}, or null at end of stream. */
    public String next() throws IOException {
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
