package dev.sluice.daemon.platform.darwin;

import java.io.IOException;

/**
 * One {@code PF_ROUTE} socket and the kernel behind it, at the level of bytes: what the routing
 * code needs from macOS. {@link NativeRoutingKernel} is the real one; tests drive the same code
 * against an in-memory kernel that decodes and encodes with the same codec.
 */
public interface RoutingKernel extends AutoCloseable {
    /**
     * Writes one routing message.
     *
     * @throws SystemCallException with the errno when the kernel refuses it ({@code EEXIST} when
     *     adding what exists, {@code ESRCH} when deleting what does not)
     */
    void write(byte[] message) throws SystemCallException;

    /**
     * The next message this socket receives (the answers to its own requests and every change
     * anyone makes), or null when none arrives within {@code timeoutMs}.
     */
    byte[] read(int timeoutMs) throws IOException;

    /**
     * The routing table, both families, as {@code sysctl {CTL_NET, PF_ROUTE, 0, 0, NET_RT_DUMP2,
     * 0}} returns it: {@code rt_msghdr2} messages back to back.
     */
    byte[] dump() throws IOException;

    /** {@code if_nametoindex}: the index of interface {@code name}, 0 when there is none. */
    int interfaceIndex(String name);

    /** The process id the kernel writes into this socket's requests ({@code rtm_pid}). */
    int pid();

    @Override
    void close();
}
