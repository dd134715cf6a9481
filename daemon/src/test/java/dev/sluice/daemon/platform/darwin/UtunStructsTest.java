package dev.sluice.daemon.platform.darwin;

import static dev.sluice.daemon.platform.darwin.Hex.bytes;
import static dev.sluice.daemon.platform.darwin.Hex.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.routing.IpPrefix;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes of the structures that open and configure a utun, written field by field from the
 * XNU headers (apple-oss-distributions/xnu, xnu-11417.101.15); each test names its header. macOS
 * runs little-endian on both Intel and Apple Silicon.
 */
class UtunStructsTest {
    /** bsd/sys/ioccom.h: {@code _IOC}; bsd/sys/kern_control.h, bsd/sys/sockio.h, in6_var.h. */
    @Test
    void shouldComputeTheIoctlRequestsWhenEncodedAsIoccomDefinesThem() {
        // _IOWR('N', 3, struct ctl_info): IOC_INOUT | 100 << 16 | 'N' << 8 | 3
        assertThat(Ioctls.CTLIOCGINFO).isEqualTo(0xC0644E03L);
        // _IOW('i', 52, struct ifreq): IOC_IN | 32 << 16 | 'i' << 8 | 52
        assertThat(Ioctls.SIOCSIFMTU).isEqualTo(0x80206934L);
        assertThat(Ioctls.SIOCSIFFLAGS).isEqualTo(0x80206910L);
        assertThat(Ioctls.SIOCGIFFLAGS).isEqualTo(0xC0206911L);
        // _IOW('i', 26, struct ifaliasreq) and _IOW('i', 26, struct in6_aliasreq)
        assertThat(Ioctls.SIOCAIFADDR).isEqualTo(0x8040691AL);
        assertThat(Ioctls.SIOCAIFADDR_IN6).isEqualTo(0x8080691AL);
    }

    /** bsd/sys/kern_control.h: {@code struct ctl_info {u_int32_t ctl_id; char ctl_name[96];}}. */
    @Test
    void shouldLayOutCtlInfoWhenAskingForTheUtunControl() {
        byte[] info = KernelControl.ctlInfo(KernelControl.UTUN_CONTROL_NAME);
        assertThat(info)
                .isEqualTo(
                        bytes(
                                "00000000", // ctl_id, filled in by the kernel
                                // ctl_name "com.apple.net.utun_control", NUL-padded to 96
                                "636f6d2e6170706c652e6e65742e7574756e5f636f6e74726f6c",
                                zeros(96 - 26)));
        info[0] = 0x2a;
        info[1] = 0x01;
        assertThat(KernelControl.ctlId(info)).isEqualTo(0x012a);
    }

    /**
     * bsd/sys/kern_control.h: {@code struct sockaddr_ctl {u_char sc_len; u_char sc_family;
     * u_int16_t ss_sysaddr; u_int32_t sc_id; u_int32_t sc_unit; u_int32_t sc_reserved[5];}};
     * bsd/sys/socket.h {@code AF_SYSTEM 32}; bsd/sys/sys_domain.h {@code AF_SYS_CONTROL 2}.
     */
    @Test
    void shouldLayOutSockaddrCtlWhenConnectingToAnyUnit() {
        assertThat(KernelControl.sockaddrCtl(0x012a, 0))
                .isEqualTo(
                        bytes(
                                "20", // sc_len 32
                                "20", // sc_family AF_SYSTEM
                                "0200", // ss_sysaddr AF_SYS_CONTROL
                                "2a010000", // sc_id
                                "00000000", // sc_unit 0: the kernel picks the utun
                                zeros(20))); // sc_reserved[5]
        assertThat(KernelControl.sockaddrCtl(7, 5))
                .hasSize(32)
                .containsSubsequence(bytes("07000000", "05000000"));
    }

    /** bsd/net/if_utun.h: {@code UTUN_OPT_IFNAME} returns the name as a C string. */
    @Test
    void shouldReadTheInterfaceNameWhenGetsockoptReturnsACString() {
        byte[] value = bytes("7574756e3400", zeros(10)); // "utun4\0"
        assertThat(KernelControl.interfaceName(value, 6)).isEqualTo("utun4");
        assertThat(KernelControl.interfaceName(value, 16)).isEqualTo("utun4");
    }

