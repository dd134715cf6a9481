package dev.sluice.it.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of DESIGN.md ("Modules ... and what depends on what"), checked on the
 * production classes of every module, and the house-style rules that can be checked mechanically.
 */
class ArchitectureTest {
    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.sluice")
                        .that(
                                com.tngtech.archunit.base.DescribedPredicate.not(
                                        com.tngtech.archunit.core.domain.JavaClass.Predicates
                                                .resideInAPackage("dev.sluice.testkit..")));
        assertThat(production.size()).as("production classes imported").isGreaterThan(20);
    }

    @Test
    void packetShouldDependOnTheJdkOnly() {
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.packet..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("dev.sluice.packet..", "java..")
                .check(production);
    }

    @Test
    void routingShouldDependOnTheJdkOnly() {
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.routing..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("dev.sluice.routing..", "java..")
                .allowEmptyShould(true)
                .check(production);
    }

    @Test
    void cryptoShouldDependOnTheJdkAndBouncyCastleOnly() {
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.crypto..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages(
                        "dev.sluice.crypto..", "java..", "javax.crypto..", "org.bouncycastle..")
                .allowEmptyShould(true)
                .check(production);
    }

    @Test
    void configShouldUseOnlyRoutingAndCryptoValueTypes() {
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.config..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages(
                        "dev.sluice.config..",
                        "dev.sluice.routing..",
                        "dev.sluice.crypto..",
                        "java..",
                        "com.dd.plist..",
                        "javax.xml..",
                        "org.w3c.dom..",
                        "org.xml.sax..")
                .allowEmptyShould(true)
                .check(production);
    }

    @Test
    void leavesShouldNotDependOnEachOtherOrOnTheDaemon() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.sluice.packet..", "dev.sluice.routing..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.sluice.crypto..", "dev.sluice.config..", "dev.sluice.daemon..")
                .check(production);
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.crypto..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.sluice.packet..",
                        "dev.sluice.routing..",
                        "dev.sluice.config..",
                        "dev.sluice.daemon..")
                .allowEmptyShould(true)
                .check(production);
    }

    @Test
    void onlyPlatformCodeShouldTouchJnaOrProcesses() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.sluice.daemon..platform..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.sun.jna..")
                .orShould()
                .dependOnClassesThat()
                .belongToAnyOf(ProcessBuilder.class, Process.class, ProcessHandle.class)
                .check(production);
    }

    @Test
    void shouldHaveNoUtilHelperOrCommonPackages() {
        noClasses()
                .should()
                .resideInAnyPackage(
                        "..util..", "..utils..", "..helper..", "..helpers..", "..common..")
                .check(production);
    }

    @Test
    void onlyPlatformSourcesShouldMentionProc() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path source : productionSources()) {
            String text = Files.readString(source);
            if (text.contains("\"/proc") && !source.toString().contains("/platform/")) {
                offenders.add(source.toString());
            }
        }
        assertThat(offenders).as("sources reading /proc outside daemon..platform..").isEmpty();
    }

    @Test
    void everyProductionPackageShouldHaveAPackageInfo() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Path source : productionSources()) {
            Path packageInfo = source.resolveSibling("package-info.java");
            if (!Files.exists(packageInfo) && !missing.contains(source.getParent().toString())) {
                missing.add(source.getParent().toString());
            }
        }
        assertThat(missing).as("packages without package-info.java").isEmpty();
    }

    private static List<Path> productionSources() throws IOException {
        Path root = Path.of(System.getProperty("sluice.repo.root", "..")).toAbsolutePath();
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.toList()) {
                if (module.getFileName().toString().equals("testkit")) {
                    continue; // test support, never on a production class path
                }
                Path main = module.resolve("src/main/java");
                if (Files.isDirectory(main)) {
                    try (Stream<Path> files = Files.walk(main)) {
                        files.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
                    }
                }
            }
        }
        assertThat(sources).as("sources found under " + root).isNotEmpty();
        return sources;
    }
}
