package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of problem, as the user reads it: file:line: message. */
class ConfigErrorsTest {
    private static final String KEY = ConfigCorpusTest.PRIVATE;
    private static final String PEER = ConfigCorpusTest.PEER;
    private static final String PEER_TWO = ConfigCorpusTest.PEER_TWO;

    private static String base(String extraInterface, String extraPeer, String extra) {
        return """
                [Interface]
                PrivateKey = %s
                Address = 10.66.0.2/32
                %s
                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.0.0/8
                %s
                %s
                """
                .formatted(KEY, extraInterface, PEER, extraPeer, extra);
    }

    private static List<String> problems(String text) {
        ConfigLoader.Result result = ConfigLoader.loadText("t.conf", text);
        return result.problems().stream().map(Problem::toString).toList();
    }

    private static void assertError(String text, String expected) {
        ConfigLoader.Result result = ConfigLoader.loadText("t.conf", text);
        assertThat(result.ok()).as("config with %s must be refused", expected).isFalse();
        assertThat(result.problems()).extracting(Problem::toString).contains(expected);
    }

    @Test
    void shouldReadTheKillSwitchModes() {
        for (KillSwitchMode mode : KillSwitchMode.values()) {
            ConfigLoader.Result result =
                    ConfigLoader.loadText("t.conf", base("KillSwitch = " + mode.word(), "", ""));
            assertThat(result.ok()).as(result.problems().toString()).isTrue();
            assertThat(result.config().iface().killSwitch()).isEqualTo(mode);
        }
        assertThat(ConfigLoader.loadText("t.conf", base("", "", "")).config().iface().killSwitch())
                .isEqualTo(KillSwitchMode.OFF);
        assertError(
                base("KillSwitch = yes", "", ""),
                "t.conf:4: KillSwitch 'yes' is not off or on or always");
        assertError(
                base("KillSwitch = on\nTable = off", "", ""),
                "t.conf:4: KillSwitch = on needs Sluice to route traffic, but Table = off leaves"
                        + " routing to others");
    }

    @Test
    void shouldSuggestTheIntendedKey() {
        assertError(
                base("", "Endpiont = 192.0.2.1:51820", ""),
                "t.conf:8: unknown key Endpiont in [Peer]; did you mean Endpoint?");
        assertError(
                base("", "MTU = 1400", ""),
                "t.conf:8: unknown key MTU in [Peer]; MTU belongs in [Interface]");
        assertError(
                base("PrivatKey = x", "", ""),
                "t.conf:4: unknown key PrivatKey in [Interface]; did you mean PrivateKey?");
    }

    @Test
    void shouldSuggestTheIntendedSection() {
        assertError(
                base("", "", "[Pear]\nPublicKey = x"),
                "t.conf:9: unknown section [Pear]; did you mean [Peer]?");
        assertError(
                "Address = 10.0.0.1/32\n" + base("", "", ""),
                "t.conf:1: Address is outside any section; put it under [Interface], [Peer] or"
                        + " [Split]");
    }

    @Test
    void shouldRejectBadKeysWithoutEchoingSecrets() {
        List<String> found = problems(base("", "", "").replace(KEY, "c2VjcmV0"));
        assertThat(found)
                .contains(
                        "t.conf:2: PrivateKey: the private key is not 44 base64"
                                + " characters encoding 32 bytes");
        assertThat(String.join("\n", found)).doesNotContain("c2VjcmV0");
        assertError(
                base("", "", "").replace(PEER, "abc"),
                "t.conf:6: PublicKey: 'abc' is not a public key: expected 44 base64 characters"
                        + " encoding 32 bytes, got 2 bytes");
    }

    @Test
    void shouldGiveTheCanonicalFormOfPrefixesWithHostBits() {
        assertError(
                base("", "", "").replace("10.0.0.0/8", "10.1.2.3/8"),
                "t.conf:7: AllowedIPs: '10.1.2.3/8' has host bits set; the prefix is 10.0.0.0/8"
                        + " (or write the address as /32)");
        assertError(
                base("", "", "[Split]\nBypass = fd00::1/64"),
                "t.conf:10: Bypass: 'fd00::1/64' has host bits set; the prefix is fd00::/64 (or"
                        + " write the address as /128)");
    }

    @Test
    void shouldPointIntoPrefixListFiles(@TempDir Path dir) throws Exception {
        Files.copy(
                ConfigCorpusTest.resource("configs/invalid/host-bits.cidrs"),
                dir.resolve("host-bits.cidrs"));
        Path file = dir.resolve("s.conf");
        Files.writeString(file, base("", "", "[Split]\nTunnel = @host-bits.cidrs, @missing.cidrs"));
        ConfigLoader.Result result = ConfigLoader.load(file);
        assertThat(result.problems())
                .extracting(Problem::toString)
                .contains(
                        dir.resolve("host-bits.cidrs")
                                + ":3: Tunnel: '172.16.5.1/12' has host bits set;"
                                + " the prefix is 172.16.0.0/12 (or write the address as /32)",
                        file
                                + ":10: Tunnel: prefix list "
                                + dir.resolve("missing.cidrs")
                                + " does not exist");
    }

