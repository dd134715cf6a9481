package dev.sluice.packet.pcap;

import java.io.IOException;

/** A file that is not a pcap file this package can read; the message says where and why. */
public final class PcapFormatException extends IOException {
    public PcapFormatException(String message) {
        super(message);
    }
}
