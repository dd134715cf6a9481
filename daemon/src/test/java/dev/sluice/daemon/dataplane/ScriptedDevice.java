package dev.sluice.daemon.dataplane;

import dev.sluice.packet.pool.PacketBuffer;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * A packet device for agent tests: reads hand out queued packets, writes are kept, and any read or
 * write (numbered from 1) can be made to throw or a read to fail with an errno. When nothing is
 * left to read (and reads are not failing for ever), {@link #whenDrained} runs: tests stop the
 * agent there, so its loop runs on the test thread and ends.
 */
final class ScriptedDevice implements PacketDevice {
    /** Reads after which a device that never drains gives up (a test that never ends). */
    private static final int MAX_READS = 100_000;

    private final Deque<byte[]> toRead = new ArrayDeque<>();
    private final List<byte[]> written = new ArrayList<>();
    private IntPredicate readThrows = n -> false;
    private IntPredicate writeThrows = n -> false;
    private int readErrno;
    private boolean readableForever;
    private Runnable whenDrained = () -> {};
    private int reads;
    private int writes;

    ScriptedDevice queue(byte[] packet) {
        toRead.add(packet);
        return this;
    }

    /** Read number {@code n} (from 1) throws when the predicate holds. */
    ScriptedDevice readThrows(IntPredicate predicate) {
        this.readThrows = predicate;
        return this;
    }

    /** Write number {@code n} (from 1) throws when the predicate holds. */
    ScriptedDevice writeThrows(IntPredicate predicate) {
        this.writeThrows = predicate;
        return this;
    }

    /** Every read fails with {@code errno}. */
    ScriptedDevice readFails(int errno) {
        this.readErrno = errno;
        return this;
    }

    /** The device says it is readable even with nothing queued (a broken device). */
    ScriptedDevice readableForever() {
        this.readableForever = true;
        return this;
    }

    ScriptedDevice whenDrained(Runnable action) {
        this.whenDrained = action;
        return this;
    }

    @Override
    public String name() {
        return "scripted0";
    }

    @Override
    public int read(PacketBuffer buffer, int offset) {
        reads++;
        if (reads >= MAX_READS) {
            whenDrained.run();
        }
        if (readThrows.test(reads)) {
            throw new IllegalStateException("read " + reads + " fails");
        }
        if (readErrno != 0) {
            return -readErrno;
        }
        byte[] packet = toRead.poll();
        if (packet == null) {
            return 0;
        }
        buffer.data().put(offset, packet);
        return packet.length;
    }

    @Override
    public int write(PacketBuffer buffer, int offset, int length) {
        return write(buffer.data(), offset, length);
    }

    @Override
    public int write(ByteBuffer data, int offset, int length) {
        writes++;
        if (writeThrows.test(writes)) {
            throw new IllegalStateException("write " + writes + " fails");
        }
        byte[] copy = new byte[length];
        data.get(offset, copy);
        written.add(copy);
        return length;
    }

    @Override
    public boolean awaitReadable(int timeoutMs) {
        if (toRead.isEmpty() && !readableForever) {
            whenDrained.run();
            return false;
        }
        return true;
    }

    @Override
    public void close() {}

    List<byte[]> written() {
        return written;
    }

    int reads() {
        return reads;
    }
}
