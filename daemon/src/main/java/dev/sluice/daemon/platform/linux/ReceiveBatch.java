package dev.sluice.daemon.platform.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The memory one recvmmsg(2) fills: {@code slots} messages of up to {@code capacity} bytes each
 * (with UDP_GRO a slot may hold several datagrams of one flow back to back, all of {@link
 * #segmentSize} bytes but the last), each with its source address. Owned by one receiving thread;
 * reused call after call, allocation-free.
 *
 * <pre>
 *   data      slot i at i * capacity
 *   vectors   struct mmsghdr[slots] (64 bytes each), then struct iovec[slots] (16 each),
 *             then sockaddr room[slots] (32 each), then control room[slots] (32 each)
 * </pre>
 */
public final class ReceiveBatch {
    private static final int MMSGHDR = 64;
    private static final int IOVEC = 16;
    private static final int NAME = 32;
    private static final int CONTROL = 32;

    private final int slots;
    private final int capacity;
    private final ByteBuffer data;
    private final ByteBuffer vectors;
    private final long vectorsAddress;
    private final int iovecsAt;
    private final int namesAt;
    private final int controlsAt;
    private int received;

    public ReceiveBatch(int slots, int capacity) {
        this.slots = slots;
        this.capacity = capacity;
        this.data = ByteBuffer.allocateDirect(slots * capacity);
        this.iovecsAt = slots * MMSGHDR;
        this.namesAt = iovecsAt + slots * IOVEC;
        this.controlsAt = namesAt + slots * NAME;
        this.vectors =
                ByteBuffer.allocateDirect(controlsAt + slots * CONTROL)
                        .order(ByteOrder.nativeOrder());
        this.vectorsAddress = TunDevice.address(vectors);
        long dataAddress = TunDevice.address(data);
        for (int i = 0; i < slots; i++) {
            vectors.putLong(iovecsAt + i * IOVEC, dataAddress + (long) i * capacity);
            vectors.putLong(iovecsAt + i * IOVEC + 8, capacity);
        }
    }

    /** Resets the lengths the kernel overwrites; before each recvmmsg. */
    void prepare() {
        for (int i = 0; i < slots; i++) {
            int at = i * MMSGHDR;
            vectors.putLong(at, vectorsAddress + namesAt + (long) i * NAME);
            vectors.putInt(at + 8, UdpSocket.SOCKADDR_LENGTH);
            vectors.putLong(at + 16, vectorsAddress + iovecsAt + (long) i * IOVEC);
            vectors.putLong(at + 24, 1);
            vectors.putLong(at + 32, vectorsAddress + controlsAt + (long) i * CONTROL);
            vectors.putLong(at + 40, CONTROL);
            vectors.putInt(at + 48, 0);
            vectors.putInt(at + 56, 0);
        }
        received = 0;
    }

    void received(int count) {
        received = count;
    }

    long vectorAddress() {
        return vectorsAddress;
    }

    /** Slots in the batch. */
    public int slots() {
        return slots;
    }

    /** Messages the last receive filled. */
    public int count() {
        return received;
    }

    /** Where every slot's bytes are. */
    public ByteBuffer data() {
        return data;
    }

    /** Offset of slot {@code i} in {@link #data()}. */
    public int offset(int i) {
        return i * capacity;
    }

    /** Bytes in slot {@code i}. */
    public int length(int i) {
        return vectors.getInt(i * MMSGHDR + 56);
    }

    /**
     * The size of each datagram in slot {@code i} when UDP GRO coalesced several there (the last
     * may be shorter), else its length.
     */
    public int segmentSize(int i) {
        int at = controlsAt + i * CONTROL;
        long controlLength = vectors.getLong(i * MMSGHDR + 40);
        if (controlLength >= 20
                && vectors.getInt(at + 8) == UdpSocket.SOL_UDP
                && vectors.getInt(at + 12) == UdpSocket.UDP_GRO) {
            int size = vectors.getInt(at + 16);
            if (size > 0) {
                return size;
            }
        }
        return length(i);
    }

    /** The buffer holding slot {@code i}'s source sockaddr at {@link #sourceOffset(int)}. */
    public ByteBuffer sources() {
        return vectors;
    }

    /** Offset of slot {@code i}'s source sockaddr in {@link #sources()}. */
    public int sourceOffset(int i) {
        return namesAt + i * NAME;
    }

    /** Length of slot {@code i}'s source sockaddr. */
    public int sourceLength(int i) {
        return vectors.getInt(i * MMSGHDR + 8);
    }
}
