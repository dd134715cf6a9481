package dev.sluice.it.replay;

import dev.sluice.packet.PacketBuilder;
import dev.sluice.packet.TcpHeader;
import dev.sluice.packet.pcap.PcapWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The replay fixtures and what Sluice must do with each packet under {@link #CONFIG_SPLIT}
 * (AllowedIPs 10.0.0.0/8 and fd00::/8). Regenerate the files in {@code src/test/resources/replay}
 * with {@code main}; {@code ReplayFixturesTest} keeps them in step.
 */
public final class ReplayFixtures {
    /** The client's [Split] section the expectations are written for. */
    public static final String CONFIG_SPLIT =
            "Mode = include\nTunnel = 10.60.0.0/16, 172.16.0.0/12, fd11::/16\n";

    /**
     * What a packet must become: {@code tunnel}, {@code bypass}, {@code drop} or {@code malformed}.
     */
    public record Fixture(String name, String expected, byte[] packet) {}

    private ReplayFixtures() {}

    public static List<Fixture> all() {
        List<Fixture> fixtures = new ArrayList<>();
        fixtures.add(
                new Fixture(
                        "tcp-syn-corp",
                        "tunnel",
                        PacketBuilder.ipv4("10.66.0.2", "10.60.32.10")
                                .tcp(40001, 443, TcpHeader.FLAG_SYN)
                                .build()));
        fixtures.add(
                new Fixture(
                        "udp-corp",
                        "tunnel",
                        PacketBuilder.ipv4("10.66.0.2", "10.60.1.1")
                                .udp(40002, 5000)
                                .payload(bytes("corp udp"))
                                .build()));
        fixtures.add(
                new Fixture(
                        "icmp-echo-corp",
                        "tunnel",
                        PacketBuilder.ipv4("10.66.0.2", "10.60.32.10")
                                .echoRequest(7, 1)
                                .payload(bytes("ping"))
                                .build()));
        fixtures.add(
                new Fixture(
                        "reverse-dns-query",
                        "tunnel",
                        PacketBuilder.ipv4("10.66.0.2", "10.60.0.53")
                                .udp(40003, 53)
                                .payload(ptrQuery())
                                .build()));
        fixtures.add(
                new Fixture(
                        "ipv4-first-fragment",
                        "tunnel",
                        PacketBuilder.ipv4("10.66.0.2", "10.60.2.2")
                                .identification(77)
                                .fragment(0, true)
                                .udp(40004, 9)
                                .payload(new byte[64])
                                .build()));
        fixtures.add(
                new Fixture(
                        "ipv4-later-fragment",
                        "tunnel",
                        PacketBuilder.ipv4("10.66.0.2", "10.60.2.2")
                                .identification(77)
                                .fragment(72, false)
                                .protocol(17)
                                .payload(new byte[40])
                                .build()));
        fixtures.add(
                new Fixture(
                        "ipv6-udp-corp",
                        "tunnel",
                        PacketBuilder.ipv6("fd66::2", "fd11:1d80:c67a::10")
                                .udp(40005, 5000)
                                .payload(bytes("v6"))
                                .build()));
        fixtures.add(
                new Fixture(
                        "ipv6-extension-headers-corp",
                        "tunnel",
                        PacketBuilder.ipv6("fd66::2", "fd11::5")
                                .hopByHopPadding()
                                .destinationOptionsPadding()
                                .udp(40006, 5353)
                                .payload(new byte[12])
                                .build()));
        // A short TCP flow to a corp host and a UDP flow to the internet, packet by packet.
        int[] tcpFlags = {
            TcpHeader.FLAG_ACK,
            TcpHeader.FLAG_ACK | TcpHeader.FLAG_PSH,
            TcpHeader.FLAG_FIN | TcpHeader.FLAG_ACK
        };
        for (int i = 0; i < tcpFlags.length; i++) {
            fixtures.add(
                    new Fixture(
                            "tcp-flow-corp-" + i,
                            "tunnel",
                            PacketBuilder.ipv4("10.66.0.2", "10.60.32.10")
                                    .tcp(40001, 443, tcpFlags[i])
                                    .payload(bytes("segment " + i))
                                    .build()));
        }
        for (int i = 0; i < 3; i++) {
            fixtures.add(
                    new Fixture(
                            "udp-flow-internet-" + i,
                            "bypass",
                            PacketBuilder.ipv4("10.66.0.2", "198.51.100.9")
                                    .udp(40020, 443)
                                    .payload(bytes("quic " + i))
                                    .build()));
        }
        fixtures.add(
                new Fixture(
                        "tcp-internet",
                        "bypass",
                        PacketBuilder.ipv4("10.66.0.2", "198.51.100.7")
                                .tcp(40007, 443, TcpHeader.FLAG_SYN)
                                .build()));
        fixtures.add(
                new Fixture(
                        "icmp-error-internet",
                        "bypass",
                        PacketBuilder.ipv4("10.66.0.2", "198.51.100.7")
                                .icmp(3, 3, 0)
                                .payload(
                                        PacketBuilder.ipv4("198.51.100.7", "10.66.0.2")
                                                .udp(53, 40008)
                                                .build())
                                .build()));
        fixtures.add(
                new Fixture(
                        "ipv6-internet",
                        "bypass",
                        PacketBuilder.ipv6("fd66::2", "2001:db8:1::7").udp(40009, 443).build()));
        fixtures.add(
                new Fixture(
                        "link-local",
                        "bypass",
                        PacketBuilder.ipv6("fe80::2", "fe80::1").udp(40010, 546).build()));
        fixtures.add(
                new Fixture(
                        "multicast-site",
                        "bypass",
                        PacketBuilder.ipv6("fd66::2", "ff02::fb").udp(5353, 5353).build()));
        fixtures.add(
                new Fixture(
                        "multicast-interface-local",
                        "drop",
                        PacketBuilder.ipv6("fd66::2", "ff01::1").udp(40011, 9).build()));
        fixtures.add(
                new Fixture(
                        "tunnel-list-outside-allowed-ips",
                        "drop",
                        PacketBuilder.ipv4("10.66.0.2", "172.16.5.5")
                                .tcp(40012, 80, TcpHeader.FLAG_SYN)
                                .build()));
        fixtures.add(
                new Fixture(
                        "malformed-truncated-header",
                        "malformed",
                        new byte[] {0x45, 0, 0, 40, 0, 0, 0, 0, 64}));
        byte[] lying = PacketBuilder.ipv4("10.66.0.2", "10.60.1.1").udp(40013, 9).build();
        lying[3] = (byte) 200; // total length beyond the packet
        fixtures.add(new Fixture("malformed-length", "malformed", lying));
        fixtures.add(
                new Fixture(
                        "malformed-version",
                        "malformed",
                        new byte[] {
                            0x15, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 66, 0, 2, 10, 60, 1, 1
                        }));
        return fixtures;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** A DNS query for the PTR record of 10.60.32.10 (10.32.60.10.in-addr.arpa). */
    private static byte[] ptrQuery() {
        List<Byte> out = new ArrayList<>();
        for (int b : new int[] {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}) {
            out.add((byte) b);
        }
        for (String label : "10.32.60.10.in-addr.arpa".split("\\.")) {
            out.add((byte) label.length());
            for (char c : label.toCharArray()) {
                out.add((byte) c);
            }
        }
        for (int b : new int[] {0, 0, 12, 0, 1}) {
            out.add((byte) b);
        }
        byte[] bytes = new byte[out.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = out.get(i);
        }
        return bytes;
    }

    /** The expectations file: {@code <index> <name> <expected>} per line. */
    public static String expectations(List<Fixture> fixtures) {
        StringBuilder text = new StringBuilder("# index name expected (see ReplayFixtures)\n");
        for (int i = 0; i < fixtures.size(); i++) {
            text.append(i)
                    .append(' ')
                    .append(fixtures.get(i).name())
                    .append(' ')
                    .append(fixtures.get(i).expected())
                    .append('\n');
        }
        return text.toString();
    }

    /** Writes packets.pcap and expected.txt into {@code directory}. */
    public static void write(Path directory) throws IOException {
        List<Fixture> fixtures = all();
        try (PcapWriter pcap =
                new PcapWriter(Files.newOutputStream(directory.resolve("packets.pcap")), 65535)) {
            long timestampNs = 1_767_225_600_000_000_000L; // fixed, so the file is reproducible
            for (Fixture fixture : fixtures) {
                pcap.write(timestampNs, fixture.packet());
                timestampNs += 1_000_000L;
            }
        }
        Files.writeString(directory.resolve("expected.txt"), expectations(fixtures));
    }

    public static void main(String[] args) throws IOException {
        write(Path.of(args.length > 0 ? args[0] : "integration-tests/src/test/resources/replay"));
    }
}
