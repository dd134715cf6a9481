package dev.sluice.daemon.uapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.Endpoint;
import dev.sluice.config.PeerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.crypto.PresharedKey;
import dev.sluice.crypto.PrivateKey;
import dev.sluice.routing.IpPrefix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wg set} requests as configuration changes: all or nothing, by the file's rules. */
class SetRequestTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String OWN_KEY = "UB6o5rFtmXHMABndGMAkw3s2nI4jUXNLhqyMQJphW3I=";
    private final SecureRandom random = new SecureRandom();
    private final PrivateKey serverKey = PrivateKey.generate(random);
    private final PrivateKey otherKey = PrivateKey.generate(random);

    @TempDir Path directory;

    /** The server peer (10.0.0.0/8) and a second peer (192.168.7.0/24), then {@code extra}. */
    private String text(String extra) {
        return """
                [Interface]
                PrivateKey = %s
                Address = 10.66.0.2/32
                [Peer]
                PublicKey = %s
                Endpoint = 198.18.1.2:51820
                AllowedIPs = 10.0.0.0/8
                [Peer]
                PublicKey = %s
                Endpoint = 198.18.1.3:51820
                AllowedIPs = 192.168.7.0/24
                PersistentKeepalive = 25
                """
                        .formatted(
                                OWN_KEY,
                                serverKey.publicKey().toBase64(),
                                otherKey.publicKey().toBase64())
                + extra;
    }

    private SluiceConfig config() throws Exception {
        return ConfigLoader.loadText("t.conf", text("")).orThrow();
    }

    /** The configuration with {@code overlay} as a managed (MDM) profile over it. */
    private SluiceConfig managed(String overlay) throws Exception {
        Path file = secret(directory.resolve("sluice.conf"), text(""));
        Path profile = secret(directory.resolve("managed.conf"), overlay);
        return ConfigLoader.load(file, List.of(profile)).orThrow();
    }

    private static Path secret(Path path, String content) throws Exception {
        Files.writeString(path, content);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        return path;
    }

    private static String hex(PrivateKey key) {
        return HEX.formatHex(key.publicKey().bytes());
    }

    private static SetRequest.Outcome apply(SluiceConfig config, String... lines) {
        return SetRequest.apply(config, List.of(lines));
    }

    @Test
    void shouldChangeKeysPeersAndAllowedIpsTogetherWhenAllLinesAreValid() throws Exception {
        PrivateKey third = PrivateKey.generate(random);
        PrivateKey newOwn = PrivateKey.generate(random);
        SetRequest.Outcome outcome =
                apply(
                        config(),
                        "private_key=" + HEX.formatHex(newOwn.bytes()),
                        "listen_port=51999",
                        "fwmark=4660",
                        "public_key=" + hex(serverKey),
                        "replace_allowed_ips=true",
                        "allowed_ip=10.60.0.0/16",
                        "persistent_keepalive_interval=25",
                        "public_key=" + hex(third),
                        "endpoint=[fd18:1::3]:51821",
                        "allowed_ip=172.16.0.0/12");
        assertThat(outcome.errno()).as(outcome.reason()).isZero();
        SluiceConfig next = outcome.config();
        assertThat(next.iface().privateKey()).isEqualTo(newOwn);
        assertThat(next.iface().listenPort()).isEqualTo(51999);
        assertThat(next.iface().fwMark()).isEqualTo(0x1234);
        assertThat(next.peers()).hasSize(3);
        assertThat(next.peers().get(0).allowedIps())
                .containsExactly(IpPrefix.parse("10.60.0.0/16"));
        assertThat(next.peers().get(0).persistentKeepalive()).isEqualTo(Duration.ofSeconds(25));
        assertThat(next.peers().get(2).endpoint()).isEqualTo(new Endpoint("fd18:1::3", 51821));
        assertThat(next.peers().get(2).allowedIps())
                .containsExactly(IpPrefix.parse("172.16.0.0/12"));

        SetRequest.Outcome removed =
                apply(next, "public_key=" + hex(third), "remove=true", "allowed_ip=1.0.0.0/8");
        assertThat(removed.config().peers())
                .extracting(PeerConfig::publicKey)
                .containsExactly(serverKey.publicKey(), otherKey.publicKey());
    }

    @Test
    void shouldRefuseFwMarkZeroWhetherGivenAsZeroOrOff() throws Exception {
        SluiceConfig current = config();
        for (String mark : List.of("0", "off")) {
            SetRequest.Outcome outcome = apply(current, "fwmark=" + mark);
            assertThat(outcome.errno()).isEqualTo(SetRequest.EINVAL);
            assertThat(outcome.config()).isNull();
            assertThat(outcome.reason())
                    .startsWith("fwmark=" + mark + ": FwMark '" + mark + "' turns the mark off")
                    .contains("would match all traffic");
        }
        assertThat(current.iface().fwMark()).isEqualTo(0x51c);
    }

    @Test
    void shouldRefuseEachValueTheFileWouldRefuseNamingKeyAndValue() throws Exception {
        SluiceConfig current = config();
        String server = "public_key=" + hex(serverKey);
        record Case(List<String> lines, String reason) {}
        for (Case bad :
                List.of(
                        new Case(
                                List.of("listen_port=70000"),
                                "listen_port=70000: ListenPort '70000' is not a number from 0 to"
                                        + " 65535"),
                        new Case(
                                List.of("fwmark=4294967296"),
                                "fwmark=4294967296: FwMark '4294967296' is not a number from 1"
                                        + " to 0xffffffff"),
                        new Case(
                                List.of(server, "allowed_ip=10.0.0.1/8"),
                                "allowed_ip=10.0.0.1/8: AllowedIPs: '10.0.0.1/8' has host bits"
                                        + " set"),
                        new Case(
                                List.of(server, "allowed_ip=10.0.0.0/33"),
                                "allowed_ip=10.0.0.0/33: AllowedIPs: '10.0.0.0/33' has prefix"
                                        + " length 33, more than 32"),
                        new Case(
                                List.of(server, "allowed_ip=fd00::/129"),
                                "allowed_ip=fd00::/129: AllowedIPs: 'fd00::/129' has prefix"
                                        + " length 129, more than 128"),
                        new Case(
                                List.of(server, "persistent_keepalive_interval=65536"),
                                "persistent_keepalive_interval=65536: PersistentKeepalive"
                                        + " '65536' is not off or a number of seconds"),
                        new Case(
                                List.of(server, "endpoint=198.18.1.2"),
                                "endpoint=198.18.1.2: Endpoint '198.18.1.2' is not host:port"),
                        new Case(
                                List.of(server, "endpoint=198.18.1.2:0"),
                                "endpoint=198.18.1.2:0: Endpoint '198.18.1.2:0' is not"
                                        + " host:port"),
                        new Case(
                                List.of(server, "endpoint=vpn.example.com:1"),
                                "endpoint=vpn.example.com:1: the WireGuard API takes an address,"
                                        + " not a name"),
                        new Case(
                                List.of("public_key=abc"),
                                "public_key=abc: not a key (64 hex digits encoding 32 bytes)"),
                        new Case(
                                List.of(server, "remove=yes"),
                                "remove=yes: the only value is true"),
                        new Case(
                                List.of("replace_peers=false"),
                                "replace_peers=false: the only value is true"),
                        new Case(
                                List.of(server, "allowed_ip=192.168.7.0/24"),
                                "allowed_ip=192.168.7.0/24: the prefix would belong to peers "),
                        new Case(List.of("frobnicate=1"), "unknown key frobnicate"),
                        new Case(List.of(server, "listen_port=1"), "unknown key listen_port"),
                        new Case(
                                List.of(server, "protocol_version=2"),
                                "protocol_version=2: only protocol version 1 exists"))) {
            SetRequest.Outcome outcome = SetRequest.apply(current, bad.lines());
            assertThat(outcome.errno()).as(bad.lines().toString()).isEqualTo(SetRequest.EINVAL);
            assertThat(outcome.config()).isNull();
            assertThat(outcome.reason()).as(bad.lines().toString()).startsWith(bad.reason());
        }
    }

    @Test
    void shouldRefuseWhatSetconfSendsForAFileWithoutPrivateKeyOrFwMark() throws Exception {
        SluiceConfig current = config();
        SetRequest.Outcome noKey =
                apply(current, "private_key=" + "0".repeat(64), "listen_port=0", "fwmark=4660");
        assertThat(noKey.errno()).isEqualTo(SetRequest.EINVAL);
        assertThat(noKey.reason())
                .startsWith("private_key: all zeros would leave the interface without a key")
                .endsWith("start from the output of wg showconf)");
        SetRequest.Outcome noMark =
                apply(
                        current,
                        "private_key=" + HEX.formatHex(PrivateKey.generate(random).bytes()),
                        "listen_port=0",
                        "fwmark=0",
                        "replace_peers=true");
        assertThat(noMark.errno()).isEqualTo(SetRequest.EINVAL);
        assertThat(noMark.reason())
                .startsWith("fwmark=0: FwMark '0' turns the mark off")
                .endsWith("start from the output of wg showconf)");
    }

    @Test
    void shouldNeverQuoteASecretWhenRefusingIt() throws Exception {
        String notAKey = "5ec7e7".repeat(10) + "zz";
        SetRequest.Outcome privateKey = apply(config(), "private_key=" + notAKey);
        SetRequest.Outcome presharedKey =
                apply(config(), "public_key=" + hex(serverKey), "preshared_key=" + notAKey);
        assertThat(privateKey.reason())
                .isEqualTo("private_key: not a key (64 hex digits encoding 32 bytes)");
        assertThat(presharedKey.reason())
                .isEqualTo("preshared_key: not a key (64 hex digits encoding 32 bytes)");
    }

    @Test
    void shouldReplaceAPeerNamedAgainAfterReplacePeersAndRemoveOnlyTheOthers() throws Exception {
        SluiceConfig current = config();
        PresharedKey psk = PresharedKey.generate(random);
        SetRequest.Outcome outcome =
                apply(
                        current,
                        "replace_peers=true",
                        "public_key=" + hex(serverKey),
                        "preshared_key=" + HEX.formatHex(psk.bytes()),
                        "protocol_version=1",
                        "endpoint=198.18.1.9:51820",
                        "persistent_keepalive_interval=15",
                        "allowed_ip=10.0.0.0/8",
                        "allowed_ip=fd00::/8");
        assertThat(outcome.errno()).as(outcome.reason()).isZero();
        assertThat(outcome.config().peers()).hasSize(1);
        PeerConfig kept = outcome.config().peers().get(0);
        assertThat(kept.publicKey()).isEqualTo(serverKey.publicKey());
        assertThat(kept.presharedKey()).isEqualTo(psk);
        assertThat(kept.endpoint()).isEqualTo(new Endpoint("198.18.1.9", 51820));
        assertThat(kept.persistentKeepalive()).isEqualTo(Duration.ofSeconds(15));
        assertThat(kept.allowedIps())
                .containsExactly(IpPrefix.parse("10.0.0.0/8"), IpPrefix.parse("fd00::/8"));
        assertThat(kept.line()).isEqualTo(current.peers().get(0).line());
    }

    @Test
    void shouldKeepEveryPeerWhenReplacePeersNamesThemAllWithTheirValues() throws Exception {
        SluiceConfig current = config();
        SetRequest.Outcome outcome =
                apply(
                        current,
                        "replace_peers=true",
                        "public_key=" + hex(serverKey),
                        "endpoint=198.18.1.2:51820",
                        "allowed_ip=10.0.0.0/8",
                        "public_key=" + hex(otherKey),
                        "endpoint=198.18.1.3:51820",
                        "persistent_keepalive_interval=25",
                        "allowed_ip=192.168.7.0/24");
        assertThat(outcome.errno()).as(outcome.reason()).isZero();
        assertThat(outcome.config().peers()).isEqualTo(current.peers());
    }

    @Test
    void shouldDropANewPeerMarkedUpdateOnlyAndKeepAnExistingOne() throws Exception {
        PrivateKey unknown = PrivateKey.generate(random);
        SetRequest.Outcome outcome =
                apply(
                        config(),
                        "public_key=" + hex(unknown),
                        "update_only=true",
                        "allowed_ip=172.16.0.0/12",
                        "public_key=" + hex(otherKey),
                        "update_only=true",
                        "allowed_ip=-192.168.7.0/24",
                        "allowed_ip=192.168.8.0/24");
        assertThat(outcome.errno()).as(outcome.reason()).isZero();
        assertThat(outcome.config().peers())
                .extracting(PeerConfig::publicKey)
                .containsExactly(serverKey.publicKey(), otherKey.publicKey());
        assertThat(outcome.config().peers().get(1).allowedIps())
                .containsExactly(IpPrefix.parse("192.168.8.0/24"));
    }

    @Test
    void shouldRefuseAnEndpointOnlyChangeWhenAPeerIsManaged() throws Exception {
        SluiceConfig current =
                managed(
                        "[Peer]\nPublicKey = "
                                + serverKey.publicKey().toBase64()
                                + "\nEndpoint = 198.18.1.2:51820\n");
        assertThat(current.managedKeys())
                .contains("Peer(" + serverKey.publicKey().toBase64() + ").Endpoint");
        for (List<String> change :
                List.of(
                        List.of("public_key=" + hex(serverKey), "endpoint=203.0.113.7:51820"),
                        List.of("public_key=" + hex(otherKey), "endpoint=203.0.113.7:51820"),
                        List.of("public_key=" + hex(serverKey), "remove=true"),
                        List.of("public_key=" + hex(PrivateKey.generate(random))),
                        List.of("replace_peers=true"))) {
            SetRequest.Outcome outcome = SetRequest.apply(current, change);
            assertThat(outcome.errno()).as(change.toString()).isEqualTo(SetRequest.EPERM);
            assertThat(outcome.reason())
                    .startsWith("the peers are set by a managed profile (")
                    .contains("Peer(" + serverKey.publicKey().toBase64() + ").Endpoint")
                    .endsWith("); change them there");
        }
        assertThat(
                        apply(current, "public_key=" + hex(serverKey), "endpoint=198.18.1.2:51820")
                                .errno())
                .as("naming the managed value again changes nothing")
                .isZero();
        assertThat(apply(current, "listen_port=51000").errno()).isZero();
    }

    @Test
    void shouldRefuseInterfaceChangesWhenAnInterfaceKeyIsManaged() throws Exception {
        SluiceConfig current = managed("[Interface]\nListenPort = 51820\n");
        SetRequest.Outcome outcome = apply(current, "fwmark=4660");
        assertThat(outcome.errno()).isEqualTo(SetRequest.EPERM);
        assertThat(outcome.reason())
                .isEqualTo(
                        "the [Interface] keys are set by a managed profile"
                                + " (Interface.ListenPort); change them there");
        assertThat(apply(current, "public_key=" + hex(otherKey), "endpoint=203.0.113.7:1").errno())
                .isZero();
    }
}
