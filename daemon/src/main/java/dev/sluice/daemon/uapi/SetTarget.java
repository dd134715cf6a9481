package dev.sluice.daemon.uapi;

import dev.sluice.config.SluiceConfig;
import java.net.InetSocketAddress;

/** What a {@code set=1} request changes: the running connection. */
interface SetTarget {
    /** The configuration the connection runs with. */
    SluiceConfig config();

    /** Sends to peer {@code peerIndex} (in configuration order) at {@code endpoint} from now on. */
    void moveEndpoint(int peerIndex, InetSocketAddress endpoint);

    /**
     * Makes the connection again with {@code next} (routes, rules, firewall table and sockets all
     * from it) and waits until that is done.
     *
     * @throws Exception when it could not be done
     */
    void reconnect(SluiceConfig next) throws Exception;
}
