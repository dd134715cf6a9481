package dev.sluice.daemon.platform.linux;

import dev.sluice.daemon.platform.NettySockets;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.IntegerUnixChannelOption;

/** Netty's epoll transport, {@code IP_FREEBIND} and {@code SO_MARK}. */
public final class EpollSockets implements NettySockets {
    public static final EpollSockets INSTANCE = new EpollSockets();

    private static final int SOL_SOCKET = 1;
    private static final int SO_MARK = 36;

    private EpollSockets() {}

    @Override
    public IoHandlerFactory ioHandler() {
        return EpollIoHandler.newFactory();
    }

    @Override
    public Channel datagramChannel(SocketProtocolFamily family) {
        return new EpollDatagramChannel(family);
    }

    @Override
    public ServerChannel serverSocketChannel(SocketProtocolFamily family) {
        return new EpollServerSocketChannel(family);
    }

    @Override
    public Channel socketChannel(SocketProtocolFamily family) {
        return new EpollSocketChannel(family);
    }

    @Override
    public <B extends AbstractBootstrap<B, ?>> B freeBind(B bootstrap) {
        return bootstrap.option(EpollChannelOption.IP_FREEBIND, true);
    }

    @Override
    public Bootstrap escapeTunnel(Bootstrap bootstrap, int fwMark) {
        return fwMark == 0
                ? bootstrap
                : bootstrap.option(
                        new IntegerUnixChannelOption("SO_MARK", SOL_SOCKET, SO_MARK), fwMark);
    }
}
