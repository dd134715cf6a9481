package dev.sluice.packet.offload;

import dev.sluice.packet.TcpHeader;
import java.nio.ByteBuffer;

/**
 * Coalesces the decrypted packets of one receive batch into as few tun writes as it can ("tunnel
 * in", software GRO): consecutive TCP segments of a flow become one TSO super-packet, and, when the
 * tun accepted USO, consecutive UDP datagrams of a flow one USO super-packet. Every other packet is
 * written as it came, behind a zero virtio header.
 *
 * <p>A packet joins the open super-packet of its flow (same addresses, protocol, ports) when:
 *
 * <ul>
 *   <li>it is a candidate ({@link GroCandidate}: no IPv4 options or fragments, no IPv6 extension
 *       headers, payload present, checksums valid, TCP flags exactly ACK or ACK|PSH);
 *   <li>IPv4 TOS, TTL and DF equal, identification one more than the previous segment's (or equal
 *       throughout, which RFC 6864 allows with DF); IPv6 traffic class, flow label and hop limit
 *       equal;
 *   <li>TCP: sequence number right after the previous payload, acknowledgment number, window and
 *       the option bytes equal (as the kernel's {@code tcp_gro_receive} requires);
 *   <li>its payload is no longer than the first segment's (which sets {@code gso_size}), and the
 *       super-packet stays within 65,535 bytes (64 segments for UDP, the kernel's limit).
 * </ul>
 *
 * A segment shorter than {@code gso_size} or with PSH ends its super-packet; so does any other
 * keyed packet of the flow that does not join (out of order, another flag, changed options, bad
 * checksum), which is then written after it, so a flow's bytes reach the tun in the order they
 * arrived. At most {@code maxOpenFlows} super-packets grow at once; a new flow beyond that closes
 * the least recently extended one.
 *
 * <pre>
 *  write of a super-packet:
 *  +------------+---------+-------------+-----------+-----------+-----+-----------+
 *  | virtio hdr | IP hdr  | TCP/UDP hdr | payload 0 | payload 1 | ... | payload n |
 *  +------------+---------+-------------+-----------+-----------+-----+-----------+
 *   flags NEEDS_CSUM, gso_type TCPV4 / TCPV6 / UDP_L4, hdr_len = IP + transport header,
 *   gso_size = payload 0 length, csum_start = IP header length, csum_offset 16 (TCP) / 6 (UDP);
 *   IP length and IPv4 header checksum for the whole; the first packet's headers, with PSH if
 *   the last segment had it, UDP length for the whole, and in the checksum field the partial
 *   (pseudo-header) sum, the kernel completing or segmenting it as it does for its own GRO.
 *  write of any other packet:   [ 10 zero bytes | the packet as given ]
 * </pre>
 *
 * <p>Use, per receive batch: {@link #add} each packet in arrival order (the coalescer keeps a
 * reference to its buffer, which must stay unchanged until {@link #reset}); when {@code add}
 * returns 0 remaining, or at the end of the batch, write out {@link #writeCount()} writes with
 * {@link #emit} (copied into one buffer) or {@link #emitInPlace} (headers rewritten in the first
 * packet's own buffer, payloads gathered from the others for one {@code writev}), then {@link
 * #reset}. Allocation-free after construction and exception-free for any packet bytes; one owner
 * thread at a time.
 */
public final class GroCoalescer {
    /** The longest IP packet a super-packet may become. */
    public static final int MAX_PACKET_LENGTH = 65_535;

    /** The most datagrams of one USO super-packet the kernel accepts ({@code UDP_MAX_SEGMENTS}). */
    public static final int MAX_UDP_SEGMENTS = 64;

    private static final int NO_PACKET = -1;
    private static final int FREE = -1;

    private final boolean udpAllowed;
    private final GroCandidate candidate = new GroCandidate();
    private final VirtioNetHeader virtio = new VirtioNetHeader();

    // Per packet, in arrival order.
    private final ByteBuffer[] packetBuffer;
    private final int[] packetOffset;
    private final int[] packetLength;
    private final int[] packetPayloadOffset;
    private final int[] packetPayloadLength;
    private final int[] packetTransportOffset;
    private final int[] nextMember;
    private int packetCount;

