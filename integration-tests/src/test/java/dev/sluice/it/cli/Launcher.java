package dev.sluice.it.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    /** Runs as the numeric user (and group) {@code uid}, without supplementary groups. */
    public static Result runAs(String uid, String stdin, String... args)
            throws IOException, InterruptedException {
        return execute(
                List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"),
                stdin,
                args);
    }

    private static Result execute(List<String> prefix, String stdin, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.add(binary().toAbsolutePath().toString());
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