    /** bsd/net/if.h: {@code struct ifreq {char ifr_name[16]; union {short flags; int mtu; …}}}. */
    @Test
    void shouldLayOutIfreqWhenSettingMtuAndFlags() {
        assertThat(InterfaceRequests.mtu("utun4", 1420))
                .isEqualTo(
                        bytes(
                                "7574756e34",
                                zeros(11), // ifr_name "utun4"
                                "8c050000", // ifr_mtu 1420
                                zeros(12))); // rest of the union (16 bytes on LP64)
        byte[] flags = InterfaceRequests.flags("utun4", 0x8051);
        assertThat(flags).isEqualTo(bytes("7574756e34", zeros(11), "5180", zeros(14)));
        assertThat(InterfaceRequests.flagsOf(flags)).isEqualTo(0x8051);
    }

    /**
     * bsd/net/if.h: {@code struct ifaliasreq {char ifra_name[16]; struct sockaddr ifra_addr,
     * ifra_broadaddr, ifra_mask;}}, each a bsd/netinet/in.h {@code sockaddr_in}.
     */
    @Test
    void shouldLayOutIfaliasreqWhenAddingAnIpv4AddressToAUtun() {
        byte[] request =
                InterfaceRequests.ipv4Alias("utun4", IpPrefix.parseAddress("10.66.0.2"), 32);
        assertThat(request)
                .hasSize(64)
                .isEqualTo(
                        bytes(
                                "7574756e34", zeros(11), // ifra_name
                                "10 02 0000 0a420002", zeros(8), // ifra_addr 10.66.0.2
                                "10 02 0000 0a420002", zeros(8), // destination: itself
                                "10 02 0000 ffffffff", zeros(8))); // ifra_mask /32
    }

    /**
     * bsd/netinet6/in6_var.h: {@code struct in6_aliasreq {char ifra_name[16]; struct sockaddr_in6
     * ifra_addr, ifra_dstaddr, ifra_prefixmask; int ifra_flags; struct in6_addrlifetime
     * ifra_lifetime;}}, {@code in6_addrlifetime {time_t ia6t_expire, ia6t_preferred; u_int32_t
     * ia6t_vltime, ia6t_pltime;}}, {@code IN6_IFF_NODAD 0x0020}; bsd/netinet6/nd6.h {@code
     * ND6_INFINITE_LIFETIME 0xffffffff}; bsd/netinet6/in6.h {@code sockaddr_in6}.
     */
    @Test
    void shouldLayOutIn6AliasreqWhenAddingAnIpv6AddressWithInfiniteLifetimes() {
        byte[] request =
                InterfaceRequests.ipv6Alias("utun4", IpPrefix.parseAddress("fd66::2"), 128);
        assertThat(request)
                .hasSize(128)
                .isEqualTo(
                        bytes(
                                "7574756e34",
                                zeros(11), // ifra_name
                                // ifra_addr: len 28, AF_INET6 30, port, flowinfo, fd66::2, scope
                                "1c 1e 0000 00000000",
                                "fd660000000000000000000000000002",
                                "00000000",
                                zeros(28), // ifra_dstaddr: none
                                // ifra_prefixmask /128
                                "1c 1e 0000 00000000",
                                "ffffffffffffffffffffffffffffffff",
                                "00000000",
                                "20000000", // ifra_flags IN6_IFF_NODAD
                                zeros(8), // ia6t_expire (time_t)
                                zeros(8), // ia6t_preferred (time_t)
                                "ffffffff", // ia6t_vltime infinite
                                "ffffffff")); // ia6t_pltime infinite
    }

    @Test
    void shouldRefuseAnInterfaceNameThatDoesNotFitIfnamsiz() {
        assertThatThrownBy(() -> InterfaceRequests.mtu("a-very-long-name", 1420))
                .hasMessageContaining("a-very-long-name");
    }

    /** bsd/net/if_utun.c: the 4-byte protocol family before each packet, network order. */
    @Test
    void shouldFrameIpv4AndIpv6WithTheirFamilyInNetworkOrder() {
        assertThat(UtunFraming.family((byte) 0x45)).isEqualTo(2);
        assertThat(UtunFraming.family((byte) 0x60)).isEqualTo(30);
        assertThat(UtunFraming.family((byte) 0x00)).isZero();
        assertThat(UtunFraming.header(2)).isEqualTo(bytes("00000002"));
        assertThat(UtunFraming.header(30)).isEqualTo(bytes("0000001e"));
    }
}
