package dev.sluice.daemon.bugreport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.crypto.PresharedKey;
import dev.sluice.crypto.PrivateKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BugReportTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir Path directory;

    private final SecureRandom random = new SecureRandom();
    private final PrivateKey privateKey = PrivateKey.generate(random);
    private final PrivateKey fileKey = PrivateKey.generate(random);
    private final PresharedKey psk = PresharedKey.generate(random);
    private final PresharedKey managedPsk = PresharedKey.generate(random);
    private final PresharedKey strayKey = PresharedKey.generate(random);
    private final String peerKey = PrivateKey.generate(random).publicKey().toBase64();
    private final String secondPeerKey = PrivateKey.generate(random).publicKey().toBase64();

    private Path secret(String name, String text) throws IOException {
        Path file = directory.resolve(name);
        Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text);
        return file;
    }

    private Path config() throws IOException {
        return secret(
                "sluice.conf",
                "[Interface]\n"
                        + "PrivateKey = "
                        + privateKey.toBase64()
                        + "\n"
                        + "Address = 10.66.0.2/32\n"
                        + "[Peer]\n"
                        + "PublicKey = "
                        + peerKey
                        + "\n"
                        + "PresharedKey = "
                        + psk.toBase64()
                        + "\n"
                        + "Endpoint = 192.0.2.200:51820\n"
                        + "AllowedIPs = 10.0.0.0/8\n"
                        + "[Peer]\n"
                        + "PublicKey = "
                        + secondPeerKey
                        + "\n"
                        + "AllowedIPs = 172.16.0.0/12\n"
                        // A misspelt key name: still a key, still never shown.
                        + "PresharedKee = "
                        + strayKey.toBase64()
                        + "\n");
    }

    private Map<String, byte[]> read(Path archive) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(archive);
                TarArchiveInputStream tar =
                        new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                tar.transferTo(bytes);
                entries.put(entry.getName(), bytes.toByteArray());
            }
        }
        return entries;
    }

    private BugReport.Summary write(Path config, List<Path> managed, Path state, FakeHost host)
            throws IOException {
        return BugReport.write(
                new BugReport.Sources(
                        config,
                        managed,
                        state,
                        directory.resolve("no-daemon.sock"),
                        host,
                        Clock.fixed(NOW, ZoneOffset.UTC),
                        List.of()),
                directory.resolve("report.tar.gz"));
    }

    @Test
    void shouldContainNoPrivateOrPresharedKeyInAnyEncodingWhenEverySourceHoldsThem()
            throws Exception {
        Path managedDir = Files.createDirectories(directory.resolve("managed.d"));
        Path managed =
                Files.writeString(
                        managedDir.resolve("10-fleet.conf"),
                        "[Peer]\nPublicKey = "
                                + peerKey
                                + "\nPresharedKey = "
                                + managedPsk.toBase64()
                                + "\n");
        Path keyFile = secret("other.key", fileKey.toBase64() + "\n");
        Path otherConfig =
                Files.writeString(
                        managedDir.resolve("20-keyfile.conf"),
                        "[Interface]\nPrivateKeyFile = " + keyFile + "\n");
        // The state directory and the live system leak keys in every form a tool might print.
        Path state = Files.createDirectories(directory.resolve("state"));
        List<byte[]> secrets =
                List.of(
                        privateKey.bytes(),
                        fileKey.bytes(),
                        psk.bytes(),
                        managedPsk.bytes(),
                        strayKey.bytes());
        StringBuilder leaks = new StringBuilder();
        for (byte[] key : secrets) {
            for (byte[] form : Secrets.encodings(key)) {
                leaks.append("leak ")
                        .append(new String(form, StandardCharsets.US_ASCII))
                        .append('\n');
            }
        }
        Files.writeString(state.resolve("journal"), leaks.toString());
        Files.write(state.resolve("snapshot"), concat(privateKey.bytes(), psk.bytes()));
        FakeHost host = new FakeHost();
        host.journal = "sluice[1]: " + leaks;
        host.resolver = "# /etc/resolv.conf\n# " + HexFormatted.upper(psk.bytes()) + "\n";

        BugReport.Summary summary = write(config(), List.of(managed, otherConfig), state, host);

        Map<String, byte[]> entries = read(summary.file());
        assertThat(entries.keySet())
                .allMatch(name -> name.startsWith("report/"))
                .contains(
                        "report/README.txt",
                        "report/version.txt",
                        "report/checks.txt",
                        "report/config/effective.conf",
                        "report/config/managed/10-fleet.conf",
                        "report/config/managed/20-keyfile.conf",
                        "report/daemon/status.json",
                        "report/daemon/metrics.txt",
                        "report/state/journal",
                        "report/state/snapshot",
                        "report/system/ip-rules.txt",
                        "report/system/ip-routes.txt",
                        "report/system/nftables.txt",
                        "report/system/resolver.txt",
                        "report/system/sysctls.txt",
                        "report/journal/sluice.txt");
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            for (byte[] key : secrets) {
                assertThat(Secrets.indexOf(entry.getValue(), key, 0))
                        .as("raw key bytes in " + entry.getKey())
                        .isNegative();
                for (byte[] form : Secrets.encodings(key)) {
                    assertThat(Secrets.indexOf(entry.getValue(), form, 0))
                            .as(
                                    new String(form, StandardCharsets.US_ASCII)
                                            + " in "
                                            + entry.getKey())
                            .isNegative();
                }
            }
        }
        // The whole archive too, in case an entry name or header carried one.
        byte[] whole =
                new GzipCompressorInputStream(Files.newInputStream(summary.file())).readAllBytes();
        for (byte[] key : secrets) {
            for (byte[] form : Secrets.encodings(key)) {
                assertThat(Secrets.indexOf(whole, form, 0)).isNegative();
            }
        }

        String effective =
                new String(entries.get("report/config/effective.conf"), StandardCharsets.UTF_8);
        assertThat(effective)
                .contains(
                        "PrivateKey = (redacted); its public key is "
                                + privateKey.publicKey().toBase64(),
                        "PublicKey = " + peerKey,
                        "PresharedKey = (redacted)   # " + managed + ":3",
                        "PresharedKee = (redacted)",
                        "(holds the private key of public key "
                                + fileKey.publicKey().toBase64()
                                + ")",
                        "Endpoint = 192.0.2.200:51820");
        assertThat(new String(entries.get("report/state/journal"), StandardCharsets.UTF_8))
                .contains("leak (redacted)");
        assertThat(Files.getPosixFilePermissions(summary.file()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(new String(entries.get("report/daemon/status.json"), StandardCharsets.UTF_8))
                .startsWith("# not available: no Sluice daemon at ");
        assertThat(new String(entries.get("report/README.txt"), StandardCharsets.UTF_8))
                .contains("Not collected:", "daemon status: no Sluice daemon at ");
    }

    @Test
    void shouldStillWriteAReportWhenTheConfigurationIsMissingAndToolsFail() throws Exception {
        FakeHost host = new FakeHost();
        host.journal = null;
        BugReport.Summary summary =
                write(
                        directory.resolve("absent.conf"),
                        List.of(),
                        directory.resolve("no-state"),
                        host);
        Map<String, byte[]> entries = read(summary.file());
        assertThat(new String(entries.get("report/config/effective.conf"), StandardCharsets.UTF_8))
                .contains("absent.conf", "file does not exist");
        assertThat(new String(entries.get("report/journal/sluice.txt"), StandardCharsets.UTF_8))
                .contains("could not collect journal: journalctl: not found");
        assertThat(summary.notes())
                .anyMatch(note -> note.contains("no-state"))
                .anyMatch(note -> note.contains("is not valid"));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** Hex in upper case, as some tools print keys. */
    private static final class HexFormatted {
        static String upper(byte[] bytes) {
            return java.util.HexFormat.of().withUpperCase().formatHex(bytes);
        }
    }
}
