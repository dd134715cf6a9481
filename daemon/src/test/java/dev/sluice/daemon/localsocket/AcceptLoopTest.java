package dev.sluice.daemon.localsocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The accept loop against an accept() that fails as it does when the process is out of files. */
class AcceptLoopTest {
    private static final Logger JUL = Logger.getLogger(AcceptLoop.class.getName());

    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture =
            new Handler() {
                @Override
                public void publish(LogRecord record) {
                    synchronized (logged) {
                        logged.add(record);
                    }
                }

                @Override
                public void flush() {}

                @Override
                public void close() {}
            };

    @BeforeEach
    void captureLogs() {
        JUL.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        JUL.removeHandler(capture);
    }

    private List<LogRecord> logged(Level level) {
        synchronized (logged) {
            return logged.stream().filter(record -> record.getLevel() == level).toList();
        }
    }

    /** Step by step: EMFILE, a connection, or the end (the listening socket closed). */
    private static Deque<Object> script(Object... steps) {
        return new ArrayDeque<>(List.of(steps));
    }

    private static final String EMFILE = "Too many open files";
    private static final String CONNECTION = "connection";

    private static AcceptLoop.Acceptor scripted(Deque<Object> steps) {
        return () -> {
            Object step = steps.poll();
            if (step == null) {
                throw new ClosedChannelException();
            }
            if (step.equals(EMFILE)) {
                throw new IOException(EMFILE);
            }
            return SocketChannel.open();
        };
    }

    @Test
    void shouldPauseLongerAndLongerAndWarnOncePerRunWhenAcceptFailsWithEmfile() {
        Deque<Object> steps = script();
        for (int i = 0; i < 9; i++) {
            steps.add(EMFILE);
        }
        steps.add(CONNECTION);
        steps.add(EMFILE);
        steps.add(EMFILE);
        List<Long> pausesMs = new ArrayList<>();
        AcceptLoop loop =
                new AcceptLoop(
                        "test socket",
                        scripted(steps),
                        new LocalSocketLimits(4, 1_000, 1_000),
                        new byte[0],
                        (client, deadline) -> {},
                        pausesMs::add);

        loop.run();
        loop.close();

        assertThat(pausesMs)
                .containsExactly(10L, 20L, 40L, 80L, 160L, 320L, 640L, 1_000L, 1_000L, 10L, 20L);
        assertThat(logged(Level.WARNING)).hasSize(2);
        assertThat(logged(Level.WARNING).getFirst().getMessage())
                .contains("test socket", EMFILE, "1000 ms");
        assertThat(logged(Level.INFO)).hasSize(1);
        assertThat(logged(Level.INFO).getFirst().getMessage()).contains("after 9 failures");
    }
}
