package dev.sluice.daemon.cli;

import dev.sluice.crypto.PrivateKey;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice genkey}: as {@code wg genkey}. */
@Command(
        name = "genkey",
        mixinStandardHelpOptions = true,
        description = {
            "Print a new random private key, as 'wg genkey' does.",
            "",
            "Keep the key where only its owner can read it:",
            "  umask 077; sluice genkey > private.key"
        })
final class GenkeyCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        spec.commandLine()
                .getOut()
                .println(PrivateKey.generate(SecureRandom.getInstanceStrong()).toBase64());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
