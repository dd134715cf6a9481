package dev.sluice.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class IcmpErrorBuilderTest {
    private final ByteBuffer out = ByteBuffer.allocateDirect(2048);
    private final ParsedPacket error = new ParsedPacket();

    private static ParsedPacket decoded(byte[] packet) {
        return KernelPackets.decode(packet);
    }

    private ParsedPacket decodeError(int length) {
        assertThat(length).isPositive();
        assertThat(PacketDecoder.decode(out, 0, length, error)).isEqualTo(DecodeResult.OK);
        return error;
    }

    @Test
    void shouldBuildIpv4AdministrativelyProhibitedQuotingTheOffendingPacket() {
        byte[] syn = KernelPackets.get(KernelPackets.V4_SYN);
        ParsedPacket offending = decoded(syn);
        int length =
                IcmpErrorBuilder.destinationUnreachable(
                        offending, UnreachableReason.ADMINISTRATIVELY_PROHIBITED, out, 0);
        ParsedPacket icmp = decodeError(length);
        assertThat(length).isEqualTo(20 + 8 + syn.length);
        assertThat(icmp.protocol()).isEqualTo(IpProtocol.ICMP);
        assertThat(icmp.icmpType()).isEqualTo(IcmpHeader.V4_DESTINATION_UNREACHABLE);
        assertThat(icmp.icmpCode()).isEqualTo(13);
        assertThat(icmp.sourceV4()).isEqualTo(offending.destinationV4());
        assertThat(icmp.destinationV4()).isEqualTo(offending.sourceV4());
        assertThat(InternetChecksum.compute(out, 0, 20)).isZero();
        assertThat(InternetChecksum.verifyTransportChecksum(icmp)).isTrue();
        for (int i = 0; i < syn.length; i++) {
            assertThat(out.get(28 + i)).isEqualTo(syn[i]);
        }
    }

    @Test
    void shouldLimitIpv4QuoteTo576BytesInAll() {
        ParsedPacket offending = decoded(KernelPackets.get(KernelPackets.V4_FRAGMENT_FIRST));
        int length =
                IcmpErrorBuilder.destinationUnreachable(
                        offending, UnreachableReason.HOST_UNREACHABLE, out, 0);
        assertThat(length).isEqualTo(576);
        assertThat(decodeError(length).icmpCode()).isEqualTo(1);
    }

    @Test
    void shouldCarryNextHopMtuInFragmentationNeeded() {
        ParsedPacket offending = decoded(KernelPackets.get(KernelPackets.V4_UDP));
        int length = IcmpErrorBuilder.packetTooBig(offending, 1420, out, 0);
        ParsedPacket icmp = decodeError(length);
        assertThat(icmp.icmpType()).isEqualTo(3);
        assertThat(icmp.icmpCode()).isEqualTo(4);
        assertThat(out.getShort(20 + 6)).isEqualTo((short) 1420);
        assertThat(InternetChecksum.verifyTransportChecksum(icmp)).isTrue();
    }

    @Test
    void shouldBuildIpv6ErrorsWithPseudoHeaderChecksumWithin1280Bytes() {
        ParsedPacket offending = decoded(KernelPackets.get(KernelPackets.V6_FRAGMENT_FIRST));
        int length =
                IcmpErrorBuilder.destinationUnreachable(
                        offending, UnreachableReason.ADMINISTRATIVELY_PROHIBITED, out, 0);
        assertThat(length).isEqualTo(1280);
        ParsedPacket icmp = decodeError(length);
        assertThat(icmp.protocol()).isEqualTo(IpProtocol.ICMPV6);
        assertThat(icmp.icmpType()).isEqualTo(IcmpHeader.V6_DESTINATION_UNREACHABLE);
        assertThat(icmp.icmpCode()).isEqualTo(1);
        assertThat(icmp.sourceLow()).isEqualTo(offending.destinationLow());
        assertThat(icmp.destinationLow()).isEqualTo(offending.sourceLow());
        assertThat(InternetChecksum.verifyTransportChecksum(icmp)).isTrue();

        int tooBig = IcmpErrorBuilder.packetTooBig(offending, 1280, out, 0);
        ParsedPacket ptb = decodeError(tooBig);
        assertThat(ptb.icmpType()).isEqualTo(IcmpHeader.V6_PACKET_TOO_BIG);
        assertThat(out.getInt(40 + 4)).isEqualTo(1280);
        assertThat(InternetChecksum.verifyTransportChecksum(ptb)).isTrue();
    }

    @Test
    void shouldNotAnswerAnIcmpErrorWithAnError() {
        ParsedPacket offending = decoded(KernelPackets.get(KernelPackets.V4_SYN));
        int length =
                IcmpErrorBuilder.destinationUnreachable(
                        offending, UnreachableReason.HOST_UNREACHABLE, out, 0);
        byte[] firstError = new byte[length];
        out.get(0, firstError);
        assertThat(
                        IcmpErrorBuilder.destinationUnreachable(
                                decoded(firstError), UnreachableReason.HOST_UNREACHABLE, out, 0))
                .isZero();
    }

    @Test
    void shouldAnswerAnEchoRequestButNotANonFirstFragment() {
        assertThat(
                        IcmpErrorBuilder.destinationUnreachable(
                                decoded(KernelPackets.get(KernelPackets.V4_ECHO)),
                                UnreachableReason.HOST_UNREACHABLE,
                                out,
                                0))
                .isPositive();
        assertThat(
                        IcmpErrorBuilder.destinationUnreachable(
                                decoded(KernelPackets.get(KernelPackets.V4_FRAGMENT_MIDDLE)),
                                UnreachableReason.HOST_UNREACHABLE,
                                out,
                                0))
                .isZero();
        assertThat(
                        IcmpErrorBuilder.destinationUnreachable(
                                decoded(KernelPackets.get(KernelPackets.V6_FRAGMENT_LAST)),
                                UnreachableReason.HOST_UNREACHABLE,
                                out,
                                0))
                .isZero();
    }

    @Test
    void shouldNotAnswerMulticastOrBroadcastDestinationsOrUnspecifiedSources() {
        String[][] v4 = {
            {"10.0.0.1", "224.0.0.251"},
            {"10.0.0.1", "255.255.255.255"},
            {"0.0.0.0", "10.0.0.2"},
            {"239.1.1.1", "10.0.0.2"}
        };
        for (String[] pair : v4) {
            byte[] packet = PacketBuilder.ipv4(pair[0], pair[1]).udp(5353, 5353).build();
            assertThat(
                            IcmpErrorBuilder.destinationUnreachable(
                                    decoded(packet), UnreachableReason.HOST_UNREACHABLE, out, 0))
                    .as("%s -> %s", pair[0], pair[1])
                    .isZero();
        }
        byte[] toMulticast = PacketBuilder.ipv6("fd00::1", "ff01::1").udp(1, 2).build();
        assertThat(
                        IcmpErrorBuilder.destinationUnreachable(
                                decoded(toMulticast), UnreachableReason.HOST_UNREACHABLE, out, 0))
                .isZero();
        // RFC 4443 section 2.4(e.2): Packet Too Big may answer a multicast destination.
        assertThat(IcmpErrorBuilder.packetTooBig(decoded(toMulticast), 1280, out, 0)).isPositive();
        byte[] fromUnspecified = PacketBuilder.ipv6("::", "fd00::2").udp(1, 2).build();
        assertThat(IcmpErrorBuilder.packetTooBig(decoded(fromUnspecified), 1280, out, 0)).isZero();
    }

    @Test
    void shouldWriteNothingWhenTheOutputHasNoRoom() {
        ParsedPacket offending = decoded(KernelPackets.get(KernelPackets.V4_SYN));
        ByteBuffer small = ByteBuffer.allocateDirect(40);
        assertThat(
                        IcmpErrorBuilder.destinationUnreachable(
                                offending, UnreachableReason.HOST_UNREACHABLE, small, 0))
                .isZero();
    }
}
