package dev.sluice.daemon.platform.linux;

import dev.sluice.daemon.bugreport.HostView;
import dev.sluice.daemon.platform.ExternalCommand;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link HostView} on Linux: the {@code ip}, {@code nft}, {@code resolvectl} and {@code journalctl}
 * an operator would run (each with a 10 s deadline), sysctls under {@code /proc/sys} and the
 * kernel's clock state from {@code adjtimex}.
 */
public final class LinuxHostView implements HostView {
    private static final long TIMEOUT_MS = 10_000;
    private static final Path RESOLV_CONF = Path.of(LinuxSystemState.RESOLV_CONF);

    @Override
    public String rules(boolean ipv6) throws IOException {
        return run("ip", ipv6 ? "-6" : "-4", "rule", "show");
    }

    @Override
    public String routes(boolean ipv6, String table) throws IOException {
        List<String> command = List.of("ip", ipv6 ? "-6" : "-4", "route", "show", "table", table);
        ExternalCommand.Result result = ExternalCommand.run(command, null, TIMEOUT_MS, "ip route");
        if (result.exitCode() != 0 && result.output().contains("FIB table does not exist")) {
            return "# table " + table + " does not exist (no route in it)\n";
        }
        if (result.exitCode() != 0) {
            throw new IOException(
                    "ip exited " + result.exitCode() + ": " + result.output().strip());
        }
        return result.output();
    }

    @Override
    public String sluiceTables() throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : run("nft", "list", "tables").split("\n")) {
            String[] words = line.strip().split("\\s+");
            if (words.length == 3 && words[0].equals("table") && words[2].startsWith("sluice")) {
                text.append(run("nft", "list", "table", words[1], words[2]));
            }
        }
        return text.isEmpty() ? "# no nftables table of Sluice's is in place\n" : text.toString();
    }

    @Override
    public String resolverSetup() throws IOException {
        StringBuilder text = new StringBuilder("# " + RESOLV_CONF);
        if (Files.isSymbolicLink(RESOLV_CONF)) {
            text.append(" -> ").append(Files.readSymbolicLink(RESOLV_CONF));
        }
        text.append('\n')
                .append(new String(ResolverFiles.read(RESOLV_CONF), StandardCharsets.UTF_8))
                .append('\n');
        if (Resolved.manages(RESOLV_CONF)) {
            text.append("# resolvectl status\n").append(run("resolvectl", "status"));
        } else {
            text.append("# systemd-resolved does not manage it\n");
        }
        return text.toString();
    }

    @Override
    public String journal(List<String> units, int lines) throws IOException {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "journalctl",
                                "--no-pager",
                                "-o",
                                "short-iso",
                                "-n",
                                Integer.toString(lines)));
        for (String unit : units) {
            command.add("-u");
            command.add(unit);
        }
        return ExternalCommand.check(command, null, TIMEOUT_MS, "journalctl");
    }

    @Override
    public String sysctl(String name) {
        try {
            return Sysctls.exists(name) ? Sysctls.read(name).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String routeGet(String address, int mark) throws IOException {
        ExternalCommand.Result result =
                ExternalCommand.run(
                        List.of(
                                "ip",
                                "route",
                                "get",
                                address,
                                "mark",
                                "0x" + Integer.toHexString(mark)),
                        null,
                        TIMEOUT_MS,
                        "ip route get");
        if (result.exitCode() != 0) {
            throw new IOException(result.output().strip());
        }
        return result.output();
    }

    @Override
    public ClockState clock() {
        byte[] timex = new byte[LibC.TIMEX_BYTES];
        int state;
        try {
            state = LibC.adjtimex(timex);
        } catch (LinkageError notLinux) {
            return null; // the report runs on another system: no clock check
        }
        long maxErrorMicros = ByteBuffer.wrap(timex).order(ByteOrder.nativeOrder()).getLong(24);
        return new ClockState(state >= 0 && state != LibC.TIME_ERROR, maxErrorMicros);
    }

    private static String run(String... command) throws IOException {
        return ExternalCommand.check(List.of(command), null, TIMEOUT_MS, command[0]);
    }
}
