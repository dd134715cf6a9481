package dev.sluice.daemon.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** {@code 2026-11-22T08:13:00.123Z INFO connection: connected: ...}; a throwable on later lines. */
public final class OneLineFormatter extends Formatter {
    private final boolean withTraces;

    public OneLineFormatter(boolean withTraces) {
        this.withTraces = withTraces;
    }

    @Override
    public String format(LogRecord record) {
        String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
        String component =
                logger.substring(logger.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        StringBuilder line =
                new StringBuilder(128)
                        .append(Instant.ofEpochMilli(record.getMillis()))
                        .append(' ')
                        .append(record.getLevel().getName())
                        .append(' ')
                        .append(component)
                        .append(": ")
                        .append(formatMessage(record));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            if (withTraces) {
                StringWriter trace = new StringWriter();
                thrown.printStackTrace(new PrintWriter(trace));
                line.append('\n').append(trace);
            } else {
                line.append(" (").append(thrown).append(')');
            }
        }
        return line.append('\n').toString();
    }
}
