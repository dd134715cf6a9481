package dev.sluice.daemon.uapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.crypto.PrivateKey;
import dev.sluice.routing.IpPrefix;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code wg set} requests as configuration changes: all or nothing. */
class SetRequestTest {
    private static final HexFormat HEX = HexFormat.of();
    private final SecureRandom random = new SecureRandom();
    private final PrivateKey serverKey = PrivateKey.generate(random);

    private SluiceConfig config(String extra) throws Exception {
        return ConfigLoader.loadText(
                        "t.conf",
                        """
                [Interface]
                PrivateKey = UB6o5rFtmXHMABndGMAkw3s2nI4jUXNLhqyMQJphW3I=
                Address = 10.66.0.2/32
                [Peer]
                PublicKey = %s
                Endpoint = 198.18.1.2:51820
                AllowedIPs = 10.0.0.0/8
                """
                                        .formatted(serverKey.publicKey().toBase64())
                                + extra)
                .orThrow();
    }

    private String hex(PrivateKey key) {
        return HEX.formatHex(key.publicKey().bytes());
    }

    @Test
    void peersKeysAndAllowedIpsShouldChangeTogether() throws Exception {
        PrivateKey second = PrivateKey.generate(random);
        PrivateKey newOwn = PrivateKey.generate(random);
        SetRequest.Outcome outcome =
                SetRequest.apply(
                        config(""),
                        List.of(
                                "private_key=" + HEX.formatHex(newOwn.bytes()),
                                "public_key=" + hex(serverKey),
                                "replace_allowed_ips=true",
                                "allowed_ip=10.60.0.0/16",
                                "persistent_keepalive_interval=25",
                                "public_key=" + hex(second),
                                "endpoint=[fd18:1::3]:51821",
                                "allowed_ip=192.168.7.0/24"));
        assertThat(outcome.errno()).isZero();
        SluiceConfig next = outcome.config();
        assertThat(next.iface().privateKey()).isEqualTo(newOwn);
        assertThat(next.peers()).hasSize(2);
        assertThat(next.peers().get(0).allowedIps())
                .containsExactly(IpPrefix.parse("10.60.0.0/16"));
        assertThat(next.peers().get(0).persistentKeepalive()).isEqualTo(Duration.ofSeconds(25));
        assertThat(next.peers().get(1).endpoint().host()).isEqualTo("fd18:1::3");
        assertThat(next.peers().get(1).allowedIps())
                .containsExactly(IpPrefix.parse("192.168.7.0/24"));

        SetRequest.Outcome removed =
                SetRequest.apply(next, List.of("public_key=" + hex(second), "remove=true"));
        assertThat(removed.config().peers()).hasSize(1);
    }

    @Test
    void anyBadLineShouldRefuseTheWholeRequest() throws Exception {
        SluiceConfig current = config("");
        for (List<String> bad :
                List.of(
                        List.of("public_key=" + hex(serverKey), "allowed_ip=10.0.0.1/8"),
                        List.of("public_key=abc"),
                        List.of("listen_port=70000"),
                        List.of("public_key=" + hex(serverKey), "endpoint=vpn.example.com:1"),
                        List.of("frobnicate=1"),
                        List.of("public_key=" + hex(serverKey), "protocol_version=2"))) {
            assertThat(SetRequest.apply(current, bad).errno())
                    .as(bad.toString())
                    .isEqualTo(WireGuardApi.EINVAL);
        }
    }
}
