package dev.sluice.packet.pcap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One captured packet: its timestamp, the IP packet bytes (link-layer header removed) and the
 * length it had on the wire before any snapshot truncation.
 *
 * @param timestampNs capture time in nanoseconds since the Unix epoch
 * @param packet the IP packet as captured (may be shorter than {@code originalLength})
 * @param originalLength length of the IP packet on the wire
 */
public record PcapRecord(long timestampNs, byte[] packet, int originalLength) {
    /** The packet copied into a new direct, big-endian buffer (position 0, limit = length). */
    public ByteBuffer toDirectBuffer() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(packet.length).order(ByteOrder.BIG_ENDIAN);
        buffer.put(0, packet);
        return buffer;
    }

    /** True when the capture holds fewer bytes than were on the wire. */
    public boolean truncated() {
        return packet.length < originalLength;
    }
}
