package dev.sluice.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class PacketDecoderPropertiesTest {
    @Property(tries = 5000)
    void shouldNeverThrowOnRandomBytes(
            @ForAll @Size(max = 200) byte[] bytes,
            @ForAll @IntRange(min = -5, max = 210) int offset,
            @ForAll @IntRange(min = -5, max = 210) int length) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length).put(0, bytes);
        DecodeResult result = PacketDecoder.decode(buffer, offset, length, new ParsedPacket());
        assertThat(result).isNotNull();
    }

    @Property(tries = 5000)
    void shouldNeverThrowOnRandomBytesBehindAPlausibleHeader(
            @ForAll @Size(min = 1, max = 120) byte[] bytes, @ForAll boolean ipv6) {
        // Force a valid version and consistent length so the walk reaches deeper code.
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length + 64).put(0, bytes);
        int length = bytes.length + 64;
        if (ipv6) {
            buffer.put(0, (byte) (0x60 | (bytes[0] & 0x0f)));
            buffer.putShort(4, (short) Math.max(0, length - 40));
        } else {
            buffer.put(0, (byte) (0x40 | (bytes[0] & 0x0f)));
            buffer.putShort(2, (short) length);
        }
        assertThat(PacketDecoder.decode(buffer, 0, length, new ParsedPacket())).isNotNull();
    }

    @Property(tries = 2000)
    void builtPacketShouldDecodeBackToItsFields(@ForAll("packets") BuiltPacket built) {
        ParsedPacket parsed = new ParsedPacket();
        ByteBuffer buffer = ByteBuffer.allocateDirect(built.bytes().length).put(0, built.bytes());
        assertThat(PacketDecoder.decode(buffer, 0, built.bytes().length, parsed))
                .isEqualTo(DecodeResult.OK);
        assertThat(parsed.ipVersion()).isEqualTo(built.ipv6() ? 6 : 4);
        assertThat(parsed.length()).isEqualTo(built.bytes().length);
        assertThat(parsed.protocol()).isEqualTo(built.protocol());
        assertThat(parsed.hopLimit()).isEqualTo(built.hopLimit());
        assertThat(parsed.networkHeaderLength())
                .isEqualTo(built.ipv6() ? 40 + 8 * built.extensions() : 20);
        if (built.protocol() != IpProtocol.ICMP && built.protocol() != IpProtocol.ICMPV6) {
            assertThat(parsed.sourcePort()).isEqualTo(built.sourcePort());
            assertThat(parsed.destinationPort()).isEqualTo(built.destinationPort());
        }
        assertThat(parsed.transportLength())
                .isEqualTo(built.bytes().length - parsed.networkHeaderLength());
        assertThat(InternetChecksum.verifyTransportChecksum(parsed)).isTrue();
        if (!built.ipv6()) {
            assertThat(InternetChecksum.compute(buffer, 0, 20)).isZero();
        }
    }

    record BuiltPacket(
            byte[] bytes,
            boolean ipv6,
            int protocol,
            int hopLimit,
            int extensions,
            int sourcePort,
            int destinationPort) {}

    @Provide
    Arbitrary<BuiltPacket> packets() {
        Arbitrary<Boolean> ipv6 = Arbitraries.of(true, false);
        Arbitrary<Integer> protocol = Arbitraries.of(IpProtocol.TCP, IpProtocol.UDP, -1);
        Arbitrary<Integer> hop = Arbitraries.integers().between(1, 255);
        Arbitrary<Integer> extensions = Arbitraries.integers().between(0, 3);
        Arbitrary<Integer> port = Arbitraries.integers().between(0, 65535);
        Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        return Combinators.combine(ipv6, protocol, hop, extensions, port, port, payload)
                .as(
                        (v6, proto, hopLimit, extensionCount, sport, dport, data) -> {
                            PacketBuilder builder =
                                    v6
                                            ? PacketBuilder.ipv6("2001:db8::1", "fd10::7")
                                            : PacketBuilder.ipv4("10.66.0.2", "198.19.4.5");
                            builder.hopLimit(hopLimit);
                            int walked = 0;
                            if (v6) {
                                for (int i = 0; i < extensionCount; i++) {
                                    if (i == 0) {
                                        builder.hopByHopPadding();
                                    } else {
                                        builder.destinationOptionsPadding();
                                    }
                                    walked++;
                                }
                            }
                            int actualProtocol;
                            if (proto == IpProtocol.TCP) {
                                builder.tcp(sport, dport, TcpHeader.FLAG_ACK);
                                actualProtocol = IpProtocol.TCP;
                            } else if (proto == IpProtocol.UDP) {
                                builder.udp(sport, dport);
                                actualProtocol = IpProtocol.UDP;
                            } else {
                                builder.echoRequest(sport, dport);
                                actualProtocol = v6 ? IpProtocol.ICMPV6 : IpProtocol.ICMP;
                            }
                            byte[] bytes = builder.payload(data).build();
                            return new BuiltPacket(
                                    bytes, v6, actualProtocol, hopLimit, walked, sport, dport);
                        });
    }
}
