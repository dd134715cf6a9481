package dev.sluice.config;

import dev.sluice.config.ini.IniDocument;
import dev.sluice.config.ini.IniEntry;
import dev.sluice.config.ini.IniSection;
import dev.sluice.crypto.KeyFormatException;
import dev.sluice.crypto.PresharedKey;
import dev.sluice.crypto.PrivateKey;
import dev.sluice.crypto.PublicKey;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.PrefixFormatException;
import dev.sluice.routing.policy.LocalNetworks;
import dev.sluice.routing.policy.SpecialRanges;
import dev.sluice.routing.policy.SplitMode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a (merged) document into a {@link SluiceConfig}, collecting every problem. Strings stop
 * here: everything further in is a typed value.
 */
final class ConfigBinder {
    private final IniDocument document;
    private final Map<String, String> managedFiles;
    private final Problems problems;
    private final Map<String, String> managedSources = new HashMap<>();

    /**
     * @param managedFiles the names of the managed overlay documents applied to {@code document},
     *     each with the source it reads ({@link dev.sluice.config.managed.ManagedSources#describe})
     */
    ConfigBinder(IniDocument document, Map<String, String> managedFiles, Problems problems) {
        this.document = document;
        this.managedFiles = managedFiles;
        this.problems = problems;
    }

    /** The configuration, or null when there are errors (see the problems). */
    SluiceConfig bind() {
        for (IniEntry orphan : document.orphans()) {
            problems.error(
                    orphan.file(),
                    orphan.line(),
                    orphan.key()
                            + " is outside any section; put it under [Interface], [Peer]"
                            + " or [Split]");
        }
        IniSection iface = null;
        IniSection split = null;
        List<IniSection> peerSections = new ArrayList<>();
        for (IniSection section : document.sections()) {
            String name = KeyCatalog.section(section.name());
            if (name == null) {
                problems.error(
                        section.file(),
                        section.line(),
                        "unknown section ["
                                + section.name()
                                + "]"
                                + KeyCatalog.hintForUnknownSection(section.name()));
                continue;
            }
            if (!checkKeys(section, name)) {
                continue;
            }
            switch (name) {
                case KeyCatalog.INTERFACE -> {
                    if (iface != null) {
                        problems.error(
                                section.file(),
                                section.line(),
                                "second [Interface] section (the first is at line "
                                        + iface.line()
                                        + ")");
                    } else {
                        iface = section;
                    }
                }
                case KeyCatalog.SPLIT -> {
                    if (split != null) {
                        problems.error(
                                section.file(),
                                section.line(),
                                "second [Split] section (the first is at line "
                                        + split.line()
                                        + ")");
                    } else {
                        split = section;
                    }
                }
                default -> peerSections.add(section);
            }
        }
        if (iface == null) {
            problems.error(document.file(), 0, "no [Interface] section");
        }
        if (peerSections.isEmpty()) {
            problems.error(
                    document.file(), 0, "no [Peer] section: Sluice needs a peer to tunnel to");
        }
        InterfaceConfig interfaceConfig = iface == null ? null : bindInterface(iface);
        List<PeerConfig> peers = new ArrayList<>();
        for (IniSection section : peerSections) {
            PeerConfig peer = bindPeer(section);
            if (peer != null) {
                peers.add(peer);
            }
        }
        checkPeers(peers, peerSections);
        SplitConfig splitConfig = bindSplit(split);
        if (splitConfig != null) {
            checkSplit(splitConfig, split, peers);
        }
        if (interfaceConfig != null && interfaceConfig.mtu() < 1280) {
            for (InterfaceAddress address : interfaceConfig.addresses()) {
                if (!address.isIpv4()) {
                    IniEntry mtu = iface.entries("MTU").get(0);
                    problems.error(
                            mtu.file(),
                            mtu.line(),
                            "MTU = "
                                    + mtu.value()
                                    + " is below 1280, the IPv6 minimum, and"
                                    + " Address has "
                                    + address);
                    break;
                }
            }
        }
        if (problems.hasErrors()) {
            return null;
        }
        return new SluiceConfig(
                Path.of(document.file()), interfaceConfig, peers, splitConfig, managedSources);
    }