    @Test
    void shouldRefuseOverlappingPeers() {
        String text = base("", "", "[Peer]\nPublicKey = " + PEER_TWO + "\nAllowedIPs = 10.0.0.0/8");
        assertError(
                text,
                "t.conf:9: AllowedIPs 10.0.0.0/8 of the [Peer] at line 9 is also in"
                        + " the [Peer] at line 5; an address must belong to one peer");
        assertError(
                base("", "", "[Peer]\nPublicKey = " + PEER + "\nAllowedIPs = 10.1.0.0/16"),
                "t.conf:9: [Peer] with PublicKey " + PEER + " is already defined at line 5");
    }

    @Test
    void shouldRefusePrivateKeyFilesReadableByOthers(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("private.key");
        Files.writeString(key, KEY + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        String text = base("", "", "").replace("PrivateKey = " + KEY, "PrivateKeyFile = " + key);
        assertError(
                text,
                "t.conf:2: PrivateKeyFile "
                        + key
                        + " is readable by others (mode 0644);"
                        + " run: chmod 600 "
                        + key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertThat(ConfigLoader.loadText("t.conf", text).ok()).isTrue();
        assertError(
                base("", "", "")
                        .replace("PrivateKey = " + KEY, "PrivateKeyFile = " + dir.resolve("nope")),
                "t.conf:2: PrivateKeyFile " + dir.resolve("nope") + " does not exist");
    }

    /** Writes {@code text} to {@code file} with {@code mode} (like "rw-r-----"). */
    private static Path write(Path file, String text, String mode) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void shouldAcceptAnInlinePrivateKeyInAFileOnlyItsOwnerCanRead(@TempDir Path dir)
            throws Exception {
        Path config = write(dir.resolve("sluice.conf"), base("", "", ""), "rw-------");
        ConfigLoader.Result result = ConfigLoader.load(config);
        assertThat(result.ok()).as(result.problems().toString()).isTrue();
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void shouldRefuseAnInlinePrivateKeyInAFileGroupOrOthersCanRead(@TempDir Path dir)
            throws Exception {
        for (String mode : List.of("rw-r-----", "rw-r--r--", "rw----r--")) {
            Path config = write(dir.resolve("sluice.conf"), base("", "", ""), mode);
            String octal =
                    switch (mode) {
                        case "rw-r-----" -> "0640";
                        case "rw-r--r--" -> "0644";
                        default -> "0604";
                    };
            ConfigLoader.Result result = ConfigLoader.load(config);
            assertThat(result.ok()).as("mode %s refused", octal).isFalse();
            assertThat(result.problems())
                    .extracting(Problem::toString)
                    .containsExactly(
                            config
                                    + ":2: PrivateKey is written in "
                                    + config
                                    + ", which is readable by others (mode "
                                    + octal
                                    + "); run: chmod 600 "
                                    + config
                                    + " (or move the key to a PrivateKeyFile)");
        }
    }

    @Test
    void shouldAcceptAReadableConfigurationWhenTheKeyIsInAPrivateKeyFile(@TempDir Path dir)
            throws Exception {
        Path key = write(dir.resolve("private.key"), KEY + "\n", "rw-------");
        Path config =
                write(
                        dir.resolve("sluice.conf"),
                        base("", "", "").replace("PrivateKey = " + KEY, "PrivateKeyFile = " + key),
                        "rw-r--r--");
        ConfigLoader.Result result = ConfigLoader.load(config);
        assertThat(result.ok()).as(result.problems().toString()).isTrue();
        assertThat(result.config().iface().privateKey().toBase64()).isEqualTo(KEY);
    }

    @Test
    void shouldNameMissingRequiredKeysAndSections() {
        assertError(
                "[Peer]\nPublicKey = " + PEER + "\nAllowedIPs = 10.0.0.0/8\n",
                "t.conf: no [Interface] section");
        assertError(
                "[Interface]\nPrivateKey = " + KEY + "\nAddress = 10.0.0.2/32\n",
                "t.conf: no [Peer] section: Sluice needs a peer to tunnel to");
        assertError(
                base("", "", "").replace("PrivateKey = " + KEY, ""),
                "t.conf:1: [Interface] needs PrivateKey or PrivateKeyFile");
        assertError(
                base("", "", "").replace("Address = 10.66.0.2/32", ""),
                "t.conf:1: [Interface] needs Address (the tunnel addresses, like 10.66.0.2/32)");
        assertError(
                base("", "", "").replace("PublicKey = " + PEER, ""),
                "t.conf:5: [Peer] needs PublicKey");
    }

    @Test
    void shouldRefuseScriptsUnlessAllowed() {
        String hooked = base("PostUp = iptables -A FORWARD -i %i -j ACCEPT", "", "");
        assertError(
                hooked,
                "t.conf:4: PostUp runs a shell command, which Sluice refuses unless"
                        + " [Interface] AllowScripts = true");
        ConfigLoader.Result allowed =
                ConfigLoader.loadText(
                        "t.conf",
                        base(
                                "PostUp = iptables -A FORWARD -i %i -j ACCEPT\nAllowScripts = true",
                                "", ""));
        assertThat(allowed.ok()).isTrue();
        assertThat(allowed.config().iface().scripts().get("PostUp")).hasSize(1);
    }

    @Test
    void shouldRefuseBadValuesNamingKeyAndValue() {
        assertError(
                base("MTU = 100", "", ""), "t.conf:4: MTU '100' is not a number from 576 to 9000");
        assertError(
                base("MTU = 1200\nAddress = fd66::2/128", "", ""),
                "t.conf:4: MTU = 1200 is below 1280, the IPv6 minimum, and Address has fd66::2/128");
        assertError(
                base("Table = main", "", ""),
                "t.conf:4: Table 'main' is not a private routing table number (1 to 4294967294,"
                        + " not 253-255 which are the system's)");
        assertError(
                base("Name = much-too-long-name0", "", ""),
                "t.conf:4: Name 'much-too-long-name0' is not a Linux interface name (1 to 15"
                        + " letters, digits, '_', '.', '-')");
        assertError(
                base("", "Endpoint = vpn.example.com", ""),
                "t.conf:8: Endpoint 'vpn.example.com' is not host:port (like vpn.example.com:51820,"
                        + " 192.0.2.1:51820 or [2001:db8::1]:51820)");
        assertError(
                base("", "PersistentKeepalive = often", ""),
                "t.conf:8: PersistentKeepalive 'often' is not off or a number of seconds from 0 to"
                        + " 65535");
        assertError(
                base("", "", "[Split]\nMode = sometimes"),
                "t.conf:10: Mode 'sometimes' is not include or exclude");
        assertError(
                base("", "", "[Split]\nStrategy = magic"),
                "t.conf:10: Strategy 'magic' is not capture or kernel");
        assertError(
                base("", "", "[Split]\nTunnelDomains = corp..example"),
                "t.conf:10: TunnelDomains: 'corp..example' is not a domain name");
        assertError(
                base("AutoConnect = perhaps", "", ""),
                "t.conf:4: AutoConnect 'perhaps' is not true or false");
        assertError(
                base("DNS = not an address!", "", ""),
                "t.conf:4: DNS 'not an address!' is neither an IP address nor a domain name");
        assertError(
                base("MTU = 1400\nMTU = 1300", "", ""),
                "t.conf:5: MTU is given twice (first at t.conf:4)");
        assertError(
                base("", "", "[Split]\nTunnel = 10.9.0.0/16\nBypass = 10.9.0.0/16"),
                "t.conf:11: 10.9.0.0/16 is in both Tunnel and Bypass; keep it in one list");
        assertError(
                base("", "", "").replace("AllowedIPs", "[garbage"),
                "t.conf:7: section header '[garbage = 10.0.0.0/8' is not of the form [Name]");
    }

    @Test
    void shouldWarnButAccept() {
        ConfigLoader.Result result =
                ConfigLoader.loadText(
                        "t.conf",
                        base(
                                "SaveConfig = true",
                                "",
                                "[Split]\nMode = exclude\nTunnel = 224.1.0.0/16"));
        assertThat(result.ok()).isTrue();
        assertThat(result.problems())
                .extracting(Problem::toString)
                .contains(
                        "t.conf:4: warning: SaveConfig = true is ignored: Sluice never writes the"
                                + " configuration back",
                        "t.conf:10: warning: Mode = exclude tunnels everything, but no peer's AllowedIPs"
                                + " holds 0.0.0.0/0: addresses no peer accepts are dropped",
                        "t.conf:11: warning: Tunnel 224.1.0.0/16 lies in 224.0.0.0/4 (IPv4 multicast),"
                                + " which is never tunnelled");
    }

    @Test
    void shouldReportUnreadableFiles(@TempDir Path dir) throws Exception {
        Path binary = dir.resolve("binary.conf");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThat(ConfigLoader.load(binary).problems())
                .extracting(Problem::toString)
                .containsExactly(binary + ": file is not UTF-8 text");
        assertThat(ConfigLoader.load(dir.resolve("none.conf")).problems())
                .extracting(Problem::toString)
                .containsExactly(dir.resolve("none.conf") + ": file does not exist");
    }
}
