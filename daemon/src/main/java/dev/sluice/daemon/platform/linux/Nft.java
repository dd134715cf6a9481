package dev.sluice.daemon.platform.linux;

import dev.sluice.daemon.platform.ExternalCommand;
import java.io.IOException;
import java.util.List;

/** Runs the {@code nft} tool (nftables' netlink protocol is not worth a second implementation). */
public final class Nft {
    /** How long one {@code nft} run may take before it is killed. */
    static final long TIMEOUT_MS = ExternalCommand.DEFAULT_TIMEOUT_MS;

    private Nft() {}

    /** Runs {@code nft -f -} with {@code script} on stdin; throws with nft's message on failure. */
    public static void apply(String script, String what) throws IOException {
        run(List.of("nft", "-f", "-"), script, what);
    }

    /**
     * Runs {@code arguments} (nft) and returns its output.
     *
     * @throws IOException naming {@code what}, the command and its output when it exits non-zero,
     *     or the command and the timeout when it hangs (see {@link ExternalCommand})
     */
    public static String run(List<String> arguments, String stdin, String what) throws IOException {
        return ExternalCommand.check(arguments, stdin, TIMEOUT_MS, what);
    }
}