    /** Unknown keys and repeated scalars; false when the section is unusable. */
    private boolean checkKeys(IniSection section, String name) {
        Map<String, IniEntry> seen = new HashMap<>();
        for (IniEntry entry : section.entries()) {
            KeyCatalog.Key key = KeyCatalog.key(name, entry.key());
            if (key == null) {
                problems.error(
                        entry.file(),
                        entry.line(),
                        "unknown key "
                                + entry.key()
                                + " in ["
                                + name
                                + "]"
                                + KeyCatalog.hintForUnknownKey(name, entry.key()));
                continue;
            }
            IniEntry first = seen.putIfAbsent(entry.normalizedKey(), entry);
            if (first != null && !key.list()) {
                problems.error(
                        entry.file(),
                        entry.line(),
                        key.name() + " is given twice (first at " + where(first) + ")");
            }
        }
        return true;
    }

    private static String where(IniEntry entry) {
        return entry.file() + ":" + entry.line();
    }

    private IniEntry single(IniSection section, String key) {
        List<IniEntry> entries = section.entries(key);
        if (entries.isEmpty()) {
            return null;
        }
        return entries.get(entries.size() - 1);
    }

    private void recordManaged(String label, IniSection section) {
        for (IniEntry entry : section.entries()) {
            String source = managedFiles.get(entry.file());
            if (source != null) {
                KeyCatalog.Key key =
                        KeyCatalog.key(
                                label.startsWith("Peer") ? KeyCatalog.PEER : label, entry.key());
                managedSources.put(label + "." + (key == null ? entry.key() : key.name()), source);
            }
        }
    }

    // ------------------------------------------------------------------ [Interface]

    private InterfaceConfig bindInterface(IniSection section) {
        recordManaged(KeyCatalog.INTERFACE, section);
        PrivateKey privateKey = privateKey(section);
        List<InterfaceAddress> addresses = new ArrayList<>();
        for (IniEntry entry : section.entries("Address")) {
            for (String item : ConfigValues.items(entry.value())) {
                InterfaceAddress address = interfaceAddress(item);
                if (address == null) {
                    problems.error(
                            entry.file(),
                            entry.line(),
                            "Address '"
                                    + item
                                    + "' is not an address with a prefix length"
                                    + " (like 10.66.0.2/32 or fd66::2/128)");
                } else {
                    addresses.add(address);
                }
            }
        }
        if (section.entries("Address").isEmpty()) {
            problems.error(
                    section.file(),
                    section.line(),
                    "[Interface] needs Address (the tunnel addresses, like 10.66.0.2/32)");
        }
        List<InetAddress> dnsServers = new ArrayList<>();
        List<String> searchDomains = new ArrayList<>();
        for (IniEntry entry : section.entries("DNS")) {
            for (String item : ConfigValues.items(entry.value())) {
                InetAddress server = literal(item);
                if (server != null) {
                    dnsServers.add(server);
                } else if (DomainPattern.isDomainName(item.toLowerCase(java.util.Locale.ROOT))) {
                    searchDomains.add(item.toLowerCase(java.util.Locale.ROOT));
                } else {
                    problems.error(
                            entry.file(),
                            entry.line(),
                            "DNS '" + item + "' is neither an IP address nor a domain name");
                }
            }
        }
        int mtu = intValue(section, "MTU", 576, 9000, InterfaceConfig.DEFAULT_MTU, "576 to 9000");
        int listenPort = ruled(section, "ListenPort", ConfigRules::listenPort, 0);
        int metricsPort = intValue(section, "MetricsPort", 0, 65535, 0, "0 to 65535 (0: off)");
        String name = InterfaceConfig.DEFAULT_NAME;
        IniEntry nameEntry = single(section, "Name");
        if (nameEntry != null) {
            if (nameEntry.value().matches("[A-Za-z0-9_.-]{1,15}")) {
                name = nameEntry.value();
            } else {
                problems.error(
                        nameEntry.file(),
                        nameEntry.line(),
                        "Name '"
                                + nameEntry.value()
                                + "' is not a Linux interface name (1 to 15"
                                + " letters, digits, '_', '.', '-')");
            }
        }
        int fwMark = ruled(section, "FwMark", ConfigRules::fwMark, InterfaceConfig.DEFAULT_FWMARK);
        int table = InterfaceConfig.DEFAULT_TABLE;
        IniEntry tableEntry = single(section, "Table");
        if (tableEntry != null && !tableEntry.value().equalsIgnoreCase("auto")) {
            Long number = ConfigValues.number(tableEntry.value(), 1, 0xfffffffeL);
            if (tableEntry.value().equalsIgnoreCase("off")) {
                table = InterfaceConfig.TABLE_OFF;
            } else if (number == null || number >= 253 && number <= 255) {
                problems.error(
                        tableEntry.file(),
                        tableEntry.line(),
                        "Table '"
                                + tableEntry.value()
                                + "' is not a private routing table"
                                + " number (1 to 4294967294, not 253-255 which are the system's)");
            } else {
                table = (int) (long) number;
            }
        }
        boolean autoConnect = booleanValue(section, "AutoConnect", false);
        KillSwitchMode killSwitch =
                choice(section, "KillSwitch", KillSwitchMode.class, KillSwitchMode.OFF);
        if (killSwitch != KillSwitchMode.OFF && table == InterfaceConfig.TABLE_OFF) {
            IniEntry at = single(section, "KillSwitch");
            problems.error(
                    at.file(),
                    at.line(),
                    "KillSwitch = "
                            + killSwitch.word()
                            + " needs Sluice to route traffic, but Table = off leaves routing to"
                            + " others");
        }
        boolean allowScripts = booleanValue(section, "AllowScripts", false);
        Map<String, List<String>> scripts = new LinkedHashMap<>();
        for (String hook : KeyCatalog.SCRIPT_KEYS) {
            List<String> commands = new ArrayList<>();
            for (IniEntry entry : section.entries(hook)) {
                commands.add(entry.value());
                if (!allowScripts) {
                    problems.error(
                            entry.file(),
                            entry.line(),
                            hook
                                    + " runs a shell command, which Sluice refuses unless"
                                    + " [Interface] AllowScripts = true");
                }
            }
            if (!commands.isEmpty()) {
                scripts.put(hook, commands);
            }
        }
        IniEntry saveConfig = single(section, "SaveConfig");
        if (saveConfig != null && Boolean.TRUE.equals(ConfigValues.bool(saveConfig.value()))) {
            problems.warning(
                    saveConfig.file(),
                    saveConfig.line(),
                    "SaveConfig = true is ignored: Sluice never writes the configuration back");
        }
        if (privateKey == null) {
            return null;
        }
        return new InterfaceConfig(
                privateKey,
                addresses,
                dnsServers,
                searchDomains,
                mtu,
                listenPort,
                name,
                fwMark,
                table,
                autoConnect,
                killSwitch,
                allowScripts,
                scripts,
                metricsPort);
    }

