package dev.sluice.daemon.control;

import dev.sluice.daemon.localsocket.LineReader;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The CLI's side: one request, one reply. */
public final class ControlClient {
    private ControlClient() {}

    /** Thrown when no daemon answers at the socket path. */
    public static final class Unreachable extends IOException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static ControlReply send(Path socket, ControlRequest request) throws IOException {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            if ("Permission denied".equals(e.getMessage())) {
                // The socket's mode (0660, group sluice) refused the connection: the same words as
                // the daemon's own credentials check, not "no daemon".
                throw new IOException(
                        ControlServer.refusal(System.getProperty("user.name", "(unknown)"))
                                + " (the control socket "
                                + socket
                                + " is for them only)",
                        e);
            }
            throw new Unreachable(
                    "no Sluice daemon at "
                            + socket
                            + " ("
                            + e.getMessage()
                            + "); start it with 'sluice daemon' or pass --socket",
                    e);
        }
        try (channel) {
            byte[] line =
                    (ControlProtocol.JSON.writeValueAsString(request) + "\n")
                            .getBytes(StandardCharsets.UTF_8);
            ByteBuffer out = ByteBuffer.wrap(line);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            String reply = new LineReader(channel, 64 * 1024 * 1024).next();
            if (reply == null) {
                throw new IOException("the daemon at " + socket + " closed without replying");
            }
            ControlReply parsed = ControlProtocol.JSON.readValue(reply, ControlReply.class);
            if (parsed.version() != ControlProtocol.VERSION && parsed.ok()) {
                throw new IOException(
                        "the daemon (sluice "
                                + parsed.daemonVersion()
                                + ") speaks control protocol "
                                + parsed.version()
                                + ", this command "
                                + ControlProtocol.VERSION);
            }
            return parsed;
        }
    }
}
