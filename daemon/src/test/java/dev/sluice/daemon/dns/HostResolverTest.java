package dev.sluice.daemon.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.DomainPattern;
import dev.sluice.daemon.platform.linux.ResolverFiles;
import dev.sluice.routing.manager.Operation;
import dev.sluice.routing.manager.RouteBackend;
import dev.sluice.routing.manager.RouteException;
import dev.sluice.routing.manager.RouteManager;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostResolverTest {
    @TempDir Path directory;

    /** The original: comments, a scoped IPv6 server, odd bytes, no final newline. */
    static final byte[] ORIGINAL =
            ("# from DHCP\nnameserver 198.19.0.10\nnameserver fe80::1%eth0\n"
                            + "search example.net\noptions edns0 trust-ad\n; caf\u00e9 \u00ff")
                    .getBytes(StandardCharsets.ISO_8859_1);

    final List<String> journal = new ArrayList<>();
    final RouteManager.OperationListener listener =
            new RouteManager.OperationListener() {
                @Override
                public void beforeApply(Operation operation) {
                    journal.add("inverse: " + operation.inverse());
                }

                @Override
                public void undone(Operation operation) {
                    journal.add("undone: " + operation);
                }
            };
    final RouteBackend files =
            new RouteBackend() {
                @Override
                public void apply(Operation operation) throws RouteException {
                    Operation.ReplaceFile file = (Operation.ReplaceFile) operation;
                    ResolverFiles.replace(Path.of(file.path()), file.content(), file.expected());
                }

                @Override
                public String readSysctl(String key) {
                    throw new UnsupportedOperationException();
                }
            };
    final DomainRules rules =
            new DomainRules(
                    List.of(DomainPattern.parse("corp.example")),
                    List.of(),
                    List.of(),
                    false,
                    true);

    private HostResolver configure(Path file) throws Exception {
        return HostResolver.configure(
                file,
                "sluice0",
                List.of(InetAddress.getByName("10.66.0.2")),
                rules,
                List.of("corp.example"),
                files,
                listener,
                noResolved);
    }

    final HostResolver.ResolvedProbe noResolved =
            new HostResolver.ResolvedProbe() {
                @Override
                public boolean manages(Path resolvConf) {
                    return false;
                }

                @Override
                public List<InetAddress> servers(String exceptLink) {
                    throw new AssertionError("resolved is not there");
                }
            };

    @Test
    void withSystemdResolvedTheTunShouldGetTheForwarderAndTheRoutingDomains() throws Exception {
        Path file = Files.write(directory.resolve("resolv.conf"), ORIGINAL);
        List<String> applied = new ArrayList<>();
        RouteBackend recording =
                new RouteBackend() {
                    @Override
                    public void apply(Operation operation) {
                        applied.add(operation.toString());
                    }

                    @Override
                    public String readSysctl(String key) {
                        throw new UnsupportedOperationException();
                    }
                };
        HostResolver host =
                HostResolver.configure(
                        file,
                        "sluice0",
                        List.of(InetAddress.getByName("10.66.0.2")),
                        new DomainRules(
                                List.of(DomainPattern.parse("corp.example")),
                                List.of(DomainPattern.parse("zoom.us")),
                                List.of(),
                                false,
                                true),
                        List.of(),
                        recording,
                        listener,
                        new HostResolver.ResolvedProbe() {
                            @Override
                            public boolean manages(Path resolvConf) {
                                return true;
                            }

                            @Override
                            public List<InetAddress> servers(String exceptLink)
                                    throws java.io.IOException {
                                assertThat(exceptLink).isEqualTo("sluice0");
                                return List.of(InetAddress.getByName("192.0.2.53"));
                            }
                        });
        assertThat(host.mode()).isEqualTo(HostResolver.Mode.SYSTEMD_RESOLVED);
        assertThat(host.originalServers()).containsExactly(InetAddress.getByName("192.0.2.53"));
        host.restore();
        assertThat(applied)
                .containsExactly(
                        "resolved link sluice0 dns 10.66.0.2 domains ~corp.example ~zoom.us",
                        "resolved revert sluice0");
        assertThat(journal)
                .containsExactly(
                        "inverse: resolved revert sluice0",
                        "inverse: resolved link sluice0 dns 10.66.0.2 domains ~corp.example"
                                + " ~zoom.us");
        assertThat(Files.readAllBytes(file)).as("the file is resolved's").isEqualTo(ORIGINAL);
    }

    @Test
    void theResolverFileShouldPointAtTheForwarderAndComeBackByteForByteInPlace() throws Exception {
        Path file = Files.write(directory.resolve("resolv.conf"), ORIGINAL);
        Object inode = Files.getAttribute(file, "unix:ino");

        HostResolver host = configure(file);
        assertThat(host.mode()).isEqualTo(HostResolver.Mode.RESOLV_CONF);
        assertThat(host.originalServers())
                .containsExactly(
                        InetAddress.getByName("198.19.0.10"), InetAddress.getByName("fe80::1"));
        assertThat(Files.readString(file, StandardCharsets.ISO_8859_1))
                .startsWith("# written by sluice")
                .contains(
                        "nameserver 10.66.0.2\n",
                        "search corp.example example.net\n",
                        "options edns0 trust-ad\n")
                .doesNotContain("198.19.0.10");
        assertThat(journal).singleElement().asString().startsWith("inverse: write " + file);

        host.restore();
        assertThat(Files.readAllBytes(file)).isEqualTo(ORIGINAL);
        assertThat(Files.getAttribute(file, "unix:ino"))
                .as("written in place, as a bind mount needs")
                .isEqualTo(inode);
        assertThat(journal).hasSize(2);
    }

    @Test
    void aFileAnotherProgramRewroteMeanwhileShouldBeLeftAlone() throws Exception {
        Path file = Files.write(directory.resolve("resolv.conf"), ORIGINAL);
        HostResolver host = configure(file);
        Files.writeString(file, "nameserver 192.0.2.1\n");
        host.restore();
        assertThat(Files.readString(file)).isEqualTo("nameserver 192.0.2.1\n");
    }

    @Test
    void theForwarderItselfShouldNeverCountAsAnOriginalResolver() throws Exception {
        Path file = Files.writeString(directory.resolve("resolv.conf"), "nameserver 10.66.0.2\n");
        assertThat(configure(file).originalServers()).isEmpty();
    }

    @Test
    void aReplacementShouldHappenOnlyOverTheExpectedContent() throws Exception {
        Path file = Files.writeString(directory.resolve("resolv.conf"), "a\n");
        byte[] a = "a\n".getBytes();
        byte[] b = "b\n".getBytes();
        assertThatThrownBy(() -> ResolverFiles.replace(file, a, b))
                .isInstanceOfSatisfying(
                        RouteException.class, e -> assertThat(e.alreadyInPlace()).isTrue());
        assertThatThrownBy(() -> ResolverFiles.replace(file, "c\n".getBytes(), b))
                .hasMessageContaining(file + " was changed by another program");
        ResolverFiles.replace(file, b, a);
        assertThat(Files.readString(file)).isEqualTo("b\n");
    }

    @Test
    void resolvConfShouldYieldItsNameserversInOrder() throws Exception {
        assertThat(
                        ResolvConf.nameservers(
                                "nameserver 1.1.1.1\n  nameserver\t2001:db8::53 \n"
                                        + "#nameserver 9.9.9.9\nnameserver bogus\nnameserver\n"))
                .containsExactly(
                        InetAddress.getByName("1.1.1.1"), InetAddress.getByName("2001:db8::53"));
    }
}
