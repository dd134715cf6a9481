package dev.sluice.daemon.platform.darwin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.routing.manager.RouteException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolver files (resolver(5)) and the dynamic-store DNS entry through scutil. */
class DarwinDnsTest {
    @TempDir Path resolver;

    @Test
    void shouldStartEveryResolverFileWithSluicesMarkerLine() throws Exception {
        byte[] file =
                ResolverFiles.render(
                        "corp.example.com",
                        List.of(
                                InetAddress.getByName("10.66.0.2"),
                                InetAddress.getByName("fd66::2")));
        assertThat(new String(file, StandardCharsets.US_ASCII))
                .isEqualTo(
                        """
                # written by sluice: names under corp.example.com go to its DNS forwarder; removed\
                 at disconnect and by 'sluice recover'
                nameserver 10.66.0.2
                nameserver fd66:0:0:0:0:0:0:2
                """);
        assertThat(ResolverFiles.file(resolver, "Corp.Example.COM"))
                .isEqualTo(resolver.resolve("corp.example.com"));
        assertThatThrownBy(() -> ResolverFiles.file(resolver, "../etc/passwd"))
                .hasMessageContaining("not a domain");
    }

    @Test
    void shouldCreateAWorldReadableFileAndRemoveItWhenWritingNothing() throws Exception {
        Path file = resolver.resolve("sub").resolve("corp.example.com");
        byte[] content = "nameserver 10.66.0.2\n".getBytes(StandardCharsets.US_ASCII);
        ResolverFiles.replace(file, content, new byte[0]);
        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r--r--");
        assertThatThrownBy(() -> ResolverFiles.replace(file, content, new byte[0]))
                .matches(e -> ((RouteException) e).alreadyInPlace());
        ResolverFiles.replace(file, new byte[0], content);
        assertThat(file).doesNotExist();
        assertThat(Files.list(file.getParent())).as("no temporary file left").isEmpty();
    }

    @Test
    void shouldLeaveAFileAnotherProgramRewroteAlone() throws Exception {
        Path file = resolver.resolve("corp.example.com");
        Files.writeString(file, "nameserver 192.0.2.53\n");
        assertThatThrownBy(
                        () ->
                                ResolverFiles.replace(
                                        file, new byte[0], "nameserver 10.66.0.2\n".getBytes()))
                .hasMessageContaining("changed by another program");
        assertThat(Files.readString(file)).isEqualTo("nameserver 192.0.2.53\n");
    }

    @Test
    void shouldWriteTheScutilScriptOfATemporaryDnsEntry() {
        assertThat(
                        ScutilScript.addTemporary(
                                "dev.sluice",
                                List.of("10.66.0.2"),
                                List.of(".", "corp.example.com")))
                .isEqualTo(
                        """
                d.init
                d.add ServerAddresses * 10.66.0.2
                d.add SupplementalMatchDomains * "" corp.example.com
                add State:/Network/Service/dev.sluice/DNS temporary
                """);
        assertThatThrownBy(
                        () ->
                                ScutilScript.addTemporary(
                                        "dev.sluice", List.of("1.2.3.4\nquit"), List.of()))
                .hasMessageContaining("not a plain word");
    }

    @Test
    void shouldReadTheServerAddressesScutilShows() {
        String output =
                """
                <dictionary> {
                  SearchDomains : <array> {
                    0 : lan
                  }
                  ServerAddresses : <array> {
                    0 : 192.168.1.1
                    1 : fe80::1%en0
                  }
                }
                """;
        assertThat(ScutilScript.arrayValues(output, "ServerAddresses"))
                .containsExactly("192.168.1.1", "fe80::1%en0");
        assertThat(ScutilScript.arrayValues(output, "Missing")).isEmpty();
        assertThat(ScutilScript.noSuchKey("  No such key\n")).isTrue();
    }

    @Test
    void shouldKeepTheEntryOnlyWhileItsSessionLives() throws Exception {
        FakeScutil scutil = new FakeScutil();
        DynamicStoreDns store = new DynamicStoreDns(scutil);
        store.set("dev.sluice", List.of("10.66.0.2"), List.of("."));
        assertThat(scutil.has("State:/Network/Service/dev.sluice/DNS")).isTrue();
        assertThat(store.present("dev.sluice")).isTrue();
        store.close(); // the daemon ends, however it ends: the session with it
        assertThat(scutil.has("State:/Network/Service/dev.sluice/DNS")).isFalse();
    }

    @Test
    void shouldRemoveTheEntryFromAnotherProcessToo() throws Exception {
        FakeScutil scutil = new FakeScutil();
        new DynamicStoreDns(scutil).set("dev.sluice", List.of("10.66.0.2"), List.of("."));
        new DynamicStoreDns(scutil).remove("dev.sluice");
        assertThat(scutil.has("State:/Network/Service/dev.sluice/DNS")).isFalse();
        assertThat(scutil.commands()).contains("remove State:/Network/Service/dev.sluice/DNS");
    }

    @Test
    void shouldReadTheSystemsGlobalServers() throws Exception {
        FakeScutil scutil =
                new FakeScutil()
                        .withKey(
                                ScutilScript.GLOBAL_DNS,
                                "ServerAddresses",
                                "192.168.1.1",
                                "9.9.9.9");
        assertThat(new DynamicStoreDns(scutil).globalServers())
                .containsExactly("192.168.1.1", "9.9.9.9");
        assertThat(new DynamicStoreDns(new FakeScutil()).globalServers()).isEmpty();
    }
}
