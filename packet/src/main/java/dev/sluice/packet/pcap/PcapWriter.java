package dev.sluice.packet.pcap;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a classic pcap file (magic 0xa1b23c4d: nanosecond timestamps, little-endian fields as
 * libpcap writes on x86) of {@link PcapLinkType#RAW} IP packets.
 *
 * <pre>
 * file:   magic(4) major=2(2) minor=4(2) thiszone=0(4) sigfigs=0(4) snaplen(4) linktype=101(4)
 * record: ts_sec(4) ts_nsec(4) incl_len(4) orig_len(4) packet[incl_len]
 * </pre>
 *
 * <p>Allocates nothing per packet: records are staged in one reused array.
 */
public final class PcapWriter implements Closeable {
    /** Magic of a nanosecond-resolution pcap file. */
    public static final int MAGIC_NANOSECONDS = 0xa1b23c4d;

    /** Magic of a microsecond-resolution pcap file. */
    public static final int MAGIC_MICROSECONDS = 0xa1b2c3d4;

    private static final int FILE_HEADER_LENGTH = 24;
    private static final int RECORD_HEADER_LENGTH = 16;

    private final OutputStream out;
    private final int snapLength;
    private final byte[] staging;

    /** Starts a file on {@code out} keeping at most {@code snapLength} bytes per packet. */
    public PcapWriter(OutputStream out, int snapLength) throws IOException {
        this.out = out;
        this.snapLength = snapLength;
        this.staging = new byte[Math.max(FILE_HEADER_LENGTH, RECORD_HEADER_LENGTH + snapLength)];
        putIntLe(0, MAGIC_NANOSECONDS);
        putShortLe(4, 2);
        putShortLe(6, 4);
        putIntLe(8, 0);
        putIntLe(12, 0);
        putIntLe(16, snapLength);
        putIntLe(20, PcapLinkType.RAW.code());
        out.write(staging, 0, FILE_HEADER_LENGTH);
    }

    /** Creates (or truncates) {@code file} and starts a pcap file with a 65535-byte snap length. */
    public static PcapWriter create(Path file) throws IOException {
        return new PcapWriter(new BufferedOutputStream(Files.newOutputStream(file)), 65535);
    }

    /**
     * Appends the packet {@code buffer[offset, offset + length)} captured at {@code timestampNs}.
     */
    public void write(long timestampNs, ByteBuffer buffer, int offset, int length)
            throws IOException {
        int kept = Math.min(length, snapLength);
        putIntLe(0, (int) (timestampNs / 1_000_000_000L));
        putIntLe(4, (int) (timestampNs % 1_000_000_000L));
        putIntLe(8, kept);
        putIntLe(12, length);
        buffer.get(offset, staging, RECORD_HEADER_LENGTH, kept);
        out.write(staging, 0, RECORD_HEADER_LENGTH + kept);
    }

    /** Appends a packet held in an array. */
    public void write(long timestampNs, byte[] packet) throws IOException {
        write(timestampNs, ByteBuffer.wrap(packet), 0, packet.length);
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void putIntLe(int at, int value) {
        staging[at] = (byte) value;
        staging[at + 1] = (byte) (value >>> 8);
        staging[at + 2] = (byte) (value >>> 16);
        staging[at + 3] = (byte) (value >>> 24);
    }

    private void putShortLe(int at, int value) {
        staging[at] = (byte) value;
        staging[at + 1] = (byte) (value >>> 8);
    }
}
