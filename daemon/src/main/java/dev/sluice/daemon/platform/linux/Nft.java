package dev.sluice.daemon.platform.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the {@code nft} tool (nftables' netlink protocol is not worth a second implementation). */
public final class Nft {
    private Nft() {}

    /** Runs {@code nft -f -} with {@code script} on stdin; throws with nft's message on failure. */
    public static void apply(String script, String what) throws IOException {
        run(List.of("nft", "-f", "-"), script, what);
    }

    /** Runs {@code arguments} (nft, or another tool) and returns its output. */
    public static String run(List<String> arguments, String stdin, String what) throws IOException {
        Process process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(what + ": " + arguments.get(0) + " did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + ": interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(
                    what
                            + ": "
                            + arguments.get(0)
                            + " exited "
                            + process.exitValue()
                            + ": "
                            + output.strip());
        }
        return output;
    }
}
