package dev.sluice.it.replay;

import dev.sluice.testkit.Privileged;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Docker daemon the replay tests use: the one at {@code $DOCKER_HOST} when it answers,
 * otherwise a private {@code dockerd} started here (no iptables, no forwarding, no masquerade, no
 * default bridge; its own data root, so images stay cached between runs on one machine), stopped by
 * PID when the JVM exits.
 */
final class PrivateDocker {
    static final Path RUN = Path.of("/run/sluice-test-docker");
    static final Path SOCKET = RUN.resolve("docker.sock");
    private static final Path DATA = Path.of("/var/lib/sluice-test-docker");
    private static Process started;

    private PrivateDocker() {}

    /** The daemon's socket, answering; starts the private daemon when needed. */
    static synchronized Path socket() throws Exception {
        if (answers()) {
            return SOCKET;
        }
        Privileged.requireRoot();
        Privileged.requireTool("dockerd", "runs the replay containers");
        Privileged.requireTool("docker", "imports the replay image");
        Files.createDirectories(RUN);
        Files.createDirectories(DATA);
        started =
                new ProcessBuilder(
                                "dockerd",
                                "--host",
                                "unix://" + SOCKET,
                                "--data-root",
                                DATA.toString(),
                                "--exec-root",
                                RUN.resolve("exec").toString(),
                                "--pidfile",
                                RUN.resolve("docker.pid").toString(),
                                "--iptables=false",
                                "--ip-forward=false",
                                "--ip-masq=false",
                                "--bridge=none")
                        .redirectErrorStream(true)
                        .redirectOutput(new File(RUN.resolve("dockerd.log").toString()))
                        .start();
        Runtime.getRuntime().addShutdownHook(new Thread(PrivateDocker::stop));
        for (int i = 0; i < 300; i++) {
            if (answers()) {
                return SOCKET;
            }
            if (!started.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(
                "the private dockerd did not come up: "
                        + Files.readString(RUN.resolve("dockerd.log")));
    }

    private static boolean answers() throws Exception {
        if (!Files.exists(SOCKET)) {
            return false;
        }
        Process probe =
                new ProcessBuilder(
                                "docker",
                                "--host",
                                "unix://" + SOCKET,
                                "version",
                                "--format",
                                "{{.Server.Version}}")
                        .redirectErrorStream(true)
                        .start();
        probe.getInputStream().readAllBytes();
        return probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }

    private static void stop() {
        if (started != null && started.isAlive()) {
            started.destroy();
            try {
                if (!started.waitFor(20, TimeUnit.SECONDS)) {
                    started.destroyForcibly();
                }
            } catch (InterruptedException e) {
                started.destroyForcibly();
            }
        }
    }
}
