package dev.sluice.daemon.platform.darwin;

import dev.sluice.daemon.platform.NettySockets;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * Netty's NIO transport on macOS. No socket marks exist there: the forwarder's queries to the
 * original resolvers leave by the routes (a resolver on the LAN by its interface route; elsewhere,
 * in a full tunnel, through the tunnel, which is the safe direction).
 */
final class NioSockets implements NettySockets {
    static final NioSockets INSTANCE = new NioSockets();

    private NioSockets() {}

    @Override
    public IoHandlerFactory ioHandler() {
        return NioIoHandler.newFactory();
    }

    @Override
    public Channel datagramChannel(SocketProtocolFamily family) {
        return new NioDatagramChannel(family);
    }

    @Override
    public ServerChannel serverSocketChannel(SocketProtocolFamily family) {
        return new NioServerSocketChannel(SelectorProvider.provider(), family);
    }

    @Override
    public Channel socketChannel(SocketProtocolFamily family) {
        return new NioSocketChannel(SelectorProvider.provider(), family);
    }

    @Override
    public <B extends AbstractBootstrap<B, ?>> B freeBind(B bootstrap) {
        return bootstrap;
    }

    @Override
    public Bootstrap escapeTunnel(Bootstrap bootstrap, int fwMark) {
        return bootstrap;
    }
}
