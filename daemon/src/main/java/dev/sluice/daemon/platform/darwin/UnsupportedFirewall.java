package dev.sluice.daemon.platform.darwin;

import dev.sluice.daemon.killswitch.Firewall;
import dev.sluice.routing.manager.FirewallTable;
import java.io.IOException;

/**
 * The kill switch on macOS: not built yet (a pf anchor under {@code com.apple/} is the plan,
 * docs/macos.md). Asking for a block fails with one sentence; asking whether one is there says no,
 * so a Mac with {@code KillSwitch = off} runs as usual.
 */
final class UnsupportedFirewall implements Firewall {
    static final String WHY =
            "the kill switch is not available on macOS yet (it needs a pf anchor); set"
                    + " KillSwitch = off";

    @Override
    public void replace(FirewallTable table) throws IOException {
        throw new IOException(WHY);
    }

    @Override
    public void delete(String family, String name) {}

    @Override
    public boolean present(String family, String name) {
        return false;
    }

    @Override
    public long countedPackets(String family, String name) {
        return 0;
    }
}
