package dev.sluice.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.it.cli.Launcher;
import dev.sluice.testkit.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Type=notify} without systemd: a datagram socket stands in for {@code $NOTIFY_SOCKET}
 * (python3 listens), and {@code sluice daemon} must send READY=1 once it serves and STOPPING=1 on
 * SIGTERM. The daemon does not connect, so nothing on the host changes.
 */
class SystemdNotifyIT {
    @TempDir Path directory;

    @Test
    void theDaemonShouldTellSystemdWhenItIsReadyAndWhenItStops() throws Exception {
        Privileged.requireRoot();
        Privileged.requireTool("python3", "listens on the notify socket");
        Path socket = directory.resolve("notify.sock");
        Path received = directory.resolve("received.txt");
        Process listener =
                new ProcessBuilder(
                                "python3",
                                "-c",
                                "import socket,sys\n"
                                        + "s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
                                        + "s.bind(sys.argv[1])\n"
                                        + "out=open(sys.argv[2],'a')\n"
                                        + "while True:\n"
                                        + "    m=s.recv(4096).decode()\n"
                                        + "    out.write(m.replace('\\n',' ')+'\\n'); out.flush()\n"
                                        + "    if 'STOPPING=1' in m: break\n",
                                socket.toString(),
                                received.toString())
                        .redirectErrorStream(true)
                        .start();
        Process daemon = null;
        try {
            for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                Thread.sleep(20);
            }
            Path config =
                    Files.writeString(
                            directory.resolve("sluice.conf"),
                            "[Interface]\nPrivateKey = UB6o5rFtmXHMABndGMAkw3s2nI4jUXNLhqyMQJphW3I=\n"
                                    + "Address = 10.66.0.2/32\nName = slnotify0\n[Peer]\n"
                                    + "PublicKey = CpMPCwQjsiXds8QsQFXxl6O0FEdkhOFvwb01+mB3GHo=\n"
                                    + "AllowedIPs = 10.0.0.0/8\n");
            Files.setPosixFilePermissions(
                    config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            ProcessBuilder builder =
                    new ProcessBuilder(
                                    Launcher.binary().toAbsolutePath().toString(),
                                    "daemon",
                                    "--config",
                                    config.toString(),
                                    "--state-dir",
                                    directory.resolve("state").toString(),
                                    "--socket",
                                    directory.resolve("control.sock").toString())
                            .redirectErrorStream(true)
                            .redirectOutput(directory.resolve("daemon.log").toFile());
            builder.environment().put("NOTIFY_SOCKET", socket.toString());
            daemon = builder.start();
            long deadlineMs = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadlineMs
                    && !(Files.exists(received)
                            && Files.readString(received).contains("READY=1"))) {
                Thread.sleep(50);
            }
            assertThat(Files.exists(received) ? Files.readString(received) : "")
                    .as(Files.readString(directory.resolve("daemon.log")))
                    .contains("READY=1", "STATUS=serving on " + directory.resolve("control.sock"));
            daemon.destroy();
            assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(daemon.exitValue()).isZero();
            assertThat(listener.waitFor(10, TimeUnit.SECONDS)).as("STOPPING=1 received").isTrue();
            assertThat(Files.readString(received)).contains("STOPPING=1");
        } finally {
            if (daemon != null) {
                daemon.destroyForcibly();
            }
            listener.destroyForcibly();
        }
    }
}
