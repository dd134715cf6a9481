package dev.sluice.daemon.dataplane;

import dev.sluice.crypto.message.TransportMessage;

/**
 * Layout of a packet buffer: the IP packet is read at {@link #PACKET_OFFSET} so that the 16-byte
 * transport header can be written in front of it and the packet encrypted in place.
 */
final class Headroom {
    static final int PACKET_OFFSET = TransportMessage.HEADER_LENGTH;

    /** Room for the packet, its padding to 16 and the tag after the header. */
    static int bufferSize(int mtu) {
        return PACKET_OFFSET + mtu + 16 + 16 + 64;
    }

    private Headroom() {}
}
