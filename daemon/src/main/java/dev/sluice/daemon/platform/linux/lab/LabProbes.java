package dev.sluice.daemon.platform.linux.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Traffic an application would send, and what the far side saw of it. */
public final class LabProbes {
    private static final Pattern ACCEPTED =
            Pattern.compile("Accepted connection from ([0-9a-f.:]+),");
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final LabTopology lab;
    private final Path directory;

    public LabProbes(LabTopology lab, Path directory) {
        this.lab = lab;
        this.directory = directory;
    }

    /** A TCP transfer and what the receiving host saw as its source address. */
    public record Transfer(String farSideSource, double bitsPerSecond, String clientOutput) {}

    /** {@code ping} from {@code fromNs}; true when every echo came back. */
    public boolean ping(String fromNs, String host) throws IOException {
        String output = lab.tryExec(fromNs, "ping", "-c", "3", "-i", "0.2", "-W", "3", host);
        return output.contains(" 0% packet loss");
    }

    /**
     * A one-off iperf3 server in {@code serverNs}, a {@code seconds}-long single-stream TCP
     * transfer from {@code clientNs} to {@code host}, and the source address the server accepted.
     */
    public Transfer tcpTransfer(String clientNs, String serverNs, String host, int seconds)
            throws IOException, InterruptedException {
        int run = RUNS.incrementAndGet();
        Path serverLog = directory.resolve("iperf3-server-" + run + ".log");
        Process server =
                lab.start(serverNs, Map.of(), serverLog, "iperf3", "-s", "-1", "-p", "5201");
        try {
            waitForListener(serverNs);
            String client =
                    lab.tryExec(
                            clientNs,
                            "iperf3",
                            "-c",
                            host,
                            "-p",
                            "5201",
                            "-t",
                            Integer.toString(seconds),
                            "-f",
                            "m");
            server.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            String log = Files.readString(serverLog);
            Matcher accepted = ACCEPTED.matcher(log);
            String source = accepted.find() ? accepted.group(1) : null;
            return new Transfer(source, receiverRate(client), client);
        } finally {
            LabTopology.stop(server);
        }
    }

    private void waitForListener(String ns) throws IOException, InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (lab.tryExec(ns, "ss", "-Htln", "sport = :5201").contains("5201")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("iperf3 did not listen in " + ns);
    }

    private static double receiverRate(String client) {
        Matcher line = Pattern.compile("([0-9.]+) Mbits/sec\\s+receiver").matcher(client);
        return line.find() ? Double.parseDouble(line.group(1)) * 1e6 : 0;
    }

    /** How a TCP connect() ended and how long it took. */
    public record ConnectAttempt(String error, long elapsedMs) {}

    /**
     * A TCP connect to {@code host}:{@code port} from {@code ns} (bash's /dev/tcp), 10 s at most.
     */
    public ConnectAttempt connect(String ns, String host, int port) throws IOException {
        long startNs = System.nanoTime();
        String output =
                lab.tryExec(
                        ns,
                        "timeout",
                        "10",
                        "bash",
                        "-c",
                        "exec 3<>/dev/tcp/" + host + "/" + port + " && echo connected");
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        return new ConnectAttempt(output.strip(), elapsedMs);
    }
}
