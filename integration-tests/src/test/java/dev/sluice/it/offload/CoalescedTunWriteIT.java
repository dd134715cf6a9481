package dev.sluice.it.offload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.it.netns.Namespaces;
import dev.sluice.packet.InternetChecksum;
import dev.sluice.packet.PacketBuilder;
import dev.sluice.packet.TcpHeader;
import dev.sluice.packet.offload.GroCoalescer;
import dev.sluice.packet.offload.VirtioNetHeader;
import dev.sluice.testkit.Privileged;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Super-packets built by {@link GroCoalescer} are what a Linux tun with offloads on accepts:
 * written to it (offload-tun.py, in a throwaway namespace) they reach local TCP and UDP sockets
 * intact, and when forwarded out of a plain tun the kernel cuts them back into exactly the segments
 * that were coalesced. A header the kernel must refuse is refused, so "accepted" means something.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CoalescedTunWriteIT {
    private static final int ACK = TcpHeader.FLAG_ACK;
    private static final HexFormat HEX = HexFormat.of();

    private Namespaces namespaces;
    private Process helper;
    private BufferedReader replies;
    private PrintWriter commands;

    @BeforeEach
    void setUp() throws Exception {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("python3", "drives the offload tun");
        namespaces = new Namespaces("gro");
        String namespace = namespaces.create("x");
        helper =
                new ProcessBuilder("ip", "netns", "exec", namespace, "python3", script().toString())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        replies =
                new BufferedReader(
                        new InputStreamReader(helper.getInputStream(), StandardCharsets.US_ASCII));
        commands = new PrintWriter(helper.getOutputStream(), true, StandardCharsets.US_ASCII);
        assertThat(replies.readLine()).as("offload-tun.py set up").isEqualTo("ready");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (helper != null) {
            commands.println("quit");
            if (!helper.waitFor(10, TimeUnit.SECONDS)) {
                helper.destroyForcibly();
            }
        }
        if (namespaces != null) {
            namespaces.close();
        }
    }

    @Test
    void shouldBeCutBackIntoTheSameSegmentsWhenForwardedByTheKernel() throws IOException {
        List<List<byte[]>> flows =
                List.of(
                        tcpFlow(false, "10.79.2.5", "10.79.1.9", 44, 1448),
                        tcpFlow(true, "fd79:2::5", "fd79:1::9", 30, 1428),
                        udpFlow(false, "10.79.2.5", "10.79.1.9", 20, 1200),
                        udpFlow(true, "fd79:2::5", "fd79:1::9", 12, 1100));
        for (List<byte[]> flow : flows) {
            List<byte[]> writes = coalesce(flow);
            assertThat(writes).as("super-packets").hasSizeLessThan(flow.size() / 4);
            for (byte[] write : writes) {
                assertThat(send(write)).as("tun write").isEqualTo("ok " + write.length);
            }
            commands.println("read-out " + flow.size() + " 5000");
            List<String> out = new ArrayList<>();
            String line;
            while ((line = replies.readLine()).startsWith("packet ")) {
                out.add(line.substring(7));
            }
            assertThat(line).isEqualTo("done " + flow.size());
            assertThat(out).isEqualTo(flow.stream().map(p -> HEX.formatHex(forwarded(p))).toList());
        }
    }

    @Test
    void shouldDeliverTheStreamToALocalSocketWhenTcpIsCoalesced() throws IOException {
        deliverTcp(false, "10.79.2.5", "10.79.0.1");
        deliverTcp(true, "fd79:2::5", "fd79::1");
    }

    @Test
    void shouldDeliverEveryDatagramToALocalSocketWhenUdpIsCoalesced() throws IOException {
        for (boolean ipv6 : new boolean[] {false, true}) {
            List<byte[]> datagrams = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                datagrams.add(
                        builder(
                                        ipv6,
                                        ipv6 ? "fd79:2::5" : "10.79.2.5",
                                        ipv6 ? "fd79::1" : "10.79.0.1")
                                .identification(i)
                                .udp(4500, 5353)
                                .payload(payload(i < 5 ? 1200 : 333, i))
                                .build());
            }
            List<byte[]> writes = coalesce(datagrams);
            assertThat(writes).hasSize(1);
            assertThat(send(writes.get(0))).startsWith("ok ");

            commands.println("recv-udp " + (ipv6 ? 6 : 4) + " 6 5000");
            for (int i = 0; i < 6; i++) {
                assertThat(replies.readLine())
                        .as("datagram %d over IPv%d", i, ipv6 ? 6 : 4)
                        .isEqualTo("datagram " + HEX.formatHex(payload(i < 5 ? 1200 : 333, i)));
            }
            assertThat(replies.readLine()).isEqualTo("done 6");
        }
    }

    @Test
    void shouldBeRefusedWhenTheVirtioHeaderIsInvalid() throws IOException {
        byte[] write = coalesce(tcpFlow(false, "10.79.2.5", "10.79.1.9", 4, 1000)).get(0);
        ByteBuffer.wrap(write).putShort(VirtioNetHeader.GSO_SIZE_OFFSET, (short) 0);

        assertThat(send(write)).startsWith("error 22 ");
    }

    /** Handshake by hand, then the data as coalesced super-packets; the socket reads it all. */
    private void deliverTcp(boolean ipv6, String peer, String local) throws IOException {
        int peerSequence = 7_000_000;
        byte[] syn =
                builder(ipv6, peer, local)
                        .tcp(40000, 5001, TcpHeader.FLAG_SYN)
                        .sequence(peerSequence)
                        .mss(1400)
                        .build();
        assertThat(send(none(syn))).startsWith("ok ");
        commands.println("read-syn-ack 5000");
        String reply = replies.readLine();
        assertThat(reply).as("SYN-ACK from the local stack").startsWith("packet ");
        ByteBuffer synAck = ByteBuffer.wrap(HEX.parseHex(reply.substring(7)));
        int tcp = VirtioNetHeader.LENGTH + (ipv6 ? 40 : 20);
        assertThat(synAck.get(tcp + TcpHeader.FLAGS_OFFSET))
                .isEqualTo((byte) (TcpHeader.FLAG_SYN | ACK));
        int localSequence = synAck.getInt(tcp + TcpHeader.SEQUENCE_OFFSET);
        int window = synAck.getShort(tcp + TcpHeader.WINDOW_OFFSET) & 0xffff;

        int sequence = peerSequence + 1;
        byte[] ack =
                builder(ipv6, peer, local)
                        .tcp(40000, 5001, ACK)
                        .sequence(sequence)
                        .acknowledgment(localSequence + 1)
                        .window(65535)
                        .build();
        assertThat(send(none(ack))).startsWith("ok ");

        int count = Math.min(40, window / 1400);
        assertThat(count).as("segments the advertised window allows").isGreaterThan(8);
        List<byte[]> segments = new ArrayList<>();
        byte[] stream = new byte[count * 1400];
        for (int i = 0; i < count; i++) {
            byte[] data = payload(1400, i);
            System.arraycopy(data, 0, stream, i * 1400, 1400);
            segments.add(
                    builder(ipv6, peer, local)
                            .identification(i + 1)
                            .tcp(40000, 5001, i == count - 1 ? ACK | TcpHeader.FLAG_PSH : ACK)
                            .sequence(sequence + i * 1400)
                            .acknowledgment(localSequence + 1)
                            .window(65535)
                            .payload(data)
                            .build());
        }
        List<byte[]> writes = coalesce(segments);
        assertThat(writes).hasSize(1);
        assertThat(send(writes.get(0))).startsWith("ok ");

        commands.println("recv-tcp " + (ipv6 ? 6 : 4) + " " + stream.length + " 5000");
        assertThat(replies.readLine())
                .as("bytes the IPv%d socket read", ipv6 ? 6 : 4)
                .isEqualTo("data " + HEX.formatHex(stream));
    }

    private String send(byte[] write) throws IOException {
        commands.println("write " + HEX.formatHex(write));
        return replies.readLine();
    }

    /** The coalescer's writes for {@code packets} (one receive batch), each copied out. */
    private static List<byte[]> coalesce(List<byte[]> packets) {
        GroCoalescer coalescer = new GroCoalescer(64, 8, true);
        for (byte[] packet : packets) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(16 + packet.length).put(16, packet);
            assertThat(coalescer.add(buffer, 16, packet.length)).isNotNegative();
        }
        List<byte[]> writes = new ArrayList<>();
        ByteBuffer out = ByteBuffer.allocateDirect(VirtioNetHeader.LENGTH + 65_535);
        for (int w = 0; w < coalescer.writeCount(); w++) {
            byte[] write = new byte[coalescer.emit(w, out, 0)];
            out.get(0, write);
            writes.add(write);
        }
        return writes;
    }

    /** A single packet behind a zero virtio header. */
    private static byte[] none(byte[] packet) {
        byte[] write = new byte[VirtioNetHeader.LENGTH + packet.length];
        System.arraycopy(packet, 0, write, VirtioNetHeader.LENGTH, packet.length);
        return write;
    }

    private static List<byte[]> tcpFlow(
            boolean ipv6, String source, String destination, int count, int size) {
        List<byte[]> segments = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            segments.add(
                    builder(ipv6, source, destination)
                            .identification(300 + i)
                            .tcp(40000, 443, i == count - 1 ? ACK | TcpHeader.FLAG_PSH : ACK)
                            .sequence(1_000_000 + i * size)
                            .acknowledgment(42)
                            .tcpOptions(new byte[] {1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9})
                            .payload(payload(size, i))
                            .build());
        }
        return segments;
    }

    private static List<byte[]> udpFlow(
            boolean ipv6, String source, String destination, int count, int size) {
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            datagrams.add(
                    builder(ipv6, source, destination)
                            .identification(500 + i)
                            .udp(4500, 4500)
                            .payload(payload(i == count - 1 ? size / 3 : size, i))
                            .build());
        }
        return datagrams;
    }

    private static PacketBuilder builder(boolean ipv6, String source, String destination) {
        return ipv6
                ? PacketBuilder.ipv6(source, destination)
                : PacketBuilder.ipv4(source, destination).dontFragment();
    }

    private static byte[] payload(int length, int seed) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (i * 13 + seed * 7 + 1);
        }
        return payload;
    }

    /** What forwarding makes of a packet: one hop less, the IPv4 header checksum updated. */
    private static byte[] forwarded(byte[] packet) {
        byte[] copy = packet.clone();
        ByteBuffer view = ByteBuffer.wrap(copy);
        if ((copy[0] & 0xf0) == 0x40) {
            copy[8]--;
            view.putShort(10, (short) 0);
            view.putShort(10, (short) InternetChecksum.compute(view, 0, 20));
        } else {
            copy[7]--;
        }
        return copy;
    }

    private static Path script() throws URISyntaxException {
        return Path.of(CoalescedTunWriteIT.class.getResource("/offload/offload-tun.py").toURI());
    }
}
