package dev.sluice.config;

import dev.sluice.config.ini.IniDocument;
import dev.sluice.config.ini.IniParser;
import dev.sluice.config.ini.IniSyntaxError;
import dev.sluice.config.managed.ManagedOverlay;
import dev.sluice.config.managed.ManagedSources;
import dev.sluice.config.managed.PlistReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a configuration: the user's file, then the managed overlays over it key by key, then
 * validation into a {@link SluiceConfig}. Never throws for bad content: every problem (including
 * unreadable files) comes back in {@link Result#problems()}.
 */
public final class ConfigLoader {
    /** Largest configuration file read. */
    static final long MAX_CONFIG_BYTES = 16L * 1024 * 1024;

    private ConfigLoader() {}

    /**
     * The outcome of a load.
     *
     * @param config the configuration, or null when there are errors
     * @param problems every error and warning, in the order found
     */
    public record Result(SluiceConfig config, List<Problem> problems) {
        public boolean ok() {
            return config != null;
        }

        /** The configuration, or a {@link ConfigException} with the problems. */
        public SluiceConfig orThrow() throws ConfigException {
            if (config == null) {
                throw new ConfigException(problems);
            }
            return config;
        }
    }

    /** Loads {@code file} with no managed overlays. */
    public static Result load(Path file) {
        return load(file, List.of());
    }

    /**
     * Loads {@code file} and applies {@code managed} overlays ({@code .conf} or {@code .plist}).
     */
    public static Result load(Path file, List<Path> managed) {
        Problems problems = new Problems();
        Map<String, String> managedFiles = new HashMap<>();
        IniDocument document = merge(file, managed, problems, managedFiles);
        if (document == null) {
            return new Result(null, problems.list());
        }
        SluiceConfig config = new ConfigBinder(document, managedFiles, problems).bind();
        return new Result(config, problems.list());
    }

    /**
     * The configuration as the daemon reads it, before validation.
     *
     * @param document the user's file with the managed overlays applied key by key; every entry
     *     keeps the file and line it came from; null when the user's file cannot be read
     * @param problems what went wrong reading the files (syntax, unreadable overlays)
     */
    public record Effective(IniDocument document, List<Problem> problems) {}

    /**
     * Reads {@code file} and applies {@code managed} overlays as {@link #load(Path, List)} does,
     * without binding: for reports that show the configuration ({@code sluice bugreport}), also an
     * invalid one.
     */
    public static Effective effective(Path file, List<Path> managed) {
        Problems problems = new Problems();
        IniDocument document = merge(file, managed, problems, new HashMap<>());
        return new Effective(document, problems.list());
    }

    /** The user's file with the overlays applied; each overlay's source goes to managedFiles. */
    private static IniDocument merge(
            Path file, List<Path> managed, Problems problems, Map<String, String> managedFiles) {
        IniDocument document = readIni(file, problems);
        if (document == null) {
            return null;
        }
        for (Path overlayFile : managed) {
            IniDocument overlay =
                    overlayFile.toString().endsWith(".plist")
                            ? readPlist(overlayFile, problems)
                            : readIni(overlayFile, problems);
            if (overlay != null) {
                managedFiles.put(overlay.file(), ManagedSources.describe(overlayFile));
                ManagedOverlay.apply(document, overlay);
            }
        }
        return document;
    }

    /** Loads configuration text (for tests and fuzzing); {@code name} appears in messages. */
    public static Result loadText(String name, String text) {
        Problems problems = new Problems();
        List<IniSyntaxError> errors = new ArrayList<>();
        IniDocument document = IniParser.parse(name, text, errors);
        errors.forEach(e -> problems.error(name, e.line(), e.message()));
        SluiceConfig config = new ConfigBinder(document, Map.of(), problems).bind();
        return new Result(config, problems.list());
    }

    private static IniDocument readIni(Path file, Problems problems) {
        String name = file.toString();
        String text;
        try {
            if (Files.size(file) > MAX_CONFIG_BYTES) {
                problems.error(name, 0, "file is larger than 16 MiB; is it a configuration?");
                return null;
            }
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                            .toString();
        } catch (NoSuchFileException e) {
            problems.error(name, 0, "file does not exist");
            return null;
        } catch (CharacterCodingException e) {
            problems.error(name, 0, "file is not UTF-8 text");
            return null;
        } catch (IOException e) {
            problems.error(name, 0, "cannot read: " + e.getMessage());
            return null;
        }
        List<IniSyntaxError> errors = new ArrayList<>();
        IniDocument document = IniParser.parse(name, text, errors);
        errors.forEach(e -> problems.error(name, e.line(), e.message()));
        return document;
    }

    private static IniDocument readPlist(Path file, Problems problems) {
        try {
            return PlistReader.read(file);
        } catch (PlistReader.PlistException e) {
            problems.error(
                    file.toString(), e.line(), "not a usable property list: " + e.getMessage());
        } catch (IOException e) {
            problems.error(
                    file.toString(), 0, "cannot read managed preferences: " + e.getMessage());
        }
        return null;
    }
}