    // Per write, in the order the tun gets them.
    private final int[] writeHead;
    private final int[] writeTail;
    private final int[] writeSegments;
    private final int[] writeKind;
    private final int[] writeIpLength;
    private final int[] writeGsoSize;
    private final boolean[] writePush;
    private int writeCount;

    // Per open super-packet.
    private final int[] flowWrite;
    private final int[] flowHash;
    private final int[] flowNextSequence;
    private final int[] flowIdMode;
    private final long[] flowLastUse;
    private long useClock;

    private long coalescedPackets;

    /**
     * @param maxPackets packets one batch may hold (the receive batch size, e.g. 64)
     * @param maxOpenFlows super-packets that may grow at once (e.g. 8)
     * @param udpAllowed whether UDP is coalesced: only when the tun accepted TUN_F_USO4/USO6
     */
    public GroCoalescer(int maxPackets, int maxOpenFlows, boolean udpAllowed) {
        if (maxPackets < 1 || maxOpenFlows < 1) {
            throw new IllegalArgumentException(
                    "maxPackets and maxOpenFlows must be positive: "
                            + maxPackets
                            + ", "
                            + maxOpenFlows);
        }
        this.udpAllowed = udpAllowed;
        packetBuffer = new ByteBuffer[maxPackets];
        packetOffset = new int[maxPackets];
        packetLength = new int[maxPackets];
        packetPayloadOffset = new int[maxPackets];
        packetPayloadLength = new int[maxPackets];
        packetTransportOffset = new int[maxPackets];
        nextMember = new int[maxPackets];
        writeHead = new int[maxPackets];
        writeTail = new int[maxPackets];
        writeSegments = new int[maxPackets];
        writeKind = new int[maxPackets];
        writeIpLength = new int[maxPackets];
        writeGsoSize = new int[maxPackets];
        writePush = new boolean[maxPackets];
        flowWrite = new int[maxOpenFlows];
        flowHash = new int[maxOpenFlows];
        flowNextSequence = new int[maxOpenFlows];
        flowIdMode = new int[maxOpenFlows];
        flowLastUse = new long[maxOpenFlows];
        reset();
    }

    /**
     * Takes the packet at {@code buffer[offset, offset + length)}: joins it to its flow's open
     * super-packet, or makes it a write of its own.
     *
     * @return how many more packets fit before the writes must be emitted (0: emit and {@link
     *     #reset} now), or -1 when the coalescer was already full and the packet was not taken
     */
    public int add(ByteBuffer buffer, int offset, int length) {
        if (packetCount == packetBuffer.length) {
            return -1;
        }
        int packet = packetCount++;
        packetBuffer[packet] = buffer;
        packetOffset[packet] = offset;
        packetLength[packet] = length;
        nextMember[packet] = NO_PACKET;
        GroCandidate c = candidate;
        c.parse(buffer, offset, length, udpAllowed);
        if (c.keyed) {
            packetTransportOffset[packet] = offset + c.networkHeaderLength;
            packetPayloadOffset[packet] = offset + c.networkHeaderLength + c.transportHeaderLength;
            packetPayloadLength[packet] = c.payloadLength;
            int flow = findFlow(packet);
            if (flow >= 0) {
                if (c.kind != GroCandidate.KIND_NONE && canJoin(flow, packet)) {
                    join(flow, packet);
                    return packetBuffer.length - packetCount;
                }
                flowWrite[flow] = FREE;
            }
            if (c.kind != GroCandidate.KIND_NONE) {
                int write = newWrite(packet, c.kind, c.ipLength);
                writeGsoSize[write] = c.payloadLength;
                writePush[write] = pushed(c);
                if (!writePush[write]) {
                    openFlow(write);
                }
                return packetBuffer.length - packetCount;
            }
        }
        newWrite(packet, GroCandidate.KIND_NONE, length);
        return packetBuffer.length - packetCount;
    }

    private int newWrite(int packet, int kind, int ipLength) {
        int write = writeCount++;
        writeHead[write] = packet;
        writeTail[write] = packet;
        writeSegments[write] = 1;
        writeKind[write] = kind;
        writeIpLength[write] = ipLength;
        writeGsoSize[write] = 0;
        writePush[write] = false;
        return write;
    }

