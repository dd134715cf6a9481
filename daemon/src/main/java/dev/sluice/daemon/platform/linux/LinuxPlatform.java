package dev.sluice.daemon.platform.linux;

import dev.sluice.config.InterfaceAddress;
import dev.sluice.config.SluiceConfig;
import dev.sluice.daemon.dataplane.DatagramReceiver;
import dev.sluice.daemon.dataplane.DatagramTransport;
import dev.sluice.daemon.dataplane.PacketDevice;
import dev.sluice.daemon.killswitch.Firewall;
import dev.sluice.daemon.platform.NettySockets;
import dev.sluice.daemon.platform.Platform;
import dev.sluice.daemon.platform.PlatformRouteBackend;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.journal.SystemStateReader;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Linux: the TUN device configured by rtnetlink, epoll UDP sockets with the daemon's mark, the
 * netlink/nft/sysctl route backend, nftables for the kill switch.
 */
public final class LinuxPlatform implements Platform {
    private static final Logger LOG = System.getLogger(LinuxPlatform.class.getName());

    @Override
    public String name() {
        return "linux";
    }

    @Override
    public List<String> configProblems(SluiceConfig config) {
        return List.of();
    }

    @Override
    public PacketDevice openTun(String name, int mtu, List<InterfaceAddress> addresses)
            throws IOException {
        TunDevice tun = configured(TunDevice.open(name, Offloads.wanted()), mtu, addresses);
        if (tun.hasVnetHeader() && !Offloads.acceptCoalescedWrite(tun)) {
            LOG.log(
                    Level.WARNING,
                    "this kernel refuses coalesced writes to a tun: offloads off, one packet per"
                            + " read and write");
            tun.close();
            tun = configured(TunDevice.open(name, false), mtu, addresses);
        }
        return new TunPacketDevice(tun);
    }

    private static TunDevice configured(TunDevice tun, int mtu, List<InterfaceAddress> addresses)
            throws IOException {
        try (Rtnetlink netlink = Rtnetlink.open()) {
            netlink.linkUp(tun.name(), mtu);
            for (InterfaceAddress address : addresses) {
                netlink.addAddress(tun.name(), address.address(), address.prefixLength());
            }
        } catch (IOException | RuntimeException e) {
            tun.close();
            throw e;
        }
        return tun;
    }

    @Override
    public DatagramTransport openTransport(int port, int fwMark, DatagramReceiver receiver) {
        return LinuxUdpTransport.open(port, fwMark, Offloads.wanted(), receiver);
    }

    @Override
    public PlatformRouteBackend openRouteBackend() throws IOException {
        return new LinuxRouteBackend();
    }

    @Override
    public SystemStateReader systemState() {
        return new LinuxSystemState();
    }

    @Override
    public Firewall firewall() {
        return new NftFirewall();
    }

    @Override
    public List<IpPrefix> attachedNetworks(String tun) throws IOException {
        return LinuxSystemState.attachedNetworks(tun);
    }

    @Override
    public NettySockets sockets() {
        return EpollSockets.INSTANCE;
    }

    /** systemd's {@code sd_notify}, when the unit is {@code Type=notify}. */
    @Override
    public void serviceReady(String status) {
        SystemdNotify.ready(status);
    }

    @Override
    public void serviceStopping() {
        SystemdNotify.stopping();
    }
}
