package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

/** Whatever the input, loading ends in a config or in errors that name where: never a crash. */
class ConfigFuzzTest {
    @Property(tries = 3000)
    void randomTextShouldNeverCrashTheParser(@ForAll @StringLength(max = 400) String text) {
        ConfigLoader.Result result = ConfigLoader.loadText("fuzz.conf", text);
        assertThat(result.ok() || result.problems().stream().anyMatch(Problem::isError)).isTrue();
        result.problems().forEach(p -> assertThat(p.toString()).startsWith("fuzz.conf"));
    }

    @Property(tries = 3000)
    void mutatedValidFilesShouldNeverCrashTheParser(@ForAll long seed) throws Exception {
        Random random = new Random(seed);
        String valid =
                Files.readString(
                        ConfigCorpusTest.resource("configs/valid/wg-quick-multi-line.conf"));
        StringBuilder text = new StringBuilder(valid);
        String alphabet = "[]=#;,/:.@*\n 0123456789abcdefxyzABC+\u00e9\t\0";
        for (int i = 0; i < 1 + random.nextInt(8); i++) {
            int at = random.nextInt(text.length());
            switch (random.nextInt(3)) {
                case 0 -> text.deleteCharAt(at);
                case 1 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                default -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        ConfigLoader.Result result = ConfigLoader.loadText("m.conf", text.toString());
        assertThat(result.ok() || result.problems().stream().anyMatch(Problem::isError)).isTrue();
    }
}
