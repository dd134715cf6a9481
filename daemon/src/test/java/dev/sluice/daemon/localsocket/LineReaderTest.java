package dev.sluice.daemon.localsocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineReaderTest {
    @Test
    void linesShouldBeSplitAndAnOverlongOneReportedAsSoonAsItPassesTheLimit() throws Exception {
        String input = "first\n" + "y".repeat(100) + "\nlast\npartial";
        LineReader reader =
                new LineReader(
                        Channels.newChannel(
                                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))),
                        50);
        assertThat(reader.next()).isEqualTo("first");
        assertThat(reader.next()).isSameAs(LineReader.TOO_LONG);
    }

    /** An endless line of 'x' that counts the bytes it hands out. */
    private static final class EndlessLine implements ReadableByteChannel {
        long handedOut;

        @Override
        public int read(ByteBuffer destination) {
            int n = destination.remaining();
            while (destination.hasRemaining()) {
                destination.put((byte) 'x');
            }
            handedOut += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    @Test
    void shouldStopReadingAnEndlessLineAfterAtMostTheLimitAndOneReadWhenNoNewlineComes()
            throws Exception {
        EndlessLine endless = new EndlessLine();
        int limitBytes = 64 * 1024;

        String line = new LineReader(endless, limitBytes).next();

        assertThat(line).isSameAs(LineReader.TOO_LONG);
        assertThat(endless.handedOut).isBetween((long) limitBytes, limitBytes + 8_192L);
    }
}
