package dev.sluice.packet;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Builds well-formed IPv4 and IPv6 packets with correct lengths and checksums: for tests, pcap
 * fixtures and diagnostics, never on the data path (it allocates).
 *
 * <pre>{@code
 * byte[] syn = PacketBuilder.ipv4("10.66.0.2", "10.10.1.5")
 *         .tcp(40000, 443, TcpHeader.FLAG_SYN).mss(1460)
 *         .build();
 * byte[] probe = PacketBuilder.ipv6("fd66::2", "fd10::5")
 *         .hopByHopPadding().destinationOptionsPadding()
 *         .udp(5353, 53).payload(new byte[12])
 *         .build();
 * }</pre>
 */
public final class PacketBuilder {
    private final boolean ipv6;
    private final byte[] source;
    private final byte[] destination;
    private int hopLimit = 64;
    private int tos;
    private int identification;
    private boolean dontFragment;
    private int fragmentOffsetBytes = -1;
    private boolean moreFragments;
    private final ByteArrayOutputStream extensionHeaders = new ByteArrayOutputStream();
    private int firstExtension = -1;
    private int lastExtensionNextHeaderAt = -1;
    private int protocol = IpProtocol.NO_NEXT_HEADER;
    private byte[] transportHeader = new byte[0];
    private byte[] payload = new byte[0];
    private boolean checksumTransport = true;

    private PacketBuilder(boolean ipv6, byte[] source, byte[] destination) {
        this.ipv6 = ipv6;
        this.source = source;
        this.destination = destination;
    }

    /** Starts an IPv4 packet between two literal addresses. */
    public static PacketBuilder ipv4(String source, String destination) {
        return new PacketBuilder(false, literal(source, 4), literal(destination, 4));
    }

    /** Starts an IPv6 packet between two literal addresses. */
    public static PacketBuilder ipv6(String source, String destination) {
        return new PacketBuilder(true, literal(source, 16), literal(destination, 16));
    }

