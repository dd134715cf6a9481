package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.crypto.PrivateKey;
import dev.sluice.routing.IpPrefix;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The value rules the loader and the WireGuard API share. */
class ConfigRulesTest {
    @Test
    void shouldRefuseFwMarkOffWhenGivenAsOffOrZero() {
        for (String off : List.of("off", "OFF", "0", "0x0", " 0 ")) {
            assertThatThrownBy(() -> ConfigRules.fwMark(off))
                    .as(off)
                    .isInstanceOf(InvalidValueException.class)
                    .hasMessageContaining("FwMark '" + off + "' turns the mark off")
                    .hasMessageContaining("would match all traffic");
        }
    }

    @Test
    void shouldAcceptFwMarksFromOneToTheLargest32BitValue() {
        assertThat(ConfigRules.fwMark("1")).isEqualTo(1);
        assertThat(ConfigRules.fwMark("0x51c")).isEqualTo(0x51c);
        assertThat(ConfigRules.fwMark("4294967295")).isEqualTo(0xffffffff);
        for (String bad : List.of("4294967296", "-1", "mark", "")) {
            assertThatThrownBy(() -> ConfigRules.fwMark(bad))
                    .as(bad)
                    .hasMessage("FwMark '" + bad + "' is not a number from 1 to 0xffffffff");
        }
    }

    @Test
    void shouldRefuseFwMarkZeroInTheFileWithTheSameWords() {
        ConfigLoader.Result result =
                ConfigLoader.loadText(
                        "t.conf",
                        """
                        [Interface]
                        PrivateKey = %s
                        Address = 10.66.0.2/32
                        FwMark = 0
                        [Peer]
                        PublicKey = %s
                        AllowedIPs = 10.0.0.0/8
                        """
                                .formatted(ConfigCorpusTest.PRIVATE, ConfigCorpusTest.PEER));
        assertThat(result.ok()).isFalse();
        assertThat(result.problems())
                .extracting(Problem::toString)
                .anyMatch(p -> p.startsWith("t.conf:4: FwMark '0' turns the mark off"));
    }

    @Test
    void shouldBoundListenPortAndKeepalive() {
        assertThat(ConfigRules.listenPort("0")).isZero();
        assertThat(ConfigRules.listenPort("65535")).isEqualTo(65535);
        assertThatThrownBy(() -> ConfigRules.listenPort("65536"))
                .hasMessage("ListenPort '65536' is not a number from 0 to 65535");
        assertThat(ConfigRules.persistentKeepalive("off")).isEqualTo(Duration.ZERO);
        assertThat(ConfigRules.persistentKeepalive("25")).isEqualTo(Duration.ofSeconds(25));
        assertThatThrownBy(() -> ConfigRules.persistentKeepalive("65536"))
                .hasMessage(
                        "PersistentKeepalive '65536' is not off or a number of seconds from 0"
                                + " to 65535");
    }

    @Test
    void shouldParseEndpointsAndRefuseMalformedOnes() {
        assertThat(ConfigRules.endpoint("192.0.2.1:51820"))
                .isEqualTo(new Endpoint("192.0.2.1", 51820));
        assertThat(ConfigRules.endpoint("[2001:db8::1]:1"))
                .isEqualTo(new Endpoint("2001:db8::1", 1));
        assertThat(ConfigRules.endpoint("vpn.example.com:51820"))
                .isEqualTo(new Endpoint("vpn.example.com", 51820));
        for (String bad :
                List.of(
                        "192.0.2.1",
                        "192.0.2.1:0",
                        "192.0.2.1:65536",
                        "300.0.2.1:51820",
                        "2001:db8::1:51820",
                        "[192.0.2.1]:51820",
                        "[2001:db8::1]51820",
                        "bad_host!:1")) {
            assertThatThrownBy(() -> ConfigRules.endpoint(bad))
                    .as(bad)
                    .hasMessageStartingWith("Endpoint '" + bad + "' is not host:port");
        }
    }

    @Test
    void shouldRefusePrefixesWithHostBitsOrBadLengths() {
        assertThat(ConfigRules.prefix("AllowedIPs", "10.0.0.0/8"))
                .isEqualTo(IpPrefix.parse("10.0.0.0/8"));
        assertThatThrownBy(() -> ConfigRules.prefix("AllowedIPs", "10.0.0.1/8"))
                .hasMessageStartingWith("AllowedIPs: '10.0.0.1/8' has host bits set");
        assertThatThrownBy(() -> ConfigRules.prefix("AllowedIPs", "10.0.0.0/33"))
                .hasMessageContaining("more than 32");
        assertThatThrownBy(() -> ConfigRules.prefix("AllowedIPs", "fd00::/129"))
                .hasMessageContaining("more than 128");
    }

    @Test
    void shouldFindAPrefixListedByTwoPeers() {
        SecureRandom random = new SecureRandom();
        PeerConfig a = peer(random, "10.0.0.0/8", "192.168.1.0/24");
        PeerConfig b = peer(random, "192.168.1.0/24");
        PeerConfig c = peer(random, "10.1.0.0/16");
        assertThat(ConfigRules.sharedAllowedIps(List.of(a, b, c)))
                .containsExactly(
                        new ConfigRules.SharedAllowedIp(IpPrefix.parse("192.168.1.0/24"), a, b));
        assertThat(ConfigRules.sharedAllowedIps(List.of(a, c))).isEmpty();
    }

    private static PeerConfig peer(SecureRandom random, String... allowed) {
        return new PeerConfig(
                PrivateKey.generate(random).publicKey(),
                null,
                null,
                java.util.Arrays.stream(allowed).map(IpPrefix::parse).toList(),
                Duration.ZERO,
                0);
    }
}
