package dev.sluice.config.managed;

import dev.sluice.config.ini.IniDocument;
import dev.sluice.config.ini.IniEntry;
import dev.sluice.config.ini.IniSection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads the managed preferences of domain {@code dev.sluice} (an XML property list, as MDM profiles
 * deliver them) into an overlay document:
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
 * <p>Strings, integers, reals and booleans become values; arrays of them become comma-separated
 * lists; every entry keeps the line of its value for messages. Other top-level keys (profile
 * metadata such as {@code PayloadUUID}) are ignored. DTDs and external entities are never loaded.
 */
public final class PlistReader {
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
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    public static IniDocument read(InputStream in, String name) throws IOException {
        Handler handler = new Handler(name);
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(false);
            factory.setValidating(false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature(
                    "http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            SAXParser parser = factory.newSAXParser();
            parser.parse(in, handler);
        } catch (SAXParseException e) {
            throw new PlistException(Math.max(0, e.getLineNumber()), e.getMessage());
        } catch (SAXException | ParserConfigurationException e) {
            throw new PlistException(0, e.getMessage());
        }
        return handler.document;
    }

    /** Builds plist values bottom-up, then maps the top dictionary onto sections. */
    private static final class Handler extends DefaultHandler {
        private final String name;
        private final IniDocument document;
        private Locator locator;
        private final Deque<Object> containers = new ArrayDeque<>();
        private final StringBuilder text = new StringBuilder();
        private Object root;

        /** A dict under construction: keys and values in order. */
        private record Dict(List<String> keys, List<Object> values, int line) {}

        /** An array under construction. */
        private record Array(List<Object> items, int line) {}

        /** A scalar with the line it ended on. */
        private record Scalar(String text, int line) {}

        Handler(String name) {
            this.name = name;
            this.document = new IniDocument(name);
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        private int line() {
            return locator == null ? 0 : locator.getLineNumber();
        }

        @Override
        public void startElement(String uri, String local, String qName, Attributes attributes) {
            text.setLength(0);
            switch (qName) {
                case "dict" ->
                        containers.push(new Dict(new ArrayList<>(), new ArrayList<>(), line()));
                case "array" -> containers.push(new Array(new ArrayList<>(), line()));
                default -> {}
            }
        }

        @Override
        public void characters(char[] chars, int start, int length) {
            text.append(chars, start, length);
        }

        @Override
        public void endElement(String uri, String local, String qName) throws SAXException {
            switch (qName) {
                case "plist" -> {}
                case "key" -> {
                    if (!(containers.peek() instanceof Dict dict)) {
                        throw error("<key> outside a <dict>");
                    }
                    dict.keys().add(text.toString().strip());
                }
                case "dict", "array" -> add(containers.pop());
                case "string", "integer", "real", "date", "data" ->
                        add(new Scalar(text.toString().strip(), line()));
                case "true", "false" -> add(new Scalar(qName, line()));
                default -> throw error("unexpected element <" + qName + ">");
            }
            text.setLength(0);
        }

        private SAXException error(String message) {
            return new SAXParseException(message, locator);
        }

        private void add(Object value) throws SAXException {
            Object parent = containers.peek();
            if (parent == null) {
                root = value;
            } else if (parent instanceof Dict dict) {
                if (dict.keys().size() != dict.values().size() + 1) {
                    throw error("a value in a <dict> without its <key>");
                }
                dict.values().add(value);
            } else {
                ((Array) parent).items().add(value);
            }
        }

        @Override
        public void endDocument() throws SAXException {
            if (!(root instanceof Dict top)) {
                throw new SAXException("the property list's top level is not a <dict>");
            }
            for (int i = 0; i < top.keys().size(); i++) {
                String key = top.keys().get(i);
                Object value = top.values().get(i);
                if (key.equals("Peers") && value instanceof Array peers) {
                    for (Object peer : peers.items()) {
                        if (peer instanceof Dict dict) {
                            section("Peer", dict);
                        }
                    }
                } else if (value instanceof Dict dict
                        && (key.equals("Interface") || key.equals("Split"))) {
                    section(key, dict);
                }
            }
        }

        private void section(String sectionName, Dict dict) throws SAXException {
            IniSection section = new IniSection(sectionName, name, dict.line());
            for (int i = 0; i < dict.keys().size(); i++) {
                Object value = dict.values().get(i);
                String key = dict.keys().get(i);
                if (value instanceof Scalar scalar) {
                    section.entries().add(new IniEntry(key, scalar.text(), name, scalar.line()));
                } else if (value instanceof Array array) {
                    List<String> items = new ArrayList<>();
                    for (Object item : array.items()) {
                        if (!(item instanceof Scalar scalar)) {
                            throw new SAXParseException(
                                    key + " must be an array of strings",
                                    null,
                                    null,
                                    array.line(),
                                    0);
                        }
                        items.add(scalar.text());
                    }
                    section.entries()
                            .add(new IniEntry(key, String.join(", ", items), name, array.line()));
                } else {
                    throw new SAXParseException(
                            key + " must be a string, number, boolean or array",
                            null,
                            null,
                            dict.line(),
                            0);
                }
            }
            document.sections().add(section);
        }
    }
}
