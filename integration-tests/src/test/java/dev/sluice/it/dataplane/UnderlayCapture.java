package dev.sluice.it.dataplane;

import dev.sluice.daemon.platform.linux.lab.LabTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * tcpdump on one interface of a lab namespace (the router's side of the client link): what an
 * observer on the underlay sees while a test sends traffic.
 */
public final class UnderlayCapture implements AutoCloseable {
    private final LabTopology lab;
    private final Path pcap;
    private final Path log;
    private final Process tcpdump;

    private UnderlayCapture(LabTopology lab, Path pcap, Path log, Process tcpdump) {
        this.lab = lab;
        this.pcap = pcap;
        this.log = log;
        this.tcpdump = tcpdump;
    }

    /**
     * Starts capturing IP traffic on {@code device} in {@code ns}; returns once tcpdump listens.
     */
    public static UnderlayCapture start(
            LabTopology lab, String ns, String device, Path directory, String name)
            throws IOException, InterruptedException {
        return start(lab, ns, device, directory, name, 262_144);
    }

    /**
     * As {@link #start(LabTopology, String, String, Path, String)}, keeping the first {@code
     * snapLength} bytes of each packet (a pcap of bulk traffic stays small; the record still holds
     * each frame's length on the wire).
     */
    public static UnderlayCapture start(
            LabTopology lab, String ns, String device, Path directory, String name, int snapLength)
            throws IOException, InterruptedException {
        Path pcap = directory.resolve(name + ".pcap");
        Path log = directory.resolve(name + ".tcpdump.log");
        Process tcpdump =
                lab.start(
                        ns,
                        Map.of(),
                        log,
                        "tcpdump",
                        "-Z",
                        "root",
                        "-U",
                        "-n",
                        "-s",
                        Integer.toString(snapLength),
                        "-i",
                        device,
                        "-w",
                        pcap.toString(),
                        "ip or ip6");
        for (int i = 0; i < 200 && !Files.readString(log).contains("listening on"); i++) {
            if (!tcpdump.isAlive()) {
                throw new IllegalStateException("tcpdump failed: " + Files.readString(log));
            }
            Thread.sleep(25);
        }
        return new UnderlayCapture(lab, pcap, log, tcpdump);
    }

    /** The capture file (complete once {@link #close} returned). */
    public Path pcap() {
        return pcap;
    }

    /** Stops the capture (idempotent). */
    @Override
    public void close() {
        LabTopology.stop(tcpdump);
    }

    /**
     * Stops the capture and returns the packets matching a tcpdump {@code filter}, one line each.
     */
    public List<String> packets(String ns, String filter) throws IOException {
        close();
        String output = lab.exec(ns, "tcpdump", "-r", pcap.toString(), "-n", "-tt", filter);
        // tcpdump's own notes ("reading from file ...") share the stream; packets start with a
        // time.
        return output.lines()
                .filter(line -> !line.isEmpty() && Character.isDigit(line.charAt(0)))
                .toList();
    }
}
