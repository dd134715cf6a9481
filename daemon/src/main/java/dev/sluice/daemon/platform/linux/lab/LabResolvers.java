package dev.sluice.daemon.platform.linux.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Two DNS servers for the lab (dnsmasq, no upstream, every query logged): the corp resolver on the
 * corp host, answering {@code corp.example}, and the internet resolver on the internet host,
 * answering every other name with {@link #INTERNET_ANSWER}. The client namespace's resolver file
 * names the internet resolver, as a DHCP client would; Sluice's forwarder then splits.
 */
public final class LabResolvers {
    public static final String CORP_NAME = "www.corp.example";
    public static final String CORP_ANSWER = LabTopology.CORP_HOST;
    public static final String INTERNET_NAME = "www.example.org";
    public static final String INTERNET_ANSWER = LabTopology.INTERNET_HOST;

    private final LabTopology lab;
    private final Path directory;

    private LabResolvers(LabTopology lab, Path directory) {
        this.lab = lab;
        this.directory = directory;
    }

    /** Writes the client's resolver file and starts both servers (stopped with the lab). */
    public static LabResolvers start(LabTopology lab, Path directory)
            throws IOException, InterruptedException {
        lab.writeClientResolverFile("nameserver " + LabTopology.INTERNET_HOST + "\n");
        dnsmasq(
                lab,
                lab.corp(),
                LabTopology.CORP_HOST,
                directory,
                "corp",
                "--host-record=" + CORP_NAME + "," + CORP_ANSWER + ",300");
        dnsmasq(
                lab,
                lab.internet(),
                LabTopology.INTERNET_HOST,
                directory,
                "internet",
                "--address=/#/" + INTERNET_ANSWER);
        return new LabResolvers(lab, directory);
    }

    /**
     * Starts dnsmasq in {@code ns} on {@code address}:53 with {@code records} and no upstream,
     * logging every query to {@code <name>-dns.log} in {@code directory} (read by {@link
     * #askedFrom}); returns once it listens. It stops with the lab.
     */
    public static void dnsmasq(
            LabTopology lab,
            String ns,
            String address,
            Path directory,
            String name,
            String... records)
            throws IOException, InterruptedException {
        Path log = directory.resolve(name + "-dns.log");
        Files.writeString(log, "");
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "dnsmasq",
                                "--keep-in-foreground",
                                "--no-resolv",
                                "--no-hosts",
                                "--bind-interfaces",
                                "--listen-address=" + address,
                                "--log-queries",
                                "--log-facility=" + log,
                                "--pid-file=" + directory.resolve(name + "-dns.pid")));
        command.addAll(List.of(records));
        lab.start(
                ns,
                Map.of(),
                directory.resolve(name + "-dnsmasq.out"),
                command.toArray(String[]::new));
        for (int i = 0; i < 100; i++) {
            if (lab.tryExec(ns, "ss", "-uln").contains(address + ":53")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IOException("dnsmasq did not start in " + ns + ": " + Files.readString(log));
    }

    /** The IPv4 addresses {@code name} resolves to in the client namespace (getent). */
    public List<String> resolve(String name) throws IOException {
        List<String> addresses = new ArrayList<>();
        for (String line : lab.tryExec(lab.client(), "getent", "ahostsv4", name).split("\n")) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[1].equals("STREAM")) {
                addresses.add(words[0]);
            }
        }
        return addresses;
    }

    /**
     * Where the queries for {@code name} reached the {@code corp} or {@code internet} server from
     * (dnsmasq's "query[A] name from address"), in order; empty when they never did.
     */
    public List<String> askedFrom(String server, String name) throws IOException {
        List<String> sources = new ArrayList<>();
        String marker = "query[A] " + name + " from ";
        for (String line : Files.readString(directory.resolve(server + "-dns.log")).split("\n")) {
            int at = line.indexOf(marker);
            if (at >= 0) {
                sources.add(line.substring(at + marker.length()).strip());
            }
        }
        return sources;
    }
}
