package dev.sluice.daemon.uapi;

import dev.sluice.daemon.service.TunnelService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
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
 */
public final class WireGuardApiServer implements AutoCloseable {
    static final Path DIRECTORY = Path.of("/var/run/wireguard");
    private static final int MAX_REQUEST_LINES = 4096;
    private static final Logger LOG = System.getLogger(WireGuardApiServer.class.getName());

    private final Path path;
    private final ServerSocketChannel server;
    private final WireGuardApi api;
    private volatile boolean running = true;

    private WireGuardApiServer(Path path, ServerSocketChannel server, WireGuardApi api) {
        this.path = path;
        this.server = server;
        this.api = api;
    }

    /** Starts serving for {@code interfaceName}; never fails the daemon (see class comment). */
    public static WireGuardApiServer start(String interfaceName, TunnelService service) {
        Path path = DIRECTORY.resolve(interfaceName + ".sock");
        try {
            Files.createDirectories(DIRECTORY);
            if (Files.exists(path)) {
                try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                    LOG.log(
                            Level.WARNING,
                            "another process serves the WireGuard API at "
                                    + path
                                    + "; 'wg show "
                                    + interfaceName
                                    + "' will not show Sluice");
                    return new WireGuardApiServer(path, null, null);
                } catch (IOException stale) {
                    Files.delete(path);
                }
            }
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            WireGuardApiServer api =
                    new WireGuardApiServer(path, server, new WireGuardApi(service));
            Thread.ofPlatform().daemon().name("sluice-wg-api").start(api::accept);
            return api;
        } catch (IOException e) {
            LOG.log(
                    Level.WARNING,
                    "WireGuard API socket " + path + " unavailable: " + e.getMessage());
            return new WireGuardApiServer(path, null, null);
        }
    }

    public Path path() {
        return server == null ? null : path;
    }

    private void accept() {
        while (running) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "WireGuard API accept: " + e.getMessage());
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            String user = client.getOption(ExtendedSocketOptions.SO_PEERCRED).user().getName();
            if (!user.equals("root") && !user.equals(System.getProperty("user.name"))) {
                return;
            }
            BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(
                                    Channels.newInputStream(client), StandardCharsets.UTF_8));
            List<String> request = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isEmpty()) {
                    if (request.size() >= MAX_REQUEST_LINES || line.length() > 4096) {
                        return;
                    }
                    request.add(line);
                    continue;
                }
                ByteBuffer reply =
                        ByteBuffer.wrap(api.answer(request).getBytes(StandardCharsets.UTF_8));
                while (reply.hasRemaining()) {
                    client.write(reply);
                }
                request.clear();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "WireGuard API client: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        if (server != null) {
            try {
                server.close();
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing " + path + ": " + e.getMessage());
            }
        }
    }
}
