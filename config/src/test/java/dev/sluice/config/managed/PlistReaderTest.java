package dev.sluice.config.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.ini.IniDocument;
import dev.sluice.config.ini.IniEntry;
import dev.sluice.config.ini.IniSection;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Managed preferences in both forms macOS stores them. The binary fixtures ({@code *.binary.plist})
 * were written from the XML ones by Python's {@code plistlib} ({@code
 * plistlib.dump(plistlib.load(xml), out, fmt=plistlib.FMT_BINARY, sort_keys=False)}), a writer of
 * CoreFoundation's {@code bplist00} format independent of the parser under test.
 */
class PlistReaderTest {
    private static final Path MANAGED = Path.of("src", "test", "resources", "managed");

    /** Every entry as {@code Section.Key=value}, in document order. */
    private static List<String> entries(IniDocument document) {
        List<String> lines = new ArrayList<>();
        for (IniSection section : document.sections()) {
            for (IniEntry entry : section.entries()) {
                lines.add(section.name() + "." + entry.key() + "=" + entry.value());
            }
        }
        return lines;
    }

    @Test
    void shouldReadTheSameOverlayWhenThePreferencesAreBinaryOrXml() throws Exception {
        IniDocument xml = PlistReader.read(MANAGED.resolve("dev.sluice.plist"));
        IniDocument binary = PlistReader.read(MANAGED.resolve("dev.sluice.binary.plist"));
        List<String> expected =
                List.of(
                        "Interface.MTU=1380",
                        "Interface.AutoConnect=true",
                        "Split.Bypass=192.0.2.0/24, 2001:db8:beef::/48",
                        "Split.LocalNetworks=tunnel",
                        "Peer.PublicKey=0/95NEw8Uf9c5lmJ5xc0nk/G3nOKK4uzLs6vxVzs9E8=",
                        "Peer.AllowedIPs=10.200.0.0/16",
                        "Peer.Endpoint=second.example.net:51820");
        assertThat(entries(xml)).containsExactlyElementsOf(expected);
        assertThat(entries(binary)).containsExactlyElementsOf(expected);
        assertThat(Files.readAllBytes(MANAGED.resolve("dev.sluice.binary.plist")))
                .as("the fixture really is binary")
                .startsWith("bplist00".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void shouldKeepTheXmlLineOfEachValueAndHaveNoLinesInBinary() throws Exception {
        IniDocument xml = PlistReader.read(MANAGED.resolve("dev.sluice.plist"));
        IniEntry mtu = xml.sections().get(0).entries().get(0);
        assertThat(mtu.key()).isEqualTo("MTU");
        assertThat(mtu.line()).isEqualTo(10);
        IniDocument binary = PlistReader.read(MANAGED.resolve("dev.sluice.binary.plist"));
        assertThat(binary.sections().get(0).entries().get(0).line()).isZero();
    }

    @Test
    void shouldNameTheKeyPathWhenABinaryValueHasTheWrongType() {
        assertThatThrownBy(() -> PlistReader.read(MANAGED.resolve("bad-type.binary.plist")))
                .isInstanceOf(PlistReader.PlistException.class)
                .hasMessage("Split.Tunnel must be an array of strings")
                .extracting(e -> ((PlistReader.PlistException) e).line())
                .isEqualTo(0);
    }

    @Test
    void shouldNameTheKeyPathAndLineWhenAnXmlValueHasTheWrongType() {
        assertThatThrownBy(() -> PlistReader.read(MANAGED.resolve("bad-type.plist")))
                .isInstanceOf(PlistReader.PlistException.class)
                .hasMessage("Split.Tunnel must be an array of strings")
                .extracting(e -> ((PlistReader.PlistException) e).line())
                .isEqualTo(7);
    }

    @Test
    void shouldMapRealsBooleansAndDataToText() throws Exception {
        String xml =
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <plist version="1.0"><dict>
                  <key>Interface</key><dict>
                    <key>AutoConnect</key><false/>
                    <key>Ratio</key><real>0.5</real>
                    <key>Blob</key><data>AAEC</data>
                  </dict>
                </dict></plist>
                """;
        IniDocument document =
                PlistReader.read(
                        new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "t.plist");
        assertThat(entries(document))
                .containsExactly(
                        "Interface.AutoConnect=false",
                        "Interface.Ratio=0.5",
                        "Interface.Blob=AAEC");
    }

    @Test
    void shouldNeverLoadAnExternalEntityWhenTheXmlDeclaresOne(@TempDir Path directory)
            throws Exception {
        Path secret = directory.resolve("secret.txt");
        Files.writeString(secret, "do-not-read");
        String xml =
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist [ <!ENTITY leak SYSTEM "%s"> ]>
                <plist version="1.0"><dict>
                  <key>Interface</key><dict><key>DNS</key><string>&leak;</string></dict>
                </dict></plist>
                """
                        .formatted(secret.toUri());
        IniDocument document;
        try {
            document =
                    PlistReader.read(
                            new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)),
                            "t.plist");
        } catch (PlistReader.PlistException refused) {
            return; // refusing the document is as safe as ignoring the entity
        }
        assertThat(entries(document)).noneMatch(line -> line.contains("do-not-read"));
    }

    @Test
    void shouldRefuseATruncatedBinaryListWithAClearError() throws Exception {
        byte[] whole = Files.readAllBytes(MANAGED.resolve("dev.sluice.binary.plist"));
        byte[] torn = java.util.Arrays.copyOf(whole, whole.length - 20);
        assertThatThrownBy(() -> PlistReader.read(new ByteArrayInputStream(torn), "torn.plist"))
                .isInstanceOf(PlistReader.PlistException.class);
    }

    @Test
    void shouldRefuseATopLevelThatIsNotADictionary() {
        // bplist00, one object: the ASCII string "x" (0x51 'x'), then the trailer (RFC-less format,
        // laid out as CoreFoundation's CFBinaryPList.c writes it).
        byte[] stringOnly =
                HexFormat.of()
                        .parseHex(
                                "62706c6973743030"
                                        + "5178"
                                        + "08"
                                        + "000000000000"
                                        + "0101"
                                        + "0000000000000001"
                                        + "0000000000000000"
                                        + "000000000000000a");
        assertThatThrownBy(() -> PlistReader.read(new ByteArrayInputStream(stringOnly), "s.plist"))
                .isInstanceOf(PlistReader.PlistException.class)
                .hasMessageContaining("top level is not a dict");
    }
}
