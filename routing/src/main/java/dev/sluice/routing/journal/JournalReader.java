package dev.sluice.routing.journal;

import dev.sluice.routing.manager.Operation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads a journal left behind. A last record without its newline or with a wrong checksum is torn
 * (the process died while writing it, or the disk filled): its operation was never applied, so it
 * is skipped and reported. A damaged record before the last cannot be torn: it is reported and
 * skipped too, and recovery then relies on the snapshot comparison to show what remains.
 */
public final class JournalReader {
    private JournalReader() {}

    /**
     * What a journal holds.
     *
     * @param inverses the recorded inverses, oldest first (undo runs them newest first)
     * @param problems one sentence per record skipped, naming file and line
     */
    public record Contents(List<Operation> inverses, List<String> problems) {
        public Contents {
            inverses = List.copyOf(inverses);
            problems = List.copyOf(problems);
        }
    }

    public static Contents read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<Operation> inverses = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        // The piece after the last newline: empty when the file ends cleanly.
        int complete = lines.length - 1;
        if (!lines[complete].isEmpty()) {
            problems.add(
                    file
                            + ":"
                            + (complete + 1)
                            + ": torn last record (no newline) skipped: its change was never"
                            + " applied");
        }
        if (complete == 0 || !lines[0].equals(Journal.HEADER)) {
            if (complete > 0 || !lines[0].isEmpty()) {
                problems.add(file + ":1: not a Sluice journal (header '" + Journal.HEADER + "')");
            }
            return new Contents(inverses, problems);
        }
        for (int i = 1; i < complete; i++) {
            String line = lines[i];
            String where = file + ":" + (i + 1) + ": ";
            boolean last = i == complete - 1;
            if (line.length() < 10 || line.charAt(8) != ' ' || !checksumMatches(line)) {
                problems.add(
                        where
                                + (last
                                        ? "torn last record (bad checksum) skipped: its change was"
                                                + " never applied"
                                        : "damaged record (bad checksum) skipped"));
                continue;
            }
            try {
                inverses.add(OperationCodec.decode(line.substring(9)));
            } catch (RuntimeException e) {
                problems.add(where + "unreadable record skipped: " + e.getMessage());
            }
        }
        return new Contents(inverses, problems);
    }

    private static boolean checksumMatches(String line) {
        long expected;
        try {
            expected = Long.parseLong(line.substring(0, 8), 16);
        } catch (NumberFormatException e) {
            return false;
        }
        CRC32C crc = new CRC32C();
        crc.update(line.substring(9).getBytes(StandardCharsets.UTF_8));
        return crc.getValue() == expected;
    }
}
