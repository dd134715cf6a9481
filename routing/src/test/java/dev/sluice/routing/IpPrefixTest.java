package dev.sluice.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class IpPrefixTest {
    @Test
    void shouldParseAndFormatIpv4Prefixes() {
        IpPrefix p = IpPrefix.parse("10.64.0.0/10");
        assertThat(p.isIpv4()).isTrue();
        assertThat(p.length()).isEqualTo(10);
        assertThat(p.ipv4Address()).isEqualTo(0x0a400000);
        assertThat(p).hasToString("10.64.0.0/10");
        assertThat(IpPrefix.parse("192.0.2.7")).hasToString("192.0.2.7/32");
        assertThat(IpPrefix.parse(" 0.0.0.0/0 ")).hasToString("0.0.0.0/0");
    }

    @Test
    void shouldParseAndFormatIpv6PerRfc5952() {
        assertThat(IpPrefix.parse("2001:DB8:0:0:0:0:0:0/32")).hasToString("2001:db8::/32");
        assertThat(IpPrefix.parse("fd00::1")).hasToString("fd00::1/128");
        assertThat(IpPrefix.parse("::/0")).hasToString("::/0");
        assertThat(IpPrefix.parse("2001:db8:0:1:1:1:1:1")).hasToString("2001:db8:0:1:1:1:1:1/128");
        assertThat(IpPrefix.parse("2001:0:0:1::1")).hasToString("2001:0:0:1::1/128");
        assertThat(IpPrefix.parse("2001:db8::1:0:0:1")).hasToString("2001:db8::1:0:0:1/128");
        assertThat(IpPrefix.parse("::ffff:192.0.2.1")).hasToString("::ffff:c000:201/128");
    }

    @Test
    void shouldNameTheCanonicalFormWhenHostBitsAreSet() {
        assertThatThrownBy(() -> IpPrefix.parse("10.1.2.3/8"))
                .isInstanceOf(PrefixFormatException.class)
                .hasMessage(
                        "'10.1.2.3/8' has host bits set; the prefix is 10.0.0.0/8 (or write"
                                + " the address as /32)")
                .extracting(e -> ((PrefixFormatException) e).canonicalForm())
                .isEqualTo("10.0.0.0/8");
        assertThatThrownBy(() -> IpPrefix.parse("fd10::5/64"))
                .hasMessageContaining("the prefix is fd10::/64");
    }

    @Test
    void shouldRejectMalformedTextWithTheTextInTheMessage() {
        for (String bad :
                new String[] {
                    "10.0.0/8",
                    "10.0.0.256",
                    "010.0.0.1",
                    "1.2.3.4/33",
                    "1.2.3.4/",
                    "1.2.3.4/-1",
                    "fd00::/129",
                    "fd00:::1",
                    "1:2:3:4:5:6:7:8:9",
                    ":1::",
                    "vpn.example.com",
                    "",
                    "fe80::1%eth0",
                    "1::2::3",
                    "12345::",
                    "::1.2.3"
                }) {
            assertThatThrownBy(() -> IpPrefix.parse(bad))
                    .as(bad)
                    .isInstanceOf(PrefixFormatException.class)
                    .hasMessageContaining("'" + bad.strip() + "'");
        }
    }

    @Test
    void shouldKnowContainmentParentsAndChildren() {
        IpPrefix ten = IpPrefix.parse("10.0.0.0/8");
        assertThat(ten.contains(IpPrefix.parse("10.20.0.0/16"))).isTrue();
        assertThat(ten.contains(IpPrefix.parse("11.0.0.0/16"))).isFalse();
        assertThat(ten.contains(IpPrefix.parse("fd00::/8"))).isFalse();
        assertThat(ten.child(0)).hasToString("10.0.0.0/9");
        assertThat(ten.child(1)).hasToString("10.128.0.0/9");
        assertThat(ten.child(1).parent()).isEqualTo(ten);
        IpPrefix six = IpPrefix.parse("2001:db8::/64");
        assertThat(six.child(1)).hasToString("2001:db8:0:0:8000::/65");
        assertThat(six.containsAddress(six.high(), 42)).isTrue();
    }

    @Property(tries = 3000)
    void ipv6TextShouldRoundTripAndAgreeWithTheJdk(@ForAll long high, @ForAll long low)
            throws Exception {
        String text = IpPrefix.hostV6(high, low).addressText();
        IpPrefix parsed = IpPrefix.parseAddress(text);
        assertThat(parsed.high()).isEqualTo(high);
        assertThat(parsed.low()).isEqualTo(low);
        byte[] jdk = InetAddress.getByName(text).getAddress();
        assertThat(ByteBuffer.wrap(jdk).getLong(0)).isEqualTo(high);
        assertThat(ByteBuffer.wrap(jdk).getLong(8)).isEqualTo(low);
    }

    @Property(tries = 2000)
    void sparseIpv6ShouldRoundTrip(@ForAll byte mask, @ForAll short a, @ForAll short b) {
        long[] groups = new long[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((mask >>> i) & 1) == 0 ? 0 : (i % 2 == 0 ? a : b) & 0xffff;
        }
        long high = groups[0] << 48 | groups[1] << 32 | groups[2] << 16 | groups[3];
        long low = groups[4] << 48 | groups[5] << 32 | groups[6] << 16 | groups[7];
        IpPrefix parsed = IpPrefix.parseAddress(IpPrefix.hostV6(high, low).addressText());
        assertThat(parsed.high()).isEqualTo(high);
        assertThat(parsed.low()).isEqualTo(low);
    }

    @Property(tries = 2000)
    void ipv4TextShouldRoundTrip(@ForAll int address) {
        assertThat(IpPrefix.parseAddress(Ipv4Text.format(address)).ipv4Address())
                .isEqualTo(address);
    }
}
