package dev.sluice.daemon.bugreport;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Writes a {@code .tar.gz} (POSIX tar with long names, gzip) of text entries under one top
 * directory. The file is created readable by its owner only: a report describes the machine's
 * network.
 */
final class TarGzArchive {
    private TarGzArchive() {}

    /** Writes {@code entries} (name to bytes, in order) to {@code file}, replacing it. */
    static void write(Path file, String topDirectory, Map<String, byte[]> entries, Instant time)
            throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out =
                        new BufferedOutputStream(
                                Files.newOutputStream(file, StandardOpenOption.WRITE));
                GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                TarArchiveEntry header = new TarArchiveEntry(topDirectory + "/" + entry.getKey());
                header.setSize(entry.getValue().length);
                header.setMode(0100644);
                header.setModTime(Date.from(time));
                tar.putArchiveEntry(header);
                tar.write(entry.getValue());
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
    }
}
