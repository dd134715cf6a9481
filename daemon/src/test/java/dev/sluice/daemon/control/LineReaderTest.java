package dev.sluice.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.channels.Channels;
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
}
