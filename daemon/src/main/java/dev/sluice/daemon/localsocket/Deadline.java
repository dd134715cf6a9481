package dev.sluice.daemon.localsocket;

import java.io.IOException;
import java.nio.channels.Channel;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes one connection when a step of it (reading a request, writing a reply) is not done in time.
 * Closing the channel wakes the thread blocked in that read or write with an {@link
 * java.nio.channels.AsynchronousCloseException}. Used by the connection's own thread: {@link #arm}
 * before the step, {@link #disarm} after it.
 */
public final class Deadline {
    private final Channel channel;
    private final ScheduledExecutorService timer;
    private ScheduledFuture<?> pending;
    private volatile boolean expired;

    Deadline(Channel channel, ScheduledExecutorService timer) {
        this.channel = channel;
        this.timer = timer;
    }

    /** Closes the connection {@code timeoutMs} from now unless {@link #disarm()}ed before. */
    public void arm(long timeoutMs) {
        disarm();
        pending = timer.schedule(this::expire, timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Cancels the armed deadline, if any. */
    public void disarm() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    /** Whether the deadline closed the connection. */
    public boolean expired() {
        return expired;
    }

    private void expire() {
        expired = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing is all there is to do; the serving thread sees the channel closed.
        }
    }
}
