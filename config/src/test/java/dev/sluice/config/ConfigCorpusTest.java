package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.policy.LocalNetworks;
import dev.sluice.routing.policy.SplitMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files from the wild and Sluice's own format parse into the expected records. */
class ConfigCorpusTest {
    static final String PRIVATE = "UB6o5rFtmXHMABndGMAkw3s2nI4jUXNLhqyMQJphW3I=";
    static final String PUBLIC = "O/qolaj/cJIDJ6+IEpeu3C/FwfGACS7wVAuQUrwPbX8=";
    static final String PEER = "CpMPCwQjsiXds8QsQFXxl6O0FEdkhOFvwb01+mB3GHo=";
    static final String PSK = "OXoSd9J1wuDPna0xy4ihqZqMIo2NjUar17EHOyUfEM4=";
    static final String PEER_TWO = "0/95NEw8Uf9c5lmJ5xc0nk/G3nOKK4uzLs6vxVzs9E8=";

    @TempDir Path dir;

    static Path resource(String name) {
        try {
            return Path.of(ConfigCorpusTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The corpus configuration {@code name}, copied with the files beside it into the test's
     * directory, mode 0600: the files hold PrivateKey inline, which Sluice refuses in a file others
     * can read (and the build copies resources with the umask's mode).
     */
    private Path secured(String name) {
        Path source = resource(name);
        try (Stream<Path> siblings = Files.list(source.getParent())) {
            for (Path sibling : siblings.toList()) {
                Path copy = Files.copy(sibling, dir.resolve(sibling.getFileName()));
                if (copy.toString().endsWith(".conf")) {
                    Files.setPosixFilePermissions(
                            copy, PosixFilePermissions.fromString("rw-------"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir.resolve(source.getFileName());
    }

    private SluiceConfig load(String name) {
        ConfigLoader.Result result = ConfigLoader.load(secured(name));
        assertThat(result.problems().stream().filter(Problem::isError))
                .as("errors in %s", name)
                .isEmpty();
        return result.config();
    }

    @Test
    void shouldParseAWgQuickClientConfigUnchanged() {
        SluiceConfig config = load("configs/valid/wg-quick-wild.conf");
        assertThat(config.iface().privateKey().publicKey().toBase64()).isEqualTo(PUBLIC);
        assertThat(config.iface().addresses())
                .extracting(Object::toString)
                .containsExactly("10.66.0.2/32", "fd66::2/128");
        assertThat(config.iface().dnsServers())
                .extracting(a -> a.getHostAddress())
                .containsExactly("10.64.0.1");
        assertThat(config.iface().dnsSearchDomains()).containsExactly("vpn.example");
        assertThat(config.iface().mtu()).isEqualTo(InterfaceConfig.DEFAULT_MTU);
        PeerConfig peer = config.peers().get(0);
        assertThat(peer.publicKey().toBase64()).isEqualTo(PEER);
        assertThat(peer.endpoint()).isEqualTo(new Endpoint("198.51.100.7", 51820));
        assertThat(peer.allowedIps())
                .extracting(Object::toString)
                .containsExactly("0.0.0.0/0", "::/0");
        assertThat(peer.persistentKeepalive()).isEqualTo(Duration.ofSeconds(25));
        assertThat(config.split().mode()).isEqualTo(SplitMode.INCLUDE);
        assertThat(config.split().strategy()).isEqualTo(RoutingStrategy.CAPTURE);
    }

    @Test
    void shouldReadAWgQuickServerWithTableOffAsOneThatCapturesNothing() {
        SluiceConfig config = load("configs/valid/wg-quick-server.conf");
        assertThat(config.iface().capturesRoutes()).isFalse();
        assertThat(config.iface().table()).isEqualTo(InterfaceConfig.TABLE_OFF);
        assertThat(config.iface().listenPort()).isEqualTo(51820);
        assertThat(config.peers()).hasSize(2);
        assertThat(config.peers().get(0).endpoint()).isNull();
    }

    @Test
    void shouldAccumulateRepeatedListKeysAndReadEveryWgQuickKey() {
        SluiceConfig config = load("configs/valid/wg-quick-multi-line.conf");
        assertThat(config.iface().addresses()).hasSize(2);
        assertThat(config.iface().listenPort()).isEqualTo(51821);
        assertThat(config.iface().mtu()).isEqualTo(1380);
        assertThat(config.iface().fwMark()).isEqualTo(0x1234);
        assertThat(config.iface().table()).isEqualTo(InterfaceConfig.DEFAULT_TABLE);
        assertThat(config.iface().capturesRoutes()).isTrue();
        assertThat(config.peers()).hasSize(2);
        assertThat(config.peers().get(0).presharedKey().toBase64()).isEqualTo(PSK);
        assertThat(config.peers().get(0).allowedIps()).hasSize(2);
        assertThat(config.peers().get(0).endpoint().toString()).isEqualTo("[2001:db8::7]:51820");
        assertThat(config.peers().get(1).endpoint()).isNull();
        assertThat(config.peers().get(1).persistentKeepalive()).isEqualTo(Duration.ZERO);
    }

    @Test
    void shouldReadEverySluiceKeyAndPrefixListFiles() {
        SluiceConfig config = load("configs/valid/sluice-full.conf");
        assertThat(config.iface().autoConnect()).isTrue();
        assertThat(config.iface().metricsPort()).isEqualTo(9460);
        assertThat(config.peers().get(0).endpoint().host()).isEqualTo("vpn.example.com");
        assertThat(config.peers().get(0).allowedIps())
                .extracting(Object::toString)
                .containsExactly("10.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "fd10::/16");
        assertThat(config.split().tunnel())
                .containsExactly(
                        IpPrefix.parse("10.0.0.0/8"),
                        IpPrefix.parse("172.16.0.0/12"),
                        IpPrefix.parse("fd10::/16"));
        assertThat(config.split().bypass())
                .extracting(Object::toString)
                .containsExactly("198.51.100.0/24", "2001:db8:5aa5::/48", "192.0.2.0/24");
        assertThat(config.split().tunnelDomains())
                .extracting(Object::toString)
                .containsExactly("corp.example.com", "*.internal.example");
        assertThat(config.split().tunnelDomains().get(1).matches("a.internal.example")).isTrue();
        assertThat(config.split().tunnelDomains().get(1).matches("internal.example")).isFalse();
        assertThat(config.split().tunnelDomains().get(0).matches("corp.example.com.")).isTrue();
        assertThat(config.split().localNetworks()).isEqualTo(LocalNetworks.BYPASS);
        assertThat(config.split().domainTtlMin()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.split().domainTtlMax()).isEqualTo(Duration.ofHours(12));
        assertThat(config.managedKeys()).isEmpty();
    }

    @Test
    void shouldReadTheCorp850FixtureAsATunnelList() throws Exception {
        Files.copy(
                Path.of(System.getProperty("sluice.repo.root", ".."))
                        .resolve("fixtures/corp-850.cidrs"),
                dir.resolve("corp-850.cidrs"));
        Path file =
                Files.createFile(
                        dir.resolve("sluice.conf"),
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
                file,
                """
                [Interface]
                PrivateKey = %s
                Address = 10.66.0.2/32
                [Peer]
                PublicKey = %s
                AllowedIPs = 0.0.0.0/0, ::/0
                [Split]
                Tunnel = @corp-850.cidrs
                """
                        .formatted(PRIVATE, PEER));
        SluiceConfig config = ConfigLoader.load(file).orThrow();
        assertThat(config.split().tunnel()).hasSize(850);
        assertThat(config.splitPolicy().tunnel()).hasSize(850);
    }

    @Test
    void managedOverlaysShouldOverrideKeyByKeyAndBeRecorded() {
        ConfigLoader.Result result =
                ConfigLoader.load(
                        secured("configs/valid/wg-quick-wild.conf"),
                        List.of(
                                resource("managed/10-dns.conf"),
                                resource("managed/20-peer.conf"),
                                resource("managed/dev.sluice.plist")));
        assertThat(result.problems().stream().filter(Problem::isError)).isEmpty();
        SluiceConfig config = result.config();
        // managed.d: DNS replaced (the search domain too: the key is replaced as a whole).
        assertThat(config.iface().dnsServers())
                .extracting(a -> a.getHostAddress())
                .containsExactly("10.99.0.53");
        assertThat(config.iface().dnsSearchDomains()).isEmpty();
        // plist: MTU and AutoConnect; user's Address untouched.
        assertThat(config.iface().mtu()).isEqualTo(1380);
        assertThat(config.iface().autoConnect()).isTrue();
        assertThat(config.iface().addresses()).hasSize(2);
        // Peer matched by public key: endpoint replaced, AllowedIPs kept.
        assertThat(config.peers().get(0).endpoint())
                .isEqualTo(new Endpoint("managed.example.net", 443));
        assertThat(config.peers().get(0).allowedIps()).hasSize(2);
        // A peer only the plist has is added.
        assertThat(config.peers()).hasSize(2);
        assertThat(config.peers().get(1).publicKey().toBase64()).isEqualTo(PEER_TWO);
        assertThat(config.split().mode()).isEqualTo(SplitMode.EXCLUDE);
        assertThat(config.split().localNetworks()).isEqualTo(LocalNetworks.TUNNEL);
        assertThat(config.split().bypass())
                .extracting(Object::toString)
                .containsExactly("192.0.2.0/24", "2001:db8:beef::/48");
        assertThat(config.managedKeys())
                .contains(
                        "Interface.DNS",
                        "Interface.MTU",
                        "Interface.AutoConnect",
                        "Split.Mode",
                        "Split.Bypass",
                        "Split.LocalNetworks",
                        "Peer(" + PEER + ").Endpoint",
                        "Peer(" + PEER_TWO + ").AllowedIPs");
        assertThat(config.managedKeys())
                .doesNotContain("Interface.Address", "Interface.PrivateKey");
    }

    @Test
    void shouldRecordTheSourceOfEachManagedKeyWhenOverlaysAreApplied() throws Exception {
        Path user = secured("configs/valid/wg-quick-wild.conf");
        Path dns = resource("managed/10-dns.conf");
        Path peer = resource("managed/20-peer.conf");
        SluiceConfig config =
                ConfigLoader.load(user, List.of(dns, peer, resource("managed/dev.sluice.plist")))
                        .config();
        assertThat(config.managedSources())
                .containsEntry("Interface.DNS", dns.toString())
                .containsEntry("Split.Mode", dns.toString())
                .containsEntry("Peer(" + PEER + ").Endpoint", peer.toString())
                // The property list is named by its managed-preferences domain.
                .containsEntry("Interface.MTU", "managed preferences dev.sluice")
                .containsEntry("Split.Bypass", "managed preferences dev.sluice")
                .containsEntry(
                        "Peer(" + PEER_TWO + ").AllowedIPs", "managed preferences dev.sluice")
                .doesNotContainKey("Interface.Address");
        // When two sources set a key, the later one wins and is the one named.
        Path later = Files.writeString(dir.resolve("30-mode.conf"), "[Split]\nMode = include\n");
        assertThat(ConfigLoader.load(user, List.of(dns, later)).config().managedSources())
                .containsEntry("Split.Mode", later.toString())
                .containsEntry("Interface.DNS", dns.toString());
    }

    @Test
    void shouldLockTheKillSwitchWhenAManagedOverlaySetsIt() throws Exception {
        Path user = secured("configs/valid/wg-quick-wild.conf");
        Files.writeString(
                user,
                Files.readString(user).replace("[Interface]\n", "[Interface]\nKillSwitch = off\n"));
        assertThat(ConfigLoader.load(user, List.of()).config().iface().killSwitch())
                .isEqualTo(KillSwitchMode.OFF);
        Path managed =
                Files.writeString(
                        dir.resolve("40-killswitch.conf"), "[Interface]\nKillSwitch = always\n");
        SluiceConfig config = ConfigLoader.load(user, List.of(managed)).config();
        assertThat(config.iface().killSwitch()).isEqualTo(KillSwitchMode.ALWAYS);
        assertThat(config.managedSources())
                .containsEntry("Interface.KillSwitch", managed.toString());
    }

    @Test
    void plistProblemsShouldNameTheFileAndLine() {
        ConfigLoader.Result result =
                ConfigLoader.load(
                        secured("configs/valid/wg-quick-wild.conf"),
                        List.of(resource("managed/bad-type.plist")));
        assertThat(result.ok()).isFalse();
        assertThat(result.problems())
                .extracting(Problem::toString)
                .anySatisfy(
                        text ->
                                assertThat(text)
                                        .contains(
                                                "bad-type.plist:7: not a usable property list:"
                                                        + " Split.Tunnel must be an array of"
                                                        + " strings"));
    }
}
