package dev.sluice.daemon.control;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Listens on the control socket: mode 0660, group {@value #GROUP} when that group exists (else the
 * daemon's group). Each client gets a virtual thread; requests are answered in order, one reply
 * line per request line. Callers other than root, the daemon's own user and members of the group
 * get an error reply to everything.
 */
public final class ControlServer implements AutoCloseable {
    public static final String GROUP = "sluice";
    private static final Logger LOG = System.getLogger(ControlServer.class.getName());

    private final Path path;
    private final ServerSocketChannel server;
    private final ControlHandler handler;
    private final Thread acceptor;
    private volatile boolean running = true;

    private ControlServer(Path path, ServerSocketChannel server, ControlHandler handler) {
        this.path = path;
        this.server = server;
        this.handler = handler;
        this.acceptor =
                Thread.ofPlatform().daemon().name("sluice-control-accept").unstarted(this::accept);
    }

    /**
     * Binds {@code path} (replacing a stale socket file) and starts answering.
     *
     * @throws IOException naming the path when another daemon answers there or binding fails
     */
    public static ControlServer start(Path path, ControlHandler handler) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        if (Files.exists(path)) {
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                throw new IOException("another Sluice daemon is listening on " + path);
            } catch (IOException stale) {
                if (stale.getMessage() != null && stale.getMessage().startsWith("another")) {
                    throw stale;
                }
                Files.delete(path);
            }
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
            GroupPrincipal group = sluiceGroup(path);
            if (group != null) {
                Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(group);
            }
        } catch (IOException e) {
            server.close();
            throw new IOException(
                    "cannot listen on the control socket " + path + ": " + e.getMessage(), e);
        }
        ControlServer control = new ControlServer(path, server, handler);
        control.acceptor.start();
        return control;
    }

    private static GroupPrincipal sluiceGroup(Path path) {
        try {
            return path.getFileSystem()
                    .getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(GROUP);
        } catch (IOException absent) {
            return null;
        }
    }

    private void accept() {
        while (running) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().name("sluice-control-client").start(() -> serve(client));
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                if (running) {
                    LOG.log(Level.WARNING, "control socket accept failed: " + e.getMessage());
                }
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            String refusal = authorise(client);
            LineReader reader = new LineReader(client, ControlProtocol.MAX_REQUEST_BYTES);
            String line;
            while ((line = reader.next()) != null) {
                String reply;
                if (refusal != null) {
                    reply = handler.refuse(refusal);
                } else if (line == LineReader.TOO_LONG) {
                    reply =
                            handler.refuse(
                                    "request longer than "
                                            + ControlProtocol.MAX_REQUEST_BYTES
                                            + " bytes");
                } else {
                    reply = handler.handle(line);
                }
                ByteBuffer bytes = ByteBuffer.wrap((reply + "\n").getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    client.write(bytes);
                }
                if (line == LineReader.TOO_LONG) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "control client: " + e.getMessage());
        }
    }

    /** Null when the caller may use the socket, else why not. */
    private static String authorise(SocketChannel client) throws IOException {
        UnixDomainPrincipal caller = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
        String user = caller.user().getName();
        if (user.equals("root") || user.equals(System.getProperty("user.name"))) {
            return null;
        }
        if (caller.group().getName().equals(GROUP) || groupMembers().contains(user)) {
            return null;
        }
        return "permission denied: user " + user + " is not root and not in group " + GROUP;
    }

    private static List<String> groupMembers() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/group"))) {
                String[] fields = line.split(":", -1);
                if (fields.length == 4 && fields[0].equals(GROUP) && !fields[3].isEmpty()) {
                    return List.of(fields[3].split(","));
                }
            }
        } catch (IOException ignored) {
            // No readable group file: only root and the daemon's user get in.
        }
        return List.of();
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        running = false;
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing the control socket: " + e.getMessage());
        }
    }
}
