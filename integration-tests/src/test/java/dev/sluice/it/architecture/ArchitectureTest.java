package dev.sluice.it.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
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

    /** Classes that call into native code through JNA. */
    private static final DescribedPredicate<JavaClass> USE_JNA =
            DescribedPredicate.describe(
                    "use JNA",
                    javaClass ->
                            javaClass.getDirectDependenciesFromSelf().stream()
                                    .anyMatch(
                                            dependency ->
                                                    dependency
                                                            .getTargetClass()
                                                            .getPackageName()
                                                            .startsWith("com.sun.jna")));

    @Test
    void nothingOutsideEachPlatformShouldTouchItsJnaClasses() {
        for (String platform : List.of("linux", "darwin")) {
            String inside = "dev.sluice.daemon.platform." + platform + "..";
            noClasses()
                    .that()
                    .resideOutsideOfPackage(inside)
                    .should()
                    .dependOnClassesThat(JavaClass.Predicates.resideInAPackage(inside).and(USE_JNA))
                    .check(production);
        }
    }

    @Test
    void thePlatformsShouldNotDependOnEachOther() {
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.daemon.platform.linux..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.sluice.daemon.platform.darwin..")
                .check(production);
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.daemon.platform.darwin..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.sluice.daemon.platform.linux..")
                .check(production);
    }

    /**
     * Every interface of the platform seam ({@code dev.sluice.daemon.platform}) that macOS
     * implements, Linux implements too, and the other way round.
     */
    @Test
    void bothPlatformsShouldImplementTheSameSeamInterfaces() {
        List<String> seams = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (JavaClass seam : production) {
            if (!seam.isInterface()
                    || !seam.getPackageName().equals("dev.sluice.daemon.platform")) {
                continue;
            }
            seams.add(seam.getSimpleName());
            boolean darwin = false;
            boolean elsewhere = false;
            for (JavaClass implementation : production) {
                if (implementation.isInterface()
                        || !implementation.isAssignableTo(seam.getName())) {
                    continue;
                }
                if (implementation
                        .getPackageName()
                        .startsWith("dev.sluice.daemon.platform.darwin")) {
                    darwin = true;
                } else {
                    elsewhere = true;
                }
            }
            if (darwin != elsewhere) {
                missing.add(
                        seam.getSimpleName()
                                + (darwin ? " (Linux lacks it)" : " (macOS lacks it)"));
            }
        }
        assertThat(seams).contains("Platform", "PlatformRouteBackend", "RouteMonitor");
        assertThat(missing).as("seam interfaces one platform does not implement").isEmpty();
        for (String platform : List.of("linux.LinuxPlatform", "darwin.DarwinPlatform")) {
            assertThat(production.get("dev.sluice.daemon.platform." + platform).getInterfaces())
                    .extracting(type -> type.toErasure().getName())
                    .containsExactly("dev.sluice.daemon.platform.Platform");
        }
    }

    /**
     * The daemon picks its platform once, at start: only {@code Platforms} makes one, and only the
     * CLI's entry points ask it; everything else is handed the platform.
     */
    @Test
    void theDaemonShouldPickThePlatformOnceAtStart() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName("dev.sluice.daemon.platform.Platforms")
                .should()
                .callConstructorWhere(
                        DescribedPredicate.describe(
                                "a constructor of a Platform",
                                call ->
                                        call.getTargetOwner()
                                                .isAssignableTo(
                                                        "dev.sluice.daemon.platform.Platform")))
                .check(production);
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.sluice.daemon.cli..")
                .should()
                .callMethod("dev.sluice.daemon.platform.Platforms", "current")
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