    private void openFlow(int write) {
        int slot = 0;
        for (int i = 0; i < flowWrite.length; i++) {
            if (flowWrite[i] == FREE) {
                slot = i;
                break;
            }
            if (flowLastUse[i] < flowLastUse[slot]) {
                slot = i;
            }
        }
        flowWrite[slot] = write;
        flowHash[slot] = candidate.flowHash;
        flowNextSequence[slot] = candidate.sequence + candidate.payloadLength;
        flowIdMode[slot] = GroMatch.ID_UNKNOWN;
        flowLastUse[slot] = ++useClock;
    }

    /** The open flow of the packet's key (version, addresses, protocol, ports), or -1. */
    private int findFlow(int packet) {
        for (int flow = 0; flow < flowWrite.length; flow++) {
            if (flowWrite[flow] != FREE
                    && flowHash[flow] == candidate.flowHash
                    && sameKey(writeHead[flowWrite[flow]], packet)) {
                return flow;
            }
        }
        return -1;
    }

    private boolean sameKey(int head, int packet) {
        return GroMatch.sameFlow(
                packetBuffer[head],
                packetOffset[head],
                packetTransportOffset[head],
                packetBuffer[packet],
                packetOffset[packet],
                packetTransportOffset[packet]);
    }

    private boolean canJoin(int flow, int packet) {
        GroCandidate c = candidate;
        int write = flowWrite[flow];
        int head = writeHead[write];
        if (c.kind != writeKind[write]
                || c.payloadLength > writeGsoSize[write]
                || c.payloadLength > MAX_PACKET_LENGTH - writeIpLength[write]
                || !GroMatch.sameNetworkFields(
                        packetBuffer[head],
                        packetOffset[head],
                        packetBuffer[packet],
                        packetOffset[packet],
                        writeSegments[write],
                        flowIdMode[flow])) {
            return false;
        }
        if (c.kind == GroCandidate.KIND_UDP) {
            return writeSegments[write] < MAX_UDP_SEGMENTS;
        }
        int headTcp = packetTransportOffset[head];
        return c.sequence == flowNextSequence[flow]
                && GroMatch.sameTcpHeaderRest(
                        packetBuffer[head],
                        headTcp,
                        packetPayloadOffset[head] - headTcp,
                        packetBuffer[packet],
                        packetTransportOffset[packet],
                        c.transportHeaderLength);
    }

    private void join(int flow, int packet) {
        GroCandidate c = candidate;
        int write = flowWrite[flow];
        if (c.ipVersion == 4 && flowIdMode[flow] == GroMatch.ID_UNKNOWN) {
            int head = writeHead[write];
            flowIdMode[flow] =
                    GroMatch.idMode(
                            packetBuffer[head],
                            packetOffset[head],
                            packetBuffer[packet],
                            packetOffset[packet]);
        }
        nextMember[writeTail[write]] = packet;
        writeTail[write] = packet;
        writeSegments[write]++;
        writeIpLength[write] += c.payloadLength;
        flowNextSequence[flow] = c.sequence + c.payloadLength;
        flowLastUse[flow] = ++useClock;
        coalescedPackets++;
        boolean push = pushed(c);
        writePush[write] = push;
        if (push
                || c.payloadLength < writeGsoSize[write]
                || (c.kind == GroCandidate.KIND_UDP && writeSegments[write] == MAX_UDP_SEGMENTS)) {
            flowWrite[flow] = FREE;
        }
    }

    /** A TCP segment with PSH: nothing may follow it in a super-packet. */
    private static boolean pushed(GroCandidate c) {
        return c.kind == GroCandidate.KIND_TCP && (c.tcpFlags & TcpHeader.FLAG_PSH) != 0;
    }

    /** Packets added since the last {@link #reset}. */
    public int packetCount() {
        return packetCount;
    }

    /** Writes the packets added so far make, in the order the tun must get them. */
    public int writeCount() {
        return writeCount;
    }

    /** Packets in write {@code write}: 1 for a packet written as it came. */
    public int writeSegments(int write) {
        return writeSegments[write];
    }

    /** True when write {@code write} is a super-packet (a TSO or USO write with a GSO header). */
    public boolean isSuperPacket(int write) {
        return writeSegments[write] > 1;
    }

    /** Bytes of write {@code write} as the tun takes it: virtio header plus packet. */
    public int writeLength(int write) {
        int ipLength =
                writeSegments[write] > 1 ? writeIpLength[write] : packetLength[writeHead[write]];
        return VirtioNetHeader.LENGTH + ipLength;
    }

