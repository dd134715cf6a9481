package dev.sluice.daemon.platform;

import dev.sluice.config.InterfaceAddress;
import dev.sluice.config.SluiceConfig;
import dev.sluice.daemon.dataplane.DatagramReceiver;
import dev.sluice.daemon.dataplane.DatagramTransport;
import dev.sluice.daemon.dataplane.PacketDevice;
import dev.sluice.daemon.killswitch.Firewall;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.journal.SystemStateReader;
import java.io.IOException;
import java.util.List;

/**
 * The operating system under the daemon: what differs between Linux and macOS, and nothing else.
 * The daemon picks one at start ({@link Platforms#current()}) and hands it to the service; the
 * trie, the journal, recovery, split DNS, the control socket and the CLI are shared.
 *
 * <p>Implementations are stateless factories; what they open is closed by the caller.
 */
public interface Platform {
    /** {@code linux} or {@code darwin}, for logs and messages. */
    String name();

    /**
     * What this platform cannot do with {@code config}, one sentence each (empty when nothing):
     * {@code check-config} reports them as errors, and a connection refuses to start.
     */
    List<String> configProblems(SluiceConfig config);

    /**
     * Creates the tunnel interface, sets its MTU and addresses and brings it up.
     *
     * @param name the configured name (Linux uses it; macOS names utuns itself)
     * @return the device, whose {@link PacketDevice#name()} is the interface's real name
     * @throws IOException naming the step that failed; nothing is left open then
     */
    PacketDevice openTun(String name, int mtu, List<InterfaceAddress> addresses) throws IOException;

    /**
     * Binds the daemon's UDP sockets (both families, one port) so that their datagrams reach the
     * peers outside the tunnel.
     *
     * @param port 0 for any free port
     * @param fwMark the mark of the daemon's sockets, where the platform has marks
     */
    DatagramTransport openTransport(int port, int fwMark, DatagramReceiver receiver);

    /** A backend applying route-manager operations to this system. */
    PlatformRouteBackend openRouteBackend() throws IOException;

    /** Reads the state Sluice may touch, for the snapshot and {@code sluice recover}. */
    SystemStateReader systemState();

    /** Where the kill switch keeps its block. */
    Firewall firewall();

    /** The networks attached to the host now, except {@code tun}'s (LocalNetworks = bypass). */
    List<IpPrefix> attachedNetworks(String tun) throws IOException;

    /** The Netty sockets of this platform (the split-DNS forwarder's). */
    NettySockets sockets();

    /** Tells the service manager the daemon serves ({@code status} for humans), if it asks. */
    void serviceReady(String status);

    /** Tells the service manager the daemon is stopping (undoing its changes), if it asks. */
    void serviceStopping();
}
