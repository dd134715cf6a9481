package dev.sluice.daemon.bugreport;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link HostView} that answers from canned text; what it was not given fails. */
final class FakeHost implements HostView {
    String rules4 =
            "0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n";
    String rules6 = "0:\tfrom all lookup local\n32766:\tfrom all lookup main\n";
    final Map<String, String> routes = new HashMap<>();
    String tables = "table inet sluice {\n}\n";
    String resolver = "# /etc/resolv.conf\nnameserver 192.0.2.53\n";
    String journal = "sluice[1]: sluice 0.1.0 starting\n";
    final Map<String, String> sysctls = new HashMap<>();
    final Map<String, String> unreachable = new HashMap<>();
    ClockState clock = new ClockState(true, 1000);

    FakeHost() {
        routes.put(
                "4 main",
                "default via 192.0.2.1 dev eth0 proto dhcp\n192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.10\n");
        routes.put("6 main", "fe80::/64 dev eth0 proto kernel metric 256\n");
    }

    @Override
    public String rules(boolean ipv6) {
        return ipv6 ? rules6 : rules4;
    }

    @Override
    public String routes(boolean ipv6, String table) throws IOException {
        String text = routes.get((ipv6 ? "6 " : "4 ") + table);
        if (text == null) {
            return "";
        }
        return text;
    }

    @Override
    public String sluiceTables() {
        return tables;
    }

    @Override
    public String resolverSetup() {
        return resolver;
    }

    @Override
    public String journal(List<String> units, int lines) throws IOException {
        if (journal == null) {
            throw new IOException("journalctl: not found");
        }
        return journal;
    }

    @Override
    public String sysctl(String name) {
        return sysctls.get(name);
    }

    @Override
    public String routeGet(String address, int mark) throws IOException {
        String reason = unreachable.get(address);
        if (reason != null) {
            throw new IOException(reason);
        }
        return address + " via 192.0.2.1 dev eth0\n";
    }

    @Override
    public ClockState clock() {
        return clock;
    }
}
