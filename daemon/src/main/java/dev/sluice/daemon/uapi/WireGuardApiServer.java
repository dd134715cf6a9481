package dev.sluice.daemon.uapi;

import dev.sluice.daemon.localsocket.AcceptLoop;
import dev.sluice.daemon.localsocket.Deadline;
import dev.sluice.daemon.localsocket.LineReader;
import dev.sluice.daemon.localsocket.LocalSocketLimits;
import dev.sluice.daemon.service.TunnelService;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import jdk.net.ExtendedSocketOptions;

/**
 * Serves {@link WireGuardApi} on {@code /var/run/wireguard/<interface>.sock} (mode 0600: the get
 * reply holds the private key; only root and the daemon's user are answered). When another process
 * already serves that interface name, Sluice runs without the API and says so.
 *
 * <p>Bounded by {@link LocalSocketLimits}: at most 32 clients at once (a further one is closed), a
 * request (its lines up to the blank one) whole within 5 s of the connection or the previous reply,
 * lines of at most {@value #MAX_LINE_BYTES} bytes and requests of at most {@value
 * #MAX_REQUEST_LINES} lines and {@value #MAX_REQUEST_BYTES} bytes, all checked as they are read (a
 * request over them gets {@code errno=22} and the connection is closed), each reply taken within 10
 * s.
 */
public final class WireGuardApiServer implements AutoCloseable {
    static final Path DIRECTORY = Path.of("/var/run/wireguard");

    /** Longer than any key=value line of the protocol (a private key line has 76 bytes). */
    static final int MAX_LINE_BYTES = 4096;

    static final int MAX_REQUEST_LINES = 4096;

    /** 4,096 lines of the length of an IPv6 allowed_ip line, with room to spare. */
    static final int MAX_REQUEST_BYTES = 1 << 20;

    private static final Logger LOG = System.getLogger(WireGuardApiServer.class.getName());

    private final Path path;
    private final ServerSocketChannel server;
    private final WireGuardApi api;
    private final LocalSocketLimits limits;
    private AcceptLoop acceptor;

    private WireGuardApiServer(
            Path path, ServerSocketChannel server, WireGuardApi api, LocalSocketLimits limits) {
        this.path = path;
        this.server = server;
        this.api = api;
        this.limits = limits;
    }

    /** Starts serving for {@code interfaceName}; never fails the daemon (see class comment). */
    public static WireGuardApiServer start(String interfaceName, TunnelService service) {
        Path path = DIRECTORY.resolve(interfaceName + ".sock");
        try {
            Files.createDirectories(DIRECTORY);
        } catch (IOException e) {
            LOG.log(
                    Level.WARNING,
                    "WireGuard API socket " + path + " unavailable: " + e.getMessage());
            return new WireGuardApiServer(path, null, null, LocalSocketLimits.DEFAULTS);
        }
        return start(path, new WireGuardApi(service), LocalSocketLimits.DEFAULTS);
    }

    /** Serves {@code api} on {@code path} within {@code limits}; never fails the daemon. */
    static WireGuardApiServer start(Path path, WireGuardApi api, LocalSocketLimits limits) {
        try {
            if (Files.exists(path)) {
                try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                    LOG.log(
                            Level.WARNING,
                            "another process serves the WireGuard API at "
                                    + path
                                    + "; 'wg show "
                                    + path.getFileName().toString().replaceFirst("\\.sock$", "")
                                    + "' will not show Sluice");
                    return new WireGuardApiServer(path, null, null, limits);
                } catch (IOException stale) {
                    Files.delete(path);
                }
            }
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            WireGuardApiServer served = new WireGuardApiServer(path, server, api, limits);
            served.acceptor =
                    AcceptLoop.start(
                            "WireGuard API socket " + path,
                            server,
                            limits,
                            new byte[0],
                            served::serve);
            return served;
        } catch (IOException e) {
            LOG.log(
                    Level.WARNING,
                    "WireGuard API socket " + path + " unavailable: " + e.getMessage());
            return new WireGuardApiServer(path, null, null, limits);
        }
    }

    public Path path() {
        return server == null ? null : path;
    }

    private void serve(SocketChannel client, Deadline deadline) throws IOException {
        String user = client.getOption(ExtendedSocketOptions.SO_PEERCRED).user().getName();
        if (!user.equals("root") && !user.equals(System.getProperty("user.name"))) {
            return;
        }
        LineReader reader = new LineReader(client, MAX_LINE_BYTES);
        List<String> request = new ArrayList<>();
        int requestBytes = 0;
        deadline.arm(limits.readTimeoutMs());
        String line;
        while ((line = reader.next()) != null) {
            if (line == LineReader.TOO_LONG) {
                refuse(client, deadline);
                return;
            }
            if (!line.isEmpty()) {
                requestBytes += line.length() + 1;
                if (request.size() >= MAX_REQUEST_LINES || requestBytes > MAX_REQUEST_BYTES) {
                    refuse(client, deadline);
                    return;
                }
                request.add(line);
                continue;
            }
            deadline.disarm();
            write(client, deadline, api.answer(request));
            request.clear();
            requestBytes = 0;
            deadline.arm(limits.readTimeoutMs());
        }
    }

    /** The reply to a request over the limits; the caller then closes the connection. */
    private void refuse(SocketChannel client, Deadline deadline) throws IOException {
        deadline.disarm();
        write(client, deadline, "errno=" + WireGuardApi.EINVAL + "\n\n");
    }

    private void write(SocketChannel client, Deadline deadline, String reply) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8));
        deadline.arm(limits.writeTimeoutMs());
        while (bytes.hasRemaining()) {
            client.write(bytes);
        }
        deadline.disarm();
    }

    @Override
    public void close() {
        if (server != null) {
            acceptor.close();
            try {
                server.close();
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing " + path + ": " + e.getMessage());
            }
        }
    }
}
