package dev.sluice.daemon.dataplane;

import dev.sluice.crypto.PublicKey;
import dev.sluice.crypto.Tunnel;
import dev.sluice.packet.pool.PacketBuffer;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * One peer at run time: its tunnel, where to send (the endpoint, which roams to the latest
 * authenticated source), and packets staged while no session exists. Shared by the data threads and
 * the control thread: the endpoint is volatile, the staging queue is bounded and thread-safe.
 */
public final class PeerRuntime {
    /** Packets kept per peer while a handshake is in progress (wireguard-go keeps 128). */
    public static final int STAGED_CAPACITY = 128;

    private final int index;
    private final PublicKey publicKey;
    private final Tunnel tunnel;
    private final ArrayBlockingQueue<PacketBuffer> staged =
            new ArrayBlockingQueue<>(STAGED_CAPACITY);
    private volatile Endpoint endpoint;

    public PeerRuntime(int index, PublicKey publicKey, Tunnel tunnel, InetSocketAddress endpoint) {
        this.index = index;
        this.publicKey = publicKey;
        this.tunnel = tunnel;
        this.endpoint = endpoint == null ? null : Endpoint.of(endpoint);
        tunnel.attach(this);
    }

    /** Position of the peer in the configuration (the index forwarding values carry). */
    public int index() {
        return index;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public Tunnel tunnel() {
        return tunnel;
    }

    /** Where to send, or null when unknown (no Endpoint configured and not yet contacted). */
    public InetSocketAddress endpoint() {
        Endpoint current = endpoint;
        return current == null ? null : current.address();
    }

    /** Where to send, as the data path uses it; null when unknown. */
    Endpoint sendTo() {
        return endpoint;
    }

    /** Moves the endpoint; true when it changed. */
    public boolean updateEndpoint(InetSocketAddress source) {
        Endpoint current = endpoint;
        if (current != null && current.address().equals(source)) {
            return false;
        }
        endpoint = Endpoint.of(source);
        return true;
    }

    /**
     * Moves the endpoint to where an authenticated datagram came from; true when it changed.
     * Allocation-free unless it did.
     */
    boolean roamTo(DatagramSource source) {
        Endpoint current = endpoint;
        if (current != null && current.matches(source)) {
            return false;
        }
        endpoint = Endpoint.of(source.toAddress());
        return true;
    }

    /** Keeps a packet until a session exists; false when the queue is full (caller drops). */
    boolean stage(PacketBuffer packet) {
        return staged.offer(packet);
    }

    /** The next staged packet, or null. */
    PacketBuffer nextStaged() {
        return staged.poll();
    }

    boolean hasStaged() {
        return !staged.isEmpty();
    }
}