    private static byte[] literal(String address, int length) {
        boolean looksLiteral = address.indexOf(':') >= 0 || address.matches("[0-9.]+");
        if (!looksLiteral) {
            throw new IllegalArgumentException(address + " is not an IP address literal");
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            if (bytes.length != length) {
                throw new IllegalArgumentException(
                        address + " is not an IPv" + (length == 4 ? 4 : 6) + " address");
            }
            return bytes;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address + " is not an IP address literal", e);
        }
    }

    /** IPv4 TTL or IPv6 Hop Limit (default 64). */
    public PacketBuilder hopLimit(int hopLimit) {
        this.hopLimit = hopLimit;
        return this;
    }

    /** IPv4 TOS or IPv6 traffic class. */
    public PacketBuilder tos(int tos) {
        this.tos = tos;
        return this;
    }

    /** IPv4 identification, or the IPv6 Fragment header's identification. */
    public PacketBuilder identification(int identification) {
        this.identification = identification;
        return this;
    }

    /** Sets the IPv4 DF flag. */
    public PacketBuilder dontFragment() {
        this.dontFragment = true;
        return this;
    }

    /**
     * Marks the packet as a fragment: for IPv4 the header's offset and MF flag, for IPv6 a Fragment
     * header appended to the extension chain at this point. The transport header and payload given
     * afterwards are the fragment's data as is.
     */
    public PacketBuilder fragment(int offsetBytes, boolean moreFragments) {
        this.fragmentOffsetBytes = offsetBytes;
        this.moreFragments = moreFragments;
        if (ipv6) {
            byte[] header = new byte[Ipv6FragmentHeader.LENGTH];
            ByteBuffer view = ByteBuffer.wrap(header);
            view.putShort(2, (short) ((offsetBytes & 0xfff8) | (moreFragments ? 1 : 0)));
            view.putInt(4, identification);
            appendExtension(IpProtocol.FRAGMENT, header);
        }
        return this;
    }

    /** Appends an 8-byte IPv6 Hop-by-Hop Options header holding only padding (PadN). */
    public PacketBuilder hopByHopPadding() {
        return appendExtension(IpProtocol.HOP_BY_HOP, paddingOptions(8));
    }

    /** Appends an 8-byte IPv6 Destination Options header holding only padding (PadN). */
    public PacketBuilder destinationOptionsPadding() {
        return appendExtension(IpProtocol.DESTINATION_OPTIONS, paddingOptions(8));
    }

    /** Appends an IPv6 Routing header (type 4, segments left 0) of {@code lengthBytes} bytes. */
    public PacketBuilder routingHeader(int lengthBytes) {
        byte[] header = new byte[lengthBytes];
        header[1] = (byte) (lengthBytes / 8 - 1);
        header[2] = 4;
        return appendExtension(IpProtocol.ROUTING, header);
    }

    /**
     * Appends raw extension-header bytes of {@code kind}: byte 0 (Next Header) is filled in, byte 1
     * (length) is taken as given.
     */
    public PacketBuilder rawExtension(int kind, byte[] header) {
        return appendExtension(kind, header.clone());
    }

    private static byte[] paddingOptions(int length) {
        byte[] header = new byte[length];
        header[2] = 1; // PadN
        header[3] = (byte) (length - 4);
        header[1] = (byte) (length / 8 - 1);
        return header;
    }

    private PacketBuilder appendExtension(int kind, byte[] header) {
        if (!ipv6) {
            throw new IllegalStateException("extension headers exist only in IPv6");
        }
        byte[] existing = extensionHeaders.toByteArray();
        if (lastExtensionNextHeaderAt >= 0) {
            existing[lastExtensionNextHeaderAt] = (byte) kind;
            extensionHeaders.reset();
            extensionHeaders.writeBytes(existing);
        } else {
            firstExtension = kind;
        }
        lastExtensionNextHeaderAt = existing.length;
        extensionHeaders.writeBytes(header);
        return this;
    }

    /** A TCP header with the given ports and flags, sequence 1, window 65535, no options. */
    public PacketBuilder tcp(int sourcePort, int destinationPort, int flags) {
        byte[] header = new byte[TcpHeader.MIN_LENGTH];
        ByteBuffer view = ByteBuffer.wrap(header);
        view.putShort(0, (short) sourcePort);
        view.putShort(2, (short) destinationPort);
        view.putInt(4, 1);
        view.putInt(8, (flags & TcpHeader.FLAG_ACK) != 0 ? 1 : 0);
        view.put(12, (byte) (5 << 4));
        view.put(13, (byte) flags);
        view.putShort(14, (short) 65535);
        this.protocol = IpProtocol.TCP;
        this.transportHeader = header;
        return this;
    }

    /** Sets the TCP sequence number (default 1). */
    public PacketBuilder sequence(int sequence) {
        requireTcp("sequence").putInt(TcpHeader.SEQUENCE_OFFSET, sequence);
        return this;
    }

    /** Sets the TCP acknowledgment number (default 1 with ACK, else 0). */
    public PacketBuilder acknowledgment(int acknowledgment) {
        requireTcp("acknowledgment").putInt(TcpHeader.ACKNOWLEDGMENT_OFFSET, acknowledgment);
        return this;
    }

    /** Sets the TCP window (default 65535). */
    public PacketBuilder window(int window) {
        requireTcp("window").putShort(TcpHeader.WINDOW_OFFSET, (short) window);
        return this;
    }

    private ByteBuffer requireTcp(String what) {
        if (protocol != IpProtocol.TCP) {
            throw new IllegalStateException(what + " needs tcp(...) first");
        }
        return ByteBuffer.wrap(transportHeader);
    }

    /** Appends raw TCP option bytes (padded with EOL to a multiple of 4) to the TCP header. */
    public PacketBuilder tcpOptions(byte... options) {
        if (protocol != IpProtocol.TCP) {
            throw new IllegalStateException("tcpOptions needs tcp(...) first");
        }
        int padded = (options.length + 3) & ~3;
        byte[] header = Arrays.copyOf(transportHeader, transportHeader.length + padded);
        System.arraycopy(options, 0, header, transportHeader.length, options.length);
        header[12] = (byte) ((header.length >>> 2) << 4);
        transportHeader = header;
        return this;
    }

    /** Appends an MSS option (kind 2, length 4) to the TCP header. */
    public PacketBuilder mss(int mss) {
        return tcpOptions(
                (byte) TcpHeader.OPTION_MSS,
                (byte) TcpHeader.OPTION_MSS_LENGTH,
                (byte) (mss >>> 8),
                (byte) mss);
    }

    /** A UDP header with the given ports (length filled in at build). */
    public PacketBuilder udp(int sourcePort, int destinationPort) {
        byte[] header = new byte[UdpHeader.LENGTH];
        ByteBuffer view = ByteBuffer.wrap(header);
        view.putShort(0, (short) sourcePort);
        view.putShort(2, (short) destinationPort);
        this.protocol = IpProtocol.UDP;
        this.transportHeader = header;
        return this;
    }

    /** An ICMP (IPv4) or ICMPv6 (IPv6) echo request with the given identifier and sequence. */
    public PacketBuilder echoRequest(int identifier, int sequence) {
        return icmp(
                ipv6 ? IcmpHeader.V6_ECHO_REQUEST : IcmpHeader.V4_ECHO_REQUEST,
                0,
                (identifier << 16) | (sequence & 0xffff));
    }

    /** An ICMP/ICMPv6 header of the given type and code and second word. */
    public PacketBuilder icmp(int type, int code, int rest) {
        byte[] header = new byte[IcmpHeader.LENGTH];
        ByteBuffer view = ByteBuffer.wrap(header);
        view.put(0, (byte) type);
        view.put(1, (byte) code);
        view.putInt(4, rest);
        this.protocol = ipv6 ? IpProtocol.ICMPV6 : IpProtocol.ICMP;
        this.transportHeader = header;
        return this;
    }

    /** An arbitrary upper-layer protocol number with no header of its own. */
    public PacketBuilder protocol(int protocol) {
        this.protocol = protocol;
        this.transportHeader = new byte[0];
        return this;
    }

    /** Bytes after the transport header. */
    public PacketBuilder payload(byte[] payload) {
        this.payload = payload.clone();
        return this;
    }

    /** Leaves the transport checksum zero (for fragments whose checksum covers other data). */
    public PacketBuilder withoutTransportChecksum() {
        this.checksumTransport = false;
        return this;
    }

    /** The finished packet. */
    public byte[] build() {
        byte[] extensions = extensionHeaders.toByteArray();
        int networkLength = ipv6 ? Ipv6Header.LENGTH + extensions.length : Ipv4Header.MIN_LENGTH;
        int transportLength = transportHeader.length + payload.length;
        byte[] packet = new byte[networkLength + transportLength];
        ByteBuffer view = ByteBuffer.wrap(packet);
        System.arraycopy(transportHeader, 0, packet, networkLength, transportHeader.length);
        System.arraycopy(
                payload, 0, packet, networkLength + transportHeader.length, payload.length);
        if (protocol == IpProtocol.UDP) {
            view.putShort(networkLength + UdpHeader.LENGTH_OFFSET, (short) transportLength);
        }
        if (ipv6) {
            view.putInt(0, (6 << 28) | ((tos & 0xff) << 20));
            view.putShort(4, (short) (extensions.length + transportLength));
            view.put(6, (byte) (firstExtension >= 0 ? firstExtension : protocol));
            view.put(7, (byte) hopLimit);
            System.arraycopy(source, 0, packet, 8, 16);
            System.arraycopy(destination, 0, packet, 24, 16);
            System.arraycopy(extensions, 0, packet, Ipv6Header.LENGTH, extensions.length);
            if (lastExtensionNextHeaderAt >= 0) {
                packet[Ipv6Header.LENGTH + lastExtensionNextHeaderAt] = (byte) protocol;
            }
        } else {
            int fragmentWord =
                    (dontFragment ? Ipv4Header.FLAG_DONT_FRAGMENT : 0)
                            | (moreFragments ? Ipv4Header.FLAG_MORE_FRAGMENTS : 0)
                            | (Math.max(0, fragmentOffsetBytes) >>> 3);
            view.put(0, (byte) 0x45);
            view.put(1, (byte) tos);
            view.putShort(2, (short) packet.length);
            view.putShort(4, (short) identification);
            view.putShort(6, (short) fragmentWord);
            view.put(8, (byte) hopLimit);
            view.put(9, (byte) protocol);
            System.arraycopy(source, 0, packet, 12, 4);
            System.arraycopy(destination, 0, packet, 16, 4);
            view.putShort(10, (short) InternetChecksum.compute(view, 0, Ipv4Header.MIN_LENGTH));
        }
        boolean firstFragmentOrWhole = fragmentOffsetBytes <= 0;
        if (checksumTransport && firstFragmentOrWhole && transportHeader.length > 0) {
            ParsedPacket parsed = new ParsedPacket();
            ByteBuffer direct = ByteBuffer.allocate(packet.length).put(0, packet);
            if (PacketDecoder.decode(direct, 0, packet.length, parsed) == DecodeResult.OK
                    && parsed.hasTransportHeader()) {
                InternetChecksum.updateTransportChecksum(parsed);
                direct.get(0, packet);
            }
        }
        return packet;
    }
}
