package dev.sluice.it.interop;

import dev.sluice.crypto.Action;
import dev.sluice.crypto.PrivateKey;
import dev.sluice.crypto.PublicKey;
import dev.sluice.crypto.Tunnel;
import dev.sluice.crypto.TunnelResult;
import dev.sluice.crypto.TunnelSet;
import dev.sluice.packet.DecodeResult;
import dev.sluice.packet.IcmpHeader;
import dev.sluice.packet.IpProtocol;
import dev.sluice.packet.PacketBuilder;
import dev.sluice.packet.PacketDecoder;
import dev.sluice.packet.ParsedPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Runs inside a test namespace (via {@code ip netns exec}): the protocol core on a plain UDP
 * socket, no tun. Prints one line per event on stdout and exits 0 on success, 1 on timeout.
 *
 * <pre>
 * args: initiate|respond  ourPrivateKey  peerPublicKey  bindAddress:port  peerAddress:port
 *       ourTunnelAddress  peerTunnelAddress
 * initiate: handshake, send an ICMP echo request to the peer's tunnel address, succeed on the
 *           echo reply the kernel behind the peer sends back.
 * respond:  answer the peer's handshake, then answer every echo request with an echo reply;
 *           succeed after the first.
 * </pre>
 */
public final class CoreDriver {
    public static void main(String[] args) throws Exception {
        boolean initiate = args[0].equals("initiate");
        PrivateKey ours = PrivateKey.parse(args[1]);
        PublicKey peer = PublicKey.parse(args[2]);
        InetSocketAddress bind = address(args[3]);
        InetSocketAddress remote = address(args[4]);
        String ourTunnel = args[5];
        String peerTunnel = args[6];

        TunnelSet set =
                new TunnelSet(
                        ours.bytes(),
                        new SecureRandom(),
                        () -> System.currentTimeMillis() * 1_000_000L);
        Tunnel tunnel = set.addPeer(peer.bytes(), null, 1420, 0);
        DatagramChannel channel = DatagramChannel.open().bind(bind);
        channel.configureBlocking(false);
        ByteBuffer in = ByteBuffer.allocateDirect(2048);
        ByteBuffer out = ByteBuffer.allocateDirect(2048);
        ByteBuffer plain = ByteBuffer.allocateDirect(2048);
        TunnelResult result = new TunnelResult();
        ParsedPacket parsed = new ParsedPacket();
        byte[] source = new byte[18];
        if (initiate) {
            tunnel.requestHandshake();
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            TunnelResult timer = tunnel.pollTimers(out, 0, System.nanoTime(), result);
            if (timer.action() == Action.WRITE_TO_NETWORK) {
                send(channel, out, timer.length(), remote);
                System.out.println("sent " + (timer.length() == 148 ? "initiation" : "keepalive"));
            }
            in.clear();
            InetSocketAddress from = (InetSocketAddress) channel.receive(in);
            if (from == null) {
                Thread.sleep(5);
                continue;
            }
            byte[] addressBytes = from.getAddress().getAddress();
            System.arraycopy(addressBytes, 0, source, 0, addressBytes.length);
            source[16] = (byte) (from.getPort() >>> 8);
            source[17] = (byte) from.getPort();
            TunnelResult got =
                    set.decapsulate(
                            in, 0, in.position(), source, out, 0, System.nanoTime(), result);
            System.out.println(
                    "received "
                            + in.position()
                            + " bytes: "
                            + got.action()
                            + (got.dropReason() == null ? "" : " " + got.dropReason())
                            + (got.sessionEstablished() ? " session-established" : ""));
            if (got.action() == Action.WRITE_TO_NETWORK) {
                send(channel, out, got.length(), from);
            }
            if (got.sessionEstablished() && initiate) {
                byte[] echo =
                        PacketBuilder.ipv4(ourTunnel, peerTunnel)
                                .echoRequest(0x5e1c, 1)
                                .payload("sluice interop".getBytes())
                                .build();
                plain.put(0, echo);
                TunnelResult sent =
                        tunnel.encapsulate(
                                plain, 0, echo.length, out, 0, System.nanoTime(), result);
                send(channel, out, sent.length(), remote);
                System.out.println("sent echo-request");
            }
            if (got.action() == Action.WRITE_TO_TUNNEL) {
                if (PacketDecoder.decode(out, 0, got.length(), parsed) != DecodeResult.OK
                        || parsed.protocol() != IpProtocol.ICMP) {
                    System.out.println("unexpected packet");
                    continue;
                }
                if (parsed.icmpType() == IcmpHeader.V4_ECHO_REPLY && initiate) {
                    System.out.println(
                            "ok echo-reply from "
                                    + dev.sluice.routing.Ipv4Text.format(parsed.sourceV4()));
                    System.exit(0);
                }
                if (parsed.icmpType() == IcmpHeader.V4_ECHO_REQUEST && !initiate) {
                    byte[] request = new byte[got.length()];
                    out.get(0, request);
                    byte[] reply = echoReply(request, parsed);
                    plain.put(0, reply);
                    TunnelResult sent =
                            tunnel.encapsulate(
                                    plain, 0, reply.length, out, 0, System.nanoTime(), result);
                    send(channel, out, sent.length(), from);
                    System.out.println(
                            "ok answered echo-request from "
                                    + dev.sluice.routing.Ipv4Text.format(parsed.sourceV4()));
                }
            }
        }
        System.out.println("timeout");
        System.exit(1);
    }

    /** The echo reply to an echo request: addresses swapped, type 0, same id/sequence/data. */
    private static byte[] echoReply(byte[] request, ParsedPacket parsed) {
        int ipLength = ((request[2] & 0xff) << 8) | (request[3] & 0xff);
        int icmp = parsed.transportOffset();
        byte[] data = java.util.Arrays.copyOfRange(request, icmp + 8, ipLength);
        int rest = ByteBuffer.wrap(request, icmp + 4, 4).getInt();
        return PacketBuilder.ipv4(
                        dev.sluice.routing.Ipv4Text.format(parsed.destinationV4()),
                        dev.sluice.routing.Ipv4Text.format(parsed.sourceV4()))
                .icmp(IcmpHeader.V4_ECHO_REPLY, 0, rest)
                .payload(data)
                .build();
    }

    private static void send(
            DatagramChannel channel, ByteBuffer buffer, int length, InetSocketAddress to)
            throws java.io.IOException {
        ByteBuffer view = buffer.duplicate();
        view.position(0).limit(length);
        channel.send(view, to);
    }

    private static InetSocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        return new InetSocketAddress(
                text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    }

    static String base64(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }
}
