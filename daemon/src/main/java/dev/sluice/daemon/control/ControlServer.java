package dev.sluice.daemon.control;

import dev.sluice.daemon.localsocket.AcceptLoop;
import dev.sluice.daemon.localsocket.Deadline;
import dev.sluice.daemon.localsocket.LineReader;
import dev.sluice.daemon.localsocket.LocalSocketLimits;
import dev.sluice.daemon.platform.GroupMembership;
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
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Listens on the control socket: mode 0660, group {@value #GROUP} when that group exists (else the
 * daemon's group). Each client gets a virtual thread; requests are answered in order, one reply
 * line per request line. Callers other than root, the daemon's own user and members of the group
 * (primary or supplementary, as the name service says: {@link GroupMembership}) get an error reply
 * to everything.
 *
 * <p>Bounded by {@link LocalSocketLimits}: at most 32 clients at once (a further one gets an error
 * reply and is closed), each request line whole within 5 s of the connection or the previous reply
 * and at most {@value ControlProtocol#MAX_REQUEST_BYTES} bytes (checked as it is read: a longer one
 * gets an error reply after at most that much was buffered, and the connection is closed), each
 * reply taken within 10 s. The time a command itself takes (connect --wait) is not limited.
 */
public final class ControlServer implements AutoCloseable {
    public static final String GROUP = "sluice";
    private static final Logger LOG = System.getLogger(ControlServer.class.getName());

    private final Path path;
    private final ServerSocketChannel server;
    private final ControlHandler handler;
    private final LocalSocketLimits limits;
    private AcceptLoop acceptor;

    private ControlServer(
            Path path,
            ServerSocketChannel server,
            ControlHandler handler,
            LocalSocketLimits limits) {
        this.path = path;
        this.server = server;
        this.handler = handler;
        this.limits = limits;
    }

    /**
     * Binds {@code path} (replacing a stale socket file) and starts answering.
     *
     * @throws IOException naming the path when another daemon answers there or binding fails
     */
    public static ControlServer start(Path path, ControlHandler handler) throws IOException {
        return start(path, handler, LocalSocketLimits.DEFAULTS);
    }

    /** {@link #start(Path, ControlHandler)} within {@code limits}. */
    public static ControlServer start(Path path, ControlHandler handler, LocalSocketLimits limits)
            throws IOException {
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
        ControlServer control = new ControlServer(path, server, handler, limits);
        control.acceptor =
                AcceptLoop.start(
                        "control socket " + path,
                        server,
                        limits,
                        (handler.refuse(
                                                "too many connections to the control socket ("
                                                        + limits.maxConnections()
                                                        + " open); try again")
                                        + "\n")
                                .getBytes(StandardCharsets.UTF_8),
                        control::serve);
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

    private void serve(SocketChannel client, Deadline deadline) throws IOException {
        String refusal = authorise(client);
        LineReader reader = new LineReader(client, ControlProtocol.MAX_REQUEST_BYTES);
        while (true) {
            deadline.arm(limits.readTimeoutMs());
            String line = reader.next();
            deadline.disarm();
            if (line == null) {
                return;
            }
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
            deadline.arm(limits.writeTimeoutMs());
            while (bytes.hasRemaining()) {
                client.write(bytes);
            }
            deadline.disarm();
            if (line == LineReader.TOO_LONG) {
                return;
            }
        }
    }

    /** Null when the caller may use the socket, else why not. */
    private static String authorise(SocketChannel client) throws IOException {
        UnixDomainPrincipal caller = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
        String user = caller.user().getName();
        if (user.equals("root") || user.equals(System.getProperty("user.name"))) {
            return null;
        }
        // The caller's own group first (SO_PEERCRED), then its membership as the name service
        // knows it (files, LDAP, sssd …), as login and sudo decide.
        if (caller.group().getName().equals(GROUP) || GroupMembership.isMember(user, GROUP)) {
            return null;
        }
        return refusal(user);
    }

    /** The reply to a caller who is neither root, the daemon's user nor in group {@value GROUP}. */
    public static String refusal(String user) {
        return "permission denied: user " + user + " is not root and not in group " + GROUP;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        acceptor.close();
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing the control socket: " + e.getMessage());
        }
    }
}
