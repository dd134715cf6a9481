package dev.sluice.it.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs the distribution's {@code bin/sluice} as a user would. */
public final class Launcher {
    /** What a run printed and returned. */
    public record Result(int exitCode, String out, String err) {}

    private Launcher() {}

    public static Path binary() {
        Path dist =
                Path.of(System.getProperty("sluice.distribution", "../packaging/target/sluice"));
        Path launcher = dist.resolve("bin/sluice");
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException(launcher + " is missing: run ./mvnw package first");
        }
        return launcher;
    }

    public static Result run(String stdin, String... args)
            throws IOException, InterruptedException {
        return execute(List.of(), stdin, args);
    }

    /**
     * Runs as the numeric user (and group) {@code uid}, without supplementary groups. That user
     * runs a copy of the distribution in a world-readable temporary directory: the checkout may
     * live where only root can enter.
     */
    public static Result runAs(String uid, String stdin, String... args)
            throws IOException, InterruptedException {
        return execute(
                List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"),
                readableCopy(),
                stdin,
                args);
    }

    private static Path readableCopy;

    /** The distribution copied once per test run to a directory every user may read. */
    private static synchronized Path readableCopy() throws IOException {
        if (readableCopy == null) {
            Path distribution = binary().getParent().getParent().toRealPath();
            Path copy = Files.createTempDirectory("sluice-dist");
            try (Stream<Path> files = Files.walk(distribution)) {
                for (Path file : files.toList()) {
                    Path target = copy.resolve(distribution.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                    Files.setPosixFilePermissions(
                            target,
                            PosixFilePermissions.fromString(
                                    Files.isDirectory(file) || Files.isExecutable(file)
                                            ? "rwxr-xr-x"
                                            : "rw-r--r--"));
                }
            }
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(copy)));
            readableCopy = copy.resolve("bin/sluice");
        }
        return readableCopy;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a temporary directory: the system cleans it eventually
        }
    }

    private static Result execute(List<String> prefix, String stdin, String... args)
            throws IOException, InterruptedException {
        return execute(prefix, binary(), stdin, args);
    }

    private static Result execute(List<String> prefix, Path launcher, String stdin, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.add(launcher.toAbsolutePath().toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("sluice " + args[0] + " did not finish in 60 s");
        }
        return new Result(
                process.exitValue(),
                new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
    }
}
