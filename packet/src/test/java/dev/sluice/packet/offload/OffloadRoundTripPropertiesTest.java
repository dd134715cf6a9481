package dev.sluice.packet.offload;

import static dev.sluice.packet.offload.SegmentAssertions.assertValid;
import static dev.sluice.packet.offload.Writes.coalesce;
import static dev.sluice.packet.offload.Writes.hex;
import static dev.sluice.packet.offload.Writes.split;
import static dev.sluice.packet.offload.Writes.splitAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.packet.PacketBuilder;
import dev.sluice.packet.TcpHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Segmentation and coalescing undo each other: split(coalesce(x)) == x for the segments of any
 * flows in any arrival order (per flow: nothing lost, changed or reordered), and coalesce(split(s))
 * == s for any super-packet the coalescer can build, virtio header included. Every packet in
 * between has valid checksums.
 */
class OffloadRoundTripPropertiesTest {
    private static final int ACK = TcpHeader.FLAG_ACK;
    private static final int ACK_PSH = TcpHeader.FLAG_ACK | TcpHeader.FLAG_PSH;

    /** One flow's segments in order, with what the generator chose. */
    record Flow(List<byte[]> segments, String description) {
        @Override
        public String toString() {
            return description;
        }
    }

    @Property(tries = 300)
    void splitShouldGiveBackEveryFlowsPacketsWhenCoalescedInAnyArrivalOrder(
            @ForAll("flows") Flow first,
            @ForAll("flows") Flow second,
            @ForAll long arrivalSeed,
            @ForAll @IntRange(min = 0, max = 3) int swaps) {
        List<byte[]> arrival = interleave(first.segments(), second.segments(), arrivalSeed, swaps);
        GroCoalescer coalescer = new GroCoalescer(arrival.size(), 8, true);

        List<Writes.Write> writes = coalesce(coalescer, arrival);
        List<byte[]> split = splitAll(writes);

        for (byte[] packet : split) {
            assertValid(packet, "split packet");
        }
        assertThat(split).hasSameSizeAs(arrival);
        for (Flow flow : List.of(first, second)) {
            assertThat(hex(ofFlow(split, flow))).isEqualTo(hex(ofFlow(arrival, flow)));
        }
        assertThat(writes.size()).isLessThanOrEqualTo(arrival.size());
        Statistics.label("some packets coalesced").collect(writes.size() < arrival.size());
        Statistics.label("some packets coalesced")
                .coverage(coverage -> coverage.check(true).percentage(p -> p > 60));
    }

    @Property(tries = 300)
    void coalesceShouldGiveBackTheSuperPacketWhenGivenItsSegments(
            @ForAll("superPackets") Flow superPacket) {
        byte[] write = superPacket.segments().get(0);
        Writes.Write original = new Writes.Write(write);
        List<byte[]> segments = split(original);
        for (byte[] segment : segments) {
            assertValid(segment, "segment of " + superPacket);
        }

        List<Writes.Write> writes = coalesce(new GroCoalescer(64, 8, true), segments);

        assertThat(writes).hasSize(1);
        assertThat(HexFormat.of().formatHex(writes.get(0).bytes()))
                .isEqualTo(HexFormat.of().formatHex(write));
    }

    /** TCP (v4 or v6, with or without timestamps) or UDP flows of 1 to 70 segments. */
    @Provide
    Arbitrary<Flow> flows() {
        return Combinators.combine(
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(1, 70),
                        Arbitraries.integers().between(1, 1400),
                        Arbitraries.integers().between(1, 1400),
                        Arbitraries.of(ACK, ACK_PSH),
                        Arbitraries.integers(),
                        Arbitraries.integers().between(0, 0xffff))
                .as(
                        (ipv6, udp, count, size, last, lastFlags, sequence, id) ->
                                udp
                                        ? udpFlow(ipv6, count, size, Math.min(size, last), id)
                                        : tcpFlow(
                                                ipv6,
                                                count,
                                                size,
                                                Math.min(size, last),
                                                lastFlags,
                                                sequence,
                                                id));
    }

    /** A TSO or USO super-packet the coalescer could have built, behind its virtio header. */
    @Provide
    Arbitrary<Flow> superPackets() {
        return Combinators.combine(
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(2, 64),
                        Arbitraries.integers().between(1, 1400),
                        Arbitraries.integers().between(1, 1400),
                        Arbitraries.of(ACK, ACK_PSH),
                        Arbitraries.integers())
                .as(
                        (ipv6, udp, count, size, last, flags, sequence) -> {
                            int lastLength = Math.min(size, last);
                            int fit = (65_535 - 100 - lastLength) / size + 1;
                            int segments = Math.max(2, Math.min(count, fit));
                            return superPacket(
                                    ipv6, udp, segments, size, lastLength, flags, sequence);
                        });
    }