    private PrivateKey privateKey(IniSection section) {
        IniEntry inline = single(section, "PrivateKey");
        IniEntry file = single(section, "PrivateKeyFile");
        if (inline != null && file != null) {
            problems.error(
                    file.file(),
                    file.line(),
                    "give PrivateKey or PrivateKeyFile, not both (PrivateKey is at line "
                            + inline.line()
                            + ")");
            return null;
        }
        if (inline == null && file == null) {
            problems.error(
                    section.file(),
                    section.line(),
                    "[Interface] needs PrivateKey or PrivateKeyFile");
            return null;
        }
        if (inline != null) {
            if (readableByOthers(Path.of(inline.file()), inline)) {
                return null;
            }
            try {
                return PrivateKey.parse(inline.value());
            } catch (KeyFormatException e) {
                problems.error(inline.file(), inline.line(), "PrivateKey: " + e.getMessage());
                return null;
            }
        }
        Path path = resolve(file, file.value());
        try {
            Set<PosixFilePermission> permissions =
                    Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            if (permissions.contains(PosixFilePermission.OTHERS_READ)
                    || permissions.contains(PosixFilePermission.GROUP_READ)) {
                problems.error(
                        file.file(),
                        file.line(),
                        "PrivateKeyFile "
                                + path
                                + " is readable by others (mode "
                                + mode(permissions)
                                + "); run: chmod 600 "
                                + path);
                return null;
            }
            String text = Files.readString(path).strip();
            return PrivateKey.parse(text.lines().findFirst().orElse(""));
        } catch (NoSuchFileException e) {
            problems.error(file.file(), file.line(), "PrivateKeyFile " + path + " does not exist");
        } catch (KeyFormatException e) {
            problems.error(
                    file.file(), file.line(), "PrivateKeyFile " + path + ": " + e.getMessage());
        } catch (IOException | UnsupportedOperationException e) {
            problems.error(
                    file.file(),
                    file.line(),
                    "cannot read PrivateKeyFile " + path + ": " + e.getMessage());
        }
        return null;
    }

