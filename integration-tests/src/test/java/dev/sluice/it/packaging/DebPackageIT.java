package dev.sluice.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb in a throwaway Debian root (debootstrap minbase, packages from Debian only): installs
 * with its dependencies, creates the user and group, sets permissions, runs from its jlink image,
 * and purges without a trace. Inside the root, {@code /proc} is mounted for the JVM and unmounted
 * after every command.
 */
class DebPackageIT {
    private static final String MIRROR = "http://deb.debian.org/debian";

    @TempDir Path directory;

    private Path root;

    @BeforeEach
    void requirements() {
        Privileged.requireRoot();
        Privileged.requireTool("debootstrap", "builds the throwaway Debian root");
        Privileged.requireTool("dpkg-deb", "reads the package");
    }

    private static Path deb() {
        Path dist =
                Path.of(System.getProperty("sluice.distribution", "../packaging/target/sluice"));
        return dist.resolveSibling("sluice_0.1.0_amd64.deb");
    }

    /** Runs {@code script} in the root with /proc mounted; returns exit code and output. */
    private HostCommand inRoot(String script) throws Exception {
        return HostCommand.run(
                "chroot",
                root.toString(),
                "sh",
                "-c",
                "mount -t proc proc /proc && trap 'umount /proc' EXIT && export DEBIAN_FRONTEND=noninteractive && "
                        + script);
    }

    @Test
    void theDebShouldInstallRunAndPurgeCleanlyInAFreshDebian() throws Exception {
        Path deb = deb();
        assertThat(deb).as("built by ./mvnw package").exists();
        String info = HostCommand.check("dpkg-deb", "--info", deb.toString());
        assertThat(info).contains("Package: sluice", "Depends: iproute2, nftables, adduser");
        System.out.printf("sluice .deb: %.1f MB%n", Files.size(deb) / 1e6);

        root = directory.resolve("root");
        HostCommand.check("debootstrap", "--variant=minbase", "bookworm", root.toString(), MIRROR);
        Files.copy(deb, root.resolve("tmp/sluice.deb"));
        Files.copy(
                Path.of("/etc/resolv.conf"),
                root.resolve("etc/resolv.conf"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        HostCommand install =
                inRoot(
                        "apt-get update -q && apt-get install -y -q --no-install-recommends /tmp/sluice.deb");
        assertThat(install.exitCode()).as(install.output()).isZero();

        HostCommand version = inRoot("sluice --version");
        assertThat(version.exitCode()).as(version.output()).isZero();
        assertThat(version.output()).startsWith("sluice 0.1.0").contains("Java");
        assertThat(
                        inRoot(
                                        "readlink -f /usr/lib/sluice/runtime/bin/java && /usr/lib/sluice/runtime/bin/java --list-modules")
                                .output())
                .as("the jlink image holds only what Sluice needs")
                .contains("java.base", "jdk.net")
                .doesNotContain("java.desktop", "jdk.compiler");

        assertThat(inRoot("getent passwd sluice").output())
                .contains("sluice:x:")
                .contains(":/var/lib/sluice:/usr/sbin/nologin");
        assertThat(inRoot("getent group sluice").exitCode()).isZero();
        assertThat(
                        inRoot(
                                        "stat -c '%a %U:%G %n' /etc/sluice /var/lib/sluice /etc/sluice/sluice.conf.example /lib/systemd/system/sluice.service /lib/systemd/system/sluice-killswitch.service /usr/share/man/man1/sluice.1.gz /usr/share/bash-completion/completions/sluice /usr/share/doc/sluice/configuration.md /usr/share/doc/sluice/operations.md")
                                .output())
                .contains("750 root:sluice /etc/sluice")
                .contains("700 root:root /var/lib/sluice")
                .contains("640 root:sluice /etc/sluice/sluice.conf.example")
                .contains("644 root:root /lib/systemd/system/sluice.service")
                .contains("644 root:root /lib/systemd/system/sluice-killswitch.service")
                .contains("644 root:root /usr/share/man/man1/sluice.1.gz")
                .contains("644 root:root /usr/share/bash-completion/completions/sluice")
                .contains("644 root:root /usr/share/doc/sluice/configuration.md")
                .contains("644 root:root /usr/share/doc/sluice/operations.md");
        assertThat(
                        inRoot(
                                        "readlink /etc/systemd/system/sysinit.target.wants/sluice-killswitch.service")
                                .output()
                                .strip())
                .as(
                        "the early-boot kill switch is enabled (it does nothing unless KillSwitch = always)")
                .isEqualTo("/lib/systemd/system/sluice-killswitch.service");
        assertThat(inRoot("readlink /usr/bin/sluice").output().strip())
                .isEqualTo("/usr/lib/sluice/bin/sluice");
        assertThat(inRoot("zcat /usr/share/man/man1/sluice.1.gz").output())
                .contains(".TH SLUICE 1", "sluice recover");
        System.out.println(
                "installed size: "
                        + inRoot("du -sh /usr/lib/sluice/runtime /usr/lib/sluice")
                                .output()
                                .replace('\n', ' '));

        // Installing again (an upgrade of the same version) keeps user, group and permissions,
        // and makes a configuration holding PrivateKey inline readable by root only (the
        // daemon would refuse it): one left at 0644 becomes 0600.
        HostCommand readable =
                inRoot(
                        "printf '[Interface]\\nPrivateKey = x\\n' > /etc/sluice/sluice.conf"
                                + " && chmod 0644 /etc/sluice/sluice.conf");
        assertThat(readable.exitCode()).as(readable.output()).isZero();
        assertThat(inRoot("dpkg -i /tmp/sluice.deb").exitCode()).isZero();
        assertThat(inRoot("stat -c '%a %U:%G' /etc/sluice").output().strip())
                .isEqualTo("750 root:sluice");
        assertThat(inRoot("stat -c '%a' /etc/sluice/sluice.conf").output().strip())
                .isEqualTo("600");

        HostCommand purge = inRoot("apt-get purge -y -q sluice");
        assertThat(purge.exitCode()).as(purge.output()).isZero();
        for (String gone :
                new String[] {
                    "usr/lib/sluice",
                    "usr/bin/sluice",
                    "etc/sluice",
                    "var/lib/sluice",
                    "lib/systemd/system/sluice.service",
                    "lib/systemd/system/sluice-killswitch.service",
                    "etc/systemd/system/sysinit.target.wants/sluice-killswitch.service",
                    "usr/share/man/man1/sluice.1.gz",
                    "usr/share/doc/sluice"
                }) {
            assertThat(root.resolve(gone)).as("left after purge").doesNotExist();
        }
        assertThat(inRoot("dpkg -s sluice").exitCode())
                .as("package unknown after purge")
                .isNotZero();
    }
}