    private static Flow tcpFlow(
            boolean ipv6, int count, int size, int last, int lastFlags, int sequence, int id) {
        int port = 1024 + Math.floorMod(sequence, 60_000);
        TcpStream stream =
                (ipv6 ? TcpStream.ipv6() : TcpStream.ipv4())
                        .ports(port, 443)
                        .sequence(sequence)
                        .identification(id);
        if ((sequence & 1) == 0) {
            stream.timestamps(sequence, id);
        }
        List<byte[]> segments = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean isLast = i == count - 1;
            segments.add(stream.next(isLast ? last : size, isLast ? lastFlags : ACK));
        }
        return new Flow(
                segments, "tcp ipv" + (ipv6 ? 6 : 4) + " " + count + "x" + size + " last " + last);
    }

    private static Flow udpFlow(boolean ipv6, int count, int size, int last, int id) {
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            PacketBuilder builder =
                    ipv6
                            ? PacketBuilder.ipv6("fd10::7", "fd66::2")
                            : PacketBuilder.ipv4("10.10.1.7", "10.66.0.2")
                                    .identification((id + i) & 0xffff);
            datagrams.add(
                    builder.udp(4500 + (id & 0xff), 443)
                            .payload(SuperPackets.payload(i == count - 1 ? last : size, i))
                            .build());
        }
        return new Flow(
                datagrams, "udp ipv" + (ipv6 ? 6 : 4) + " " + count + "x" + size + " last " + last);
    }

    private static Flow superPacket(
            boolean ipv6, boolean udp, int segments, int size, int last, int flags, int sequence) {
        int payload = (segments - 1) * size + last;
        PacketBuilder builder =
                ipv6
                        ? PacketBuilder.ipv6("fd10::5", "fd66::2")
                        : PacketBuilder.ipv4("10.10.1.5", "10.66.0.2")
                                .identification(sequence & 0xffff)
                                .dontFragment();
        byte[] packet;
        VirtioNetHeader header;
        if (udp) {
            packet =
                    SuperPackets.uso(
                            builder.udp(4500, 443).payload(SuperPackets.payload(payload, 9)));
            header = SuperPackets.usoHeader(packet, size);
        } else {
            builder.tcp(40000, 443, flags).sequence(sequence).acknowledgment(5).window(900);
            if ((sequence & 1) == 0) {
                builder.tcpOptions(new byte[] {1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8});
            }
            packet = SuperPackets.tso(builder.payload(SuperPackets.payload(payload, 9)));
            header = SuperPackets.tsoHeader(packet, size);
        }
        byte[] write = new byte[VirtioNetHeader.LENGTH + packet.length];
        ByteBuffer.wrap(write).put(0, header.buffer(), 0, VirtioNetHeader.LENGTH);
        System.arraycopy(packet, 0, write, VirtioNetHeader.LENGTH, packet.length);
        String kind = udp ? "uso" : "tso";
        return new Flow(
                List.of(write),
                kind + " ipv" + (ipv6 ? 6 : 4) + " " + segments + "x" + size + " last " + last);
    }

    /** A random merge of two in-order lists, then {@code swaps} neighbouring pairs swapped. */
    private static List<byte[]> interleave(List<byte[]> a, List<byte[]> b, long seed, int swaps) {
        Random random = new Random(seed);
        List<byte[]> merged = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            boolean takeA = j == b.size() || (i < a.size() && random.nextBoolean());
            merged.add(takeA ? a.get(i++) : b.get(j++));
        }
        for (int s = 0; s < swaps && merged.size() > 1; s++) {
            int at = random.nextInt(merged.size() - 1);
            byte[] held = merged.get(at);
            merged.set(at, merged.get(at + 1));
            merged.set(at + 1, held);
        }
        return merged;
    }

    /** The packets of {@code packets} that are one of {@code flow}'s, by content. */
    private static List<byte[]> ofFlow(List<byte[]> packets, Flow flow) {
        List<String> members = hex(flow.segments());
        return packets.stream().filter(p -> members.contains(HexFormat.of().formatHex(p))).toList();
    }
}
