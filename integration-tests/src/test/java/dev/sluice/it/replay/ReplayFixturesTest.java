package dev.sluice.it.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed fixtures are exactly what the generator writes (regenerate with its main). */
class ReplayFixturesTest {
    @Test
    void theCommittedFixturesShouldMatchTheGenerator(@TempDir Path directory) throws Exception {
        ReplayFixtures.write(directory);
        Path committed = Path.of("src/test/resources/replay");
        assertThat(Files.readAllBytes(committed.resolve("packets.pcap")))
                .isEqualTo(Files.readAllBytes(directory.resolve("packets.pcap")));
        assertThat(Files.readString(committed.resolve("expected.txt")))
                .isEqualTo(Files.readString(directory.resolve("expected.txt")));
    }
}
