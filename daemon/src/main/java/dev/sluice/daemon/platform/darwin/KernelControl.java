package dev.sluice.daemon.platform.darwin;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The structures that open a utun: a {@code PF_SYSTEM} socket of protocol {@code SYSPROTO_CONTROL}
 * finds the utun control's id by name ({@code CTLIOCGINFO}) and connects to it; the kernel then
 * creates the interface and names it ({@code UTUN_OPT_IFNAME}).
 *
 * <pre>
 *   struct ctl_info (bsd/sys/kern_control.h, 100)    0 ctl_id u32 | 4 ctl_name[96] (C string)
 *   struct sockaddr_ctl (bsd/sys/kern_control.h, 32) 0 sc_len | 1 sc_family = AF_SYSTEM (32)
 *       | 2 ss_sysaddr u16 = AF_SYS_CONTROL (2) | 4 sc_id u32 | 8 sc_unit u32 | 12 sc_reserved[5]
 * </pre>
 *
 * A unit of 0 lets the kernel choose the first free utun ({@code utun_ctl_setup},
 * bsd/net/if_utun.c); unit {@code n} asks for {@code utun(n-1)}.
 */
public final class KernelControl {
    /** {@code PF_SYSTEM = AF_SYSTEM}, bsd/sys/socket.h. */
    public static final int PF_SYSTEM = 32;

    /** {@code SYSPROTO_CONTROL}, bsd/sys/sys_domain.h: also the socket option level. */
    public static final int SYSPROTO_CONTROL = 2;

    /** {@code AF_SYS_CONTROL}, bsd/sys/sys_domain.h. */
    public static final int AF_SYS_CONTROL = 2;

    /** {@code UTUN_CONTROL_NAME}, bsd/net/if_utun.h. */
    public static final String UTUN_CONTROL_NAME = "com.apple.net.utun_control";

    /** {@code UTUN_OPT_IFNAME}, bsd/net/if_utun.h: the interface name, as a C string. */
    public static final int UTUN_OPT_IFNAME = 2;

    static final int MAX_KCTL_NAME = 96;
    static final int CTL_INFO_LENGTH = 4 + MAX_KCTL_NAME;
    static final int SOCKADDR_CTL_LENGTH = 32;

    private KernelControl() {}

    /** {@code struct ctl_info} asking for the id of control {@code name}. */
    public static byte[] ctlInfo(String name) {
        byte[] text = name.getBytes(StandardCharsets.US_ASCII);
        if (text.length >= MAX_KCTL_NAME) {
            throw new IllegalArgumentException("control name longer than 95: " + name);
        }
        byte[] info = new byte[CTL_INFO_LENGTH];
        System.arraycopy(text, 0, info, 4, text.length);
        return info;
    }

    /** The {@code ctl_id} the kernel wrote into a {@code struct ctl_info}. */
    public static int ctlId(byte[] info) {
        return ByteBuffer.wrap(info).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }

    /** {@code struct sockaddr_ctl} for control {@code id}, unit {@code unit} (0: any). */
    public static byte[] sockaddrCtl(int id, int unit) {
        ByteBuffer address =
                ByteBuffer.allocate(SOCKADDR_CTL_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        address.put(0, (byte) SOCKADDR_CTL_LENGTH);
        address.put(1, (byte) PF_SYSTEM);
        address.putShort(2, (short) AF_SYS_CONTROL);
        address.putInt(4, id);
        address.putInt(8, unit);
        return address.array();
    }

    /** The C string {@code getsockopt(UTUN_OPT_IFNAME)} returned in {@code length} bytes. */
    public static String interfaceName(byte[] value, int length) {
        int end = 0;
        while (end < length && value[end] != 0) {
            end++;
        }
        return new String(value, 0, end, StandardCharsets.US_ASCII);
    }
}
