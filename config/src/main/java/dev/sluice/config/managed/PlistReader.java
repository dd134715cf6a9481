package dev.sluice.config.managed;

import com.dd.plist.BinaryPropertyListParser;
import com.dd.plist.LocationInformation;
import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListFormatException;
import com.dd.plist.XMLLocationInformation;
import com.dd.plist.XMLPropertyListParser;
import dev.sluice.config.ini.IniDocument;
import dev.sluice.config.ini.IniEntry;
import dev.sluice.config.ini.IniSection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.ParserConfigurationException;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads the managed preferences of domain {@code dev.sluice} into an overlay document. The file is
 * a property list in either form macOS writes: binary ({@code bplist00}, what {@code
 * /Library/Managed Preferences/} usually holds) or XML (what MDM profiles carry). Parsing is done
 * by dd-plist, which loads no DTD and no external entity; this class only maps the values:
 *
 * <pre>{@code
 * <dict>
 *   <key>Interface</key> <dict> <key>DNS</key> <string>10.66.0.53</string> ... </dict>
 *   <key>Split</key>     <dict> <key>Mode</key> <string>exclude</string>
 *                               <key>Bypass</key> <array><string>192.0.2.0/24</string></array> </dict>
 *   <key>Peers</key>     <array> <dict> <key>PublicKey</key> <string>...</string> ... </dict> </array>
 * </dict>
 * }</pre>
 *
 * <p>Strings, integers, reals, booleans, dates and data become values; arrays of them become
 * comma-separated lists. An XML entry keeps the line of its value for messages; a binary one has no
 * lines (0), so problems found here name the key path ({@code Split.Tunnel}). Other top-level keys
 * (profile metadata such as {@code PayloadUUID}) are ignored.
 */
public final class PlistReader {
    /** Managed preferences are a few kilobytes; anything this large is not one. */
    static final long MAX_BYTES = 16L << 20;

    private static final byte[] BINARY_MAGIC = "bplist".getBytes(StandardCharsets.US_ASCII);

    private PlistReader() {}

    /** A file that is not a usable property list: {@link #line()} (0 if unknown) and why. */
    public static final class PlistException extends IOException {
        private final int line;

        PlistException(int line, String message) {
            super(message);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    public static IniDocument read(Path file) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new PlistException(0, "file is larger than 16 MiB");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads a property list of either form from {@code in}.
     *
     * @param name the file name messages and entries carry
     * @throws PlistException when the bytes are not a property list of a dictionary, or a value of
     *     a section has a type no key takes
     */
    public static IniDocument read(InputStream in, String name) throws IOException {
        byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw new PlistException(0, "file is larger than 16 MiB");
        }
        NSObject root;
        try {
            root =
                    startsWith(bytes, BINARY_MAGIC)
                            ? BinaryPropertyListParser.parse(bytes)
                            : XMLPropertyListParser.parse(bytes, true);
        } catch (PropertyListFormatException | ParserConfigurationException | SAXException e) {
            throw new PlistException(xmlLine(e), e.getMessage());
        } catch (IOException | RuntimeException e) {
            // dd-plist reports truncated binary data, and XML errors found while tracking lines,
            // this way.
            SAXParseException xml = xmlCause(e);
            if (xml != null) {
                throw new PlistException(Math.max(0, xml.getLineNumber()), xml.getMessage());
            }
            throw new PlistException(0, "damaged property list (" + e + ")");
        }
        if (!(root instanceof NSDictionary top)) {
            throw new PlistException(line(root), "the property list's top level is not a dict");
        }
        IniDocument document = new IniDocument(name);
        for (Map.Entry<String, NSObject> entry : top.getHashMap().entrySet()) {
            String key = entry.getKey();
            NSObject value = entry.getValue();
            if (key.equals("Peers") && value instanceof NSArray peers) {
                for (NSObject peer : peers.getArray()) {
                    if (peer instanceof NSDictionary dict) {
                        document.sections().add(section("Peer", "Peers[]", dict, name));
                    }
                }
            } else if (value instanceof NSDictionary dict
                    && (key.equals("Interface") || key.equals("Split"))) {
                document.sections().add(section(key, key, dict, name));
            }
        }
        return document;
    }

    private static IniSection section(
            String sectionName, String path, NSDictionary dict, String file) throws PlistException {
        IniSection section = new IniSection(sectionName, file, line(dict));
        for (Map.Entry<String, NSObject> entry : dict.getHashMap().entrySet()) {
            String key = entry.getKey();
            NSObject value = entry.getValue();
            String scalar = scalar(value);
            if (scalar != null) {
                section.entries().add(new IniEntry(key, scalar, file, line(value)));
            } else if (value instanceof NSArray array) {
                List<String> items = new ArrayList<>();
                for (NSObject item : array.getArray()) {
                    String text = scalar(item);
                    if (text == null) {
                        throw new PlistException(
                                line(array), path + "." + key + " must be an array of strings");
                    }
                    items.add(text);
                }
                section.entries()
                        .add(new IniEntry(key, String.join(", ", items), file, line(array)));
            } else {
                throw new PlistException(
                        line(value),
                        path + "." + key + " must be a string, number, boolean or array");
            }
        }
        return section;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length
                && java.util.Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static SAXParseException xmlCause(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SAXParseException parse) {
                return parse;
            }
        }
        return null;
    }

    private static int xmlLine(Exception e) {
        SAXParseException xml = xmlCause(e);
        return xml == null ? 0 : Math.max(0, xml.getLineNumber());
    }

    /** The value as configuration text, or null when it is a container. */
    private static String scalar(NSObject value) {
        return switch (value) {
            case NSString string -> string.getContent().strip();
            case NSNumber number ->
                    switch (number.type()) {
                        case NSNumber.BOOLEAN -> Boolean.toString(number.boolValue());
                        case NSNumber.INTEGER -> Long.toString(number.longValue());
                        default -> Double.toString(number.doubleValue());
                    };
            case NSDate date -> date.getDate().toInstant().toString();
            case NSData data -> data.getBase64EncodedData();
            default -> null;
        };
    }

    /** The XML line a value started on, or 0 (binary form, or no location). */
    private static int line(NSObject value) {
        LocationInformation location = value == null ? null : value.getLocationInformation();
        if (location instanceof XMLLocationInformation xml && xml.hasLineInformation()) {
            return xml.getLineNumber();
        }
        return 0;
    }
}
