package dev.sluice.it.security;

import dev.sluice.daemon.platform.linux.lab.LabTopology;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Tools an attacker uses in the lab: forged packets (raw sockets, {@code spoof.py}). */
final class Attacks {
    private final LabTopology lab;
    private final Path spoofScript;

    private Attacks(LabTopology lab, Path spoofScript) {
        this.lab = lab;
        this.spoofScript = spoofScript;
    }

    /** Copies the scripts into {@code directory} (tests may run from any checkout location). */
    static Attacks in(LabTopology lab, Path directory) throws IOException {
        Path script = directory.resolve("spoof.py");
        try (InputStream source = Attacks.class.getResourceAsStream("/attack/spoof.py")) {
            if (source == null) {
                throw new IllegalStateException(
                        "attack/spoof.py is missing from the test classpath");
            }
            Files.copy(source, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Attacks(lab, script);
    }

    /** {@code count} UDP datagrams from {@code ns}, claiming to come from {@code source}. */
    void forgedUdp(String ns, String source, String destination, int port, int count)
            throws IOException {
        lab.exec(
                ns,
                "python3",
                spoofScript.toString(),
                source,
                destination,
                Integer.toString(port),
                Integer.toString(count));
    }
}
