package dev.sluice.packet.pcap;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads classic pcap files written by tcpdump, tshark or {@link PcapWriter}: either byte order,
 * microsecond or nanosecond timestamps, and the link types of {@link PcapLinkType} (the link-layer
 * header is stripped, so records hold IP packets). Anything else fails with a {@link
 * PcapFormatException} naming the source and the problem.
 */
public final class PcapReader implements Closeable {
    private static final int MAX_RECORD_LENGTH = 262_144;

    private final InputStream in;
    private final String sourceName;
    private final ByteOrder order;
    private final boolean nanoseconds;
    private final PcapLinkType linkType;
    private final byte[] header = new byte[24];
    private long recordNumber;

    /** Reads the file header from {@code in}; {@code sourceName} appears in error messages. */
    public PcapReader(InputStream in, String sourceName) throws IOException {
        this.in = in;
        this.sourceName = sourceName;
        if (!readFully(header, 24)) {
            throw new PcapFormatException(sourceName + ": too short for a pcap file header");
        }
        ByteBuffer view = ByteBuffer.wrap(header);
        int magic = view.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        ByteOrder detected = ByteOrder.LITTLE_ENDIAN;
        if (magic != PcapWriter.MAGIC_MICROSECONDS && magic != PcapWriter.MAGIC_NANOSECONDS) {
            magic = view.order(ByteOrder.BIG_ENDIAN).getInt(0);
            detected = ByteOrder.BIG_ENDIAN;
        }
        if (magic != PcapWriter.MAGIC_MICROSECONDS && magic != PcapWriter.MAGIC_NANOSECONDS) {
            throw new PcapFormatException(
                    sourceName
                            + ": not a classic pcap file (magic "
                            + String.format("0x%08x", view.order(ByteOrder.BIG_ENDIAN).getInt(0))
                            + "; pcapng is not supported, convert with editcap -F pcap)");
        }
        this.order = detected;
        this.nanoseconds = magic == PcapWriter.MAGIC_NANOSECONDS;
        int code = view.order(order).getInt(20) & 0x0fffffff;
        this.linkType = PcapLinkType.fromCode(code);
        if (linkType == null) {
            throw new PcapFormatException(
                    sourceName + ": link type " + code + " is not supported (use LINKTYPE_RAW)");
        }
    }

    /** Opens {@code file} and reads its header. */
    public static PcapReader open(Path file) throws IOException {
        return new PcapReader(new BufferedInputStream(Files.newInputStream(file)), file.toString());
    }

    /** Every record of {@code file}, in order. */
    public static List<PcapRecord> readAll(Path file) throws IOException {
        try (PcapReader reader = open(file)) {
            List<PcapRecord> records = new ArrayList<>();
            PcapRecord record;
            while ((record = reader.next()) != null) {
                records.add(record);
            }
            return records;
        }
    }

    public PcapLinkType linkType() {
        return linkType;
    }

    /** The next record, or null at the end of the file. */
    public PcapRecord next() throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        header[0] = (byte) first;
        recordNumber++;
        if (!readFully(header, 1, 15)) {
            throw new PcapFormatException(
                    sourceName + ": record " + recordNumber + " has a truncated header");
        }
        ByteBuffer view = ByteBuffer.wrap(header).order(order);
        long seconds = view.getInt(0) & 0xffffffffL;
        long fraction = view.getInt(4) & 0xffffffffL;
        int included = view.getInt(8);
        int original = view.getInt(12);
        if (included < 0 || included > MAX_RECORD_LENGTH) {
            throw new PcapFormatException(
                    sourceName + ": record " + recordNumber + " claims " + included + " bytes");
        }
        byte[] data = new byte[included];
        if (!readFully(data, included)) {
            throw new PcapFormatException(
                    sourceName + ": record " + recordNumber + " is cut short");
        }
        int skip = Math.min(linkType.linkHeaderLength(), included);
        byte[] packet = skip == 0 ? data : Arrays.copyOfRange(data, skip, included);
        long timestampNs = seconds * 1_000_000_000L + (nanoseconds ? fraction : fraction * 1000);
        return new PcapRecord(timestampNs, packet, Math.max(0, original - skip));
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private boolean readFully(byte[] target, int length) throws IOException {
        return readFully(target, 0, length);
    }

    private boolean readFully(byte[] target, int offset, int length) throws IOException {
        try {
            int done = 0;
            while (done < length) {
                int n = in.read(target, offset + done, length - done);
                if (n < 0) {
                    return false;
                }
                done += n;
            }
            return true;
        } catch (EOFException e) {
            return false;
        }
    }
}
