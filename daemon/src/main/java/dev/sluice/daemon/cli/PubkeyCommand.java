package dev.sluice.daemon.cli;

import dev.sluice.crypto.PrivateKey;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice pubkey}: as {@code wg pubkey}. */
@Command(
        name = "pubkey",
        mixinStandardHelpOptions = true,
        description = {
            "Print the public key of a private key read from stdin.",
            "",
            "The key is base64, as for 'wg pubkey':",
            "  sluice pubkey < private.key"
        })
final class PubkeyCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    /** Where the key is read from (stdin; replaced in tests). */
    InputStream input = System.in;

    @Override
    public Integer call() throws Exception {
        String text = new String(input.readNBytes(1024), StandardCharsets.US_ASCII).strip();
        PrivateKey key;
        try {
            key = PrivateKey.parse(text);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("sluice pubkey: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return ExitCodes.USAGE;
        }
        spec.commandLine().getOut().println(key.publicKey().toBase64());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