    /** Packets that joined an earlier packet's write since construction (for metrics). */
    public long coalescedPackets() {
        return coalescedPackets;
    }

    /**
     * Copies write {@code write} (virtio header, then the packet or super-packet) into {@code
     * destination[offset, offset + writeLength(write))}. The packets' own buffers are not changed.
     *
     * @return the bytes written, or -1 (nothing written) when they do not fit below the limit
     */
    public int emit(int write, ByteBuffer destination, int offset) {
        int length = writeLength(write);
        if (offset < 0 || offset > destination.limit() - length) {
            return -1;
        }
        int head = writeHead[write];
        int packetAt = offset + VirtioNetHeader.LENGTH;
        if (writeSegments[write] == 1) {
            virtio.wrap(destination, offset).clear();
            destination.put(packetAt, packetBuffer[head], packetOffset[head], packetLength[head]);
            return length;
        }
        int headersLength = packetPayloadOffset[head] - packetOffset[head];
        destination.put(packetAt, packetBuffer[head], packetOffset[head], headersLength);
        int at = packetAt + headersLength;
        for (int p = head; p != NO_PACKET; p = nextMember[p]) {
            destination.put(at, packetBuffer[p], packetPayloadOffset[p], packetPayloadLength[p]);
            at += packetPayloadLength[p];
        }
        finishSuperPacket(write, destination, offset);
        return length;
    }

    /**
     * Prepares write {@code write} for a gathering write without copying: writes the virtio header
     * into the {@value VirtioNetHeader#LENGTH} bytes before its first packet (which the caller
     * leaves free: the WireGuard data header does) and rewrites that packet's headers for the whole
     * super-packet in place. The tun then takes, in order, {@code firstPacketBuffer[
     * packetOffset(first) - 10, ... + return value)} followed by {@code payload(p)} of every later
     * member {@code p = nextMember(first) ... }.
     *
     * @return the length of that first piece, or -1 (nothing changed) when there is no headroom
     */
    public int emitInPlace(int write) {
        int head = writeHead[write];
        int at = packetOffset[head] - VirtioNetHeader.LENGTH;
        if (at < 0) {
            return -1;
        }
        if (writeSegments[write] == 1) {
            virtio.wrap(packetBuffer[head], at).clear();
            return VirtioNetHeader.LENGTH + packetLength[head];
        }
        finishSuperPacket(write, packetBuffer[head], at);
        return packetPayloadOffset[head] + packetPayloadLength[head] - at;
    }

    /**
     * Writes the virtio header at {@code at} and fixes the headers behind it (a copy of the first
     * packet's) for the whole super-packet of {@code write}.
     */
    private void finishSuperPacket(int write, ByteBuffer buffer, int at) {
        int head = writeHead[write];
        SuperPacketHeader.finish(
                buffer,
                at,
                writeKind[write] == GroCandidate.KIND_TCP,
                packetTransportOffset[head] - packetOffset[head],
                packetPayloadOffset[head] - packetOffset[head],
                writeIpLength[write],
                writeGsoSize[write],
                writePush[write],
                virtio);
    }

    /** The first packet of write {@code write} (index for the accessors below). */
    public int firstPacket(int write) {
        return writeHead[write];
    }

    /** The packet after {@code packet} in its write, or -1 after the last. */
    public int nextMember(int packet) {
        return nextMember[packet];
    }

    /** The buffer packet {@code packet} was added in. */
    public ByteBuffer packetBuffer(int packet) {
        return packetBuffer[packet];
    }

    /** Absolute offset of packet {@code packet} in its buffer, as it was added. */
    public int packetOffset(int packet) {
        return packetOffset[packet];
    }

    /** Absolute offset of the payload (after the TCP/UDP header) of a coalesced packet. */
    public int payloadOffset(int packet) {
        return packetPayloadOffset[packet];
    }

    /** Payload bytes of a coalesced packet. */
    public int payloadLength(int packet) {
        return packetPayloadLength[packet];
    }

    /** Forgets every packet and write (and the buffer references) for the next batch. */
    public void reset() {
        for (int i = 0; i < packetCount; i++) {
            packetBuffer[i] = null;
        }
        packetCount = 0;
        writeCount = 0;
        for (int flow = 0; flow < flowWrite.length; flow++) {
            flowWrite[flow] = FREE;
            flowLastUse[flow] = 0;
        }
        useClock = 0;
    }
}