    /**
     * An inline PrivateKey needs a file only its owner can read, as a PrivateKeyFile does: true
     * (and an error) when group or others may read {@code config}.
     */
    private boolean readableByOthers(Path config, IniEntry entry) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(config);
        } catch (IOException | UnsupportedOperationException e) {
            // Text not read from a file (loadText), or not a POSIX file system.
            return false;
        }
        if (permissions.contains(PosixFilePermission.OTHERS_READ)
                || permissions.contains(PosixFilePermission.GROUP_READ)) {
            problems.error(
                    entry.file(),
                    entry.line(),
                    "PrivateKey is written in "
                            + config
                            + ", which is readable by others (mode "
                            + mode(permissions)
                            + "); run: chmod 600 "
                            + config
                            + " (or move the key to a PrivateKeyFile)");
            return true;
        }
        return false;
    }

    private static String mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= 1 << (8 - permission.ordinal());
        }
        return String.format("0%03o", mode);
    }

    private static Path resolve(IniEntry entry, String name) {
        Path base = Path.of(entry.file()).toAbsolutePath().getParent();
        return base == null ? Path.of(name) : base.resolve(name);
    }

    private static InterfaceAddress interfaceAddress(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        try {
            IpPrefix host = IpPrefix.parseAddress(address);
            int max = host.isIpv4() ? 32 : 128;
            int length = max;
            if (slash >= 0) {
                Long parsed = ConfigValues.number(text.substring(slash + 1), 0, max);
                if (parsed == null || text.substring(slash + 1).startsWith("0x")) {
                    return null;
                }
                length = (int) (long) parsed;
            }
            return new InterfaceAddress(host, length);
        } catch (PrefixFormatException e) {
            return null;
        }
    }

    /** An IP literal as an InetAddress (no name resolution), or null. */
    private static InetAddress literal(String text) {
        try {
            IpPrefix host = IpPrefix.parseAddress(text);
            byte[] bytes = new byte[host.isIpv4() ? 4 : 16];
            if (host.isIpv4()) {
                java.nio.ByteBuffer.wrap(bytes).putInt(host.ipv4Address());
            } else {
                java.nio.ByteBuffer.wrap(bytes).putLong(host.high()).putLong(host.low());
            }
            return InetAddress.getByAddress(bytes);
        } catch (PrefixFormatException | UnknownHostException e) {
            return null;
        }
    }

    private int intValue(
            IniSection section, String key, int min, int max, int fallback, String range) {
        IniEntry entry = single(section, key);
        if (entry == null) {
            return fallback;
        }
        Long value = ConfigValues.number(entry.value(), min, max);
        if (value == null) {
            problems.error(
                    entry.file(),
                    entry.line(),
                    key + " '" + entry.value() + "' is not a number from " + range);
            return fallback;
        }
        return (int) (long) value;
    }

    /** The value of a scalar key checked by a {@link ConfigRules} rule, or the fallback. */
    private <T> T ruled(
            IniSection section,
            String key,
            java.util.function.Function<String, T> rule,
            T fallback) {
        IniEntry entry = single(section, key);
        if (entry == null) {
            return fallback;
        }
        try {
            return rule.apply(entry.value());
        } catch (InvalidValueException e) {
            problems.error(entry.file(), entry.line(), e.getMessage());
            return fallback;
        }
    }

    private boolean booleanValue(IniSection section, String key, boolean fallback) {
        IniEntry entry = single(section, key);
        if (entry == null) {
            return fallback;
        }
        Boolean value = ConfigValues.bool(entry.value());
        if (value == null) {
            problems.error(
                    entry.file(),
                    entry.line(),
                    key + " '" + entry.value() + "' is not true or false");
            return fallback;
        }
        return value;
    }

    // ------------------------------------------------------------------ [Peer]

    private PeerConfig bindPeer(IniSection section) {
        IniEntry keyEntry = single(section, "PublicKey");
        PublicKey publicKey = null;
        if (keyEntry == null) {
            problems.error(section.file(), section.line(), "[Peer] needs PublicKey");
        } else {
            try {
                publicKey = PublicKey.parse(keyEntry.value());
            } catch (KeyFormatException e) {
                problems.error(keyEntry.file(), keyEntry.line(), "PublicKey: " + e.getMessage());
            }
        }
        if (publicKey != null) {
            recordManaged("Peer(" + publicKey.toBase64() + ")", section);
        }
        PresharedKey presharedKey = presharedKey(section);
        Endpoint endpoint = ruled(section, "Endpoint", ConfigRules::endpoint, null);
        List<IpPrefix> allowed = new ArrayList<>();
        for (IniEntry entry : section.entries("AllowedIPs")) {
            allowed.addAll(PrefixListReader.read(entry, problems));
        }
        if (section.entries("AllowedIPs").isEmpty()) {
            problems.warning(
                    section.file(),
                    section.line(),
                    "[Peer] has no AllowedIPs: nothing will be sent to it or accepted from it");
        }
        Duration keepalive =
                ruled(
                        section,
                        "PersistentKeepalive",
                        ConfigRules::persistentKeepalive,
                        Duration.ZERO);
        if (publicKey == null) {
            return null;
        }
        return new PeerConfig(
                publicKey, presharedKey, endpoint, allowed, keepalive, section.line());
    }

    private PresharedKey presharedKey(IniSection section) {
        IniEntry inline = single(section, "PresharedKey");
        IniEntry file = single(section, "PresharedKeyFile");
        if (inline != null && file != null) {
            problems.error(
                    file.file(), file.line(), "give PresharedKey or PresharedKeyFile, not both");
            return null;
        }
        try {
            if (inline != null) {
                return PresharedKey.parse(inline.value());
            }
            if (file != null) {
                Path path = resolve(file, file.value());
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
                if (permissions.contains(PosixFilePermission.OTHERS_READ)
                        || permissions.contains(PosixFilePermission.GROUP_READ)) {
                    problems.error(
                            file.file(),
                            file.line(),
                            "PresharedKeyFile "
                                    + path
                                    + " is readable by others (mode "
                                    + mode(permissions)
                                    + "); run: chmod 600 "
                                    + path);
                    return null;
                }
                return PresharedKey.parse(Files.readString(path).strip());
            }
        } catch (KeyFormatException e) {
            IniEntry at = inline != null ? inline : file;
            problems.error(at.file(), at.line(), at.key() + ": " + e.getMessage());
        } catch (IOException | UnsupportedOperationException e) {
            problems.error(
                    file.file(),
                    file.line(),
                    "cannot read PresharedKeyFile " + file.value() + ": " + e.getMessage());
        }
        return null;
    }

    private void checkPeers(List<PeerConfig> peers, List<IniSection> sections) {
        Map<PublicKey, PeerConfig> byKey = new HashMap<>();
        String file = document.file();
        for (PeerConfig peer : peers) {
            PeerConfig previous = byKey.putIfAbsent(peer.publicKey(), peer);
            if (previous != null) {
                problems.error(
                        file,
                        peer.line(),
                        "[Peer] with PublicKey "
                                + peer.publicKey()
                                + " is already defined at line "
                                + previous.line());
            }
        }
        for (ConfigRules.SharedAllowedIp shared : ConfigRules.sharedAllowedIps(peers)) {
            problems.error(
                    file,
                    shared.second().line(),
                    "AllowedIPs "
                            + shared.prefix()
                            + " of the [Peer] at line "
                            + shared.second().line()
                            + " is also in the [Peer] at line "
                            + shared.first().line()
                            + "; an address must belong to one peer");
        }
    }

    // ------------------------------------------------------------------ [Split]

    private SplitConfig bindSplit(IniSection section) {
        SplitMode mode = SplitMode.INCLUDE;
        LocalNetworks local = LocalNetworks.BYPASS;
        RoutingStrategy strategy = RoutingStrategy.defaultFor(System.getProperty("os.name", ""));
        List<IpPrefix> tunnel = new ArrayList<>();
        List<IpPrefix> bypass = new ArrayList<>();
        List<DomainPattern> tunnelDomains = new ArrayList<>();
        List<DomainPattern> bypassDomains = new ArrayList<>();
        Duration ttlMin = SplitConfig.DEFAULT_DOMAIN_TTL_MIN;
        Duration ttlMax = SplitConfig.DEFAULT_DOMAIN_TTL_MAX;
        if (section != null) {
            recordManaged(KeyCatalog.SPLIT, section);
            mode = choice(section, "Mode", SplitMode.class, mode);
            local = choice(section, "LocalNetworks", LocalNetworks.class, local);
            strategy = choice(section, "Strategy", RoutingStrategy.class, strategy);
            for (IniEntry entry : section.entries("Tunnel")) {
                tunnel.addAll(PrefixListReader.read(entry, problems));
            }
            for (IniEntry entry : section.entries("Bypass")) {
                bypass.addAll(PrefixListReader.read(entry, problems));
            }
            tunnelDomains.addAll(domains(section, "TunnelDomains"));
            bypassDomains.addAll(domains(section, "BypassDomains"));
            ttlMin = durationValue(section, "DomainTtlMin", ttlMin);
            ttlMax = durationValue(section, "DomainTtlMax", ttlMax);
            if (ttlMin.compareTo(ttlMax) > 0) {
                IniEntry at = single(section, "DomainTtlMin");
                problems.error(
                        at == null ? section.file() : at.file(),
                        at == null ? section.line() : at.line(),
                        "DomainTtlMin ("
                                + ttlMin.toSeconds()
                                + " s) is longer than DomainTtlMax ("
                                + ttlMax.toSeconds()
                                + " s)");
            }
        }
        return new SplitConfig(
                mode,
                tunnel,
                bypass,
                tunnelDomains,
                bypassDomains,
                local,
                strategy,
                ttlMin,
                ttlMax);
    }

    private <E extends Enum<E>> E choice(
            IniSection section, String key, Class<E> type, E fallback) {
        IniEntry entry = single(section, key);
        if (entry == null) {
            return fallback;
        }
        E value = ConfigValues.choice(entry.value(), type);
        if (value == null) {
            problems.error(
                    entry.file(),
                    entry.line(),
                    key + " '" + entry.value() + "' is not " + ConfigValues.choices(type));
            return fallback;
        }
        return value;
    }

    private Duration durationValue(IniSection section, String key, Duration fallback) {
        IniEntry entry = single(section, key);
        if (entry == null) {
            return fallback;
        }
        Duration value = ConfigValues.duration(entry.value());
        if (value == null) {
            problems.error(
                    entry.file(),
                    entry.line(),
                    key + " '" + entry.value() + "' is not a duration (seconds, or with s, m, h)");
            return fallback;
        }
        return value;
    }

    private List<DomainPattern> domains(IniSection section, String key) {
        List<DomainPattern> patterns = new ArrayList<>();
        for (IniEntry entry : section.entries(key)) {
            for (String item : ConfigValues.items(entry.value())) {
                try {
                    patterns.add(DomainPattern.parse(item));
                } catch (IllegalArgumentException e) {
                    problems.error(entry.file(), entry.line(), key + ": " + e.getMessage());
                }
            }
        }
        return patterns;
    }

    private void checkSplit(SplitConfig split, IniSection section, List<PeerConfig> peers) {
        if (section == null) {
            return;
        }
        Set<IpPrefix> tunnel = new HashSet<>(split.tunnel());
        for (IpPrefix prefix : split.bypass()) {
            if (tunnel.contains(prefix)) {
                IniEntry at = section.entries("Bypass").get(0);
                problems.error(
                        at.file(),
                        at.line(),
                        prefix + " is in both Tunnel and Bypass; keep it in one list");
            }
        }
        for (IpPrefix prefix : split.tunnel()) {
            SpecialRanges.Range special = SpecialRanges.containing(prefix);
            if (special != null && special.prefix().length() <= prefix.length()) {
                IniEntry at = section.entries("Tunnel").get(0);
                problems.warning(
                        at.file(),
                        at.line(),
                        "Tunnel "
                                + prefix
                                + " lies in "
                                + special.prefix()
                                + " ("
                                + special.why()
                                + "), which is never tunnelled");
            }
        }
        if (split.mode() == SplitMode.EXCLUDE) {
            boolean v4Default =
                    peers.stream()
                            .flatMap(p -> p.allowedIps().stream())
                            .anyMatch(p -> p.length() == 0 && p.isIpv4());
            if (!v4Default && !peers.isEmpty()) {
                IniEntry at = single(section, "Mode");
                problems.warning(
                        at.file(),
                        at.line(),
                        "Mode = exclude tunnels everything, but no peer's AllowedIPs holds"
                                + " 0.0.0.0/0: addresses no peer accepts are dropped");
            }
        }
    }
}
