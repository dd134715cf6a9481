package dev.sluice.daemon.platform;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketProtocolFamily;

/**
 * The Netty sockets of a platform, for the split-DNS forwarder: epoll on Linux, NIO on macOS (the
 * JDK's own selector, no native library), and the options that differ.
 */
public interface NettySockets {
    /** The I/O handler of the event loops these channels run on. */
    IoHandlerFactory ioHandler();

    Channel datagramChannel(SocketProtocolFamily family);

    ServerChannel serverSocketChannel(SocketProtocolFamily family);

    Channel socketChannel(SocketProtocolFamily family);

    /**
     * Lets a listener bind an address the host may not hold yet ({@code IP_FREEBIND} on Linux; on
     * macOS the tunnel address exists before the forwarder starts, so nothing).
     */
    <B extends AbstractBootstrap<B, ?>> B freeBind(B bootstrap);

    /**
     * Sends a socket's traffic around the tunnel: the daemon's mark on Linux, which the policy
     * rules let out; nothing on macOS, where routes decide.
     */
    Bootstrap escapeTunnel(Bootstrap bootstrap, int fwMark);
}
