package dev.sluice.daemon.platform.darwin;

/**
 * The ioctl requests Sluice issues on macOS, computed as {@code bsd/sys/ioccom.h} defines them:
 * {@code _IOC(inout, group, num, len) = inout | (len & 0x1fff) << 16 | group << 8 | num}, with
 * {@code IOC_IN = 0x80000000} (the kernel reads the argument) and {@code IOC_OUT = 0x40000000} (it
 * writes it back).
 */
public final class Ioctls {
    static final long IOC_OUT = 0x40000000L;
    static final long IOC_IN = 0x80000000L;
    static final long IOC_INOUT = IOC_IN | IOC_OUT;
    private static final int IOCPARM_MASK = 0x1fff;

    /** {@code CTLIOCGINFO = _IOWR('N', 3, struct ctl_info)}, bsd/sys/kern_control.h. */
    public static final long CTLIOCGINFO = ioc(IOC_INOUT, 'N', 3, KernelControl.CTL_INFO_LENGTH);

    /** {@code SIOCSIFFLAGS = _IOW('i', 16, struct ifreq)}, bsd/sys/sockio.h. */
    public static final long SIOCSIFFLAGS = ioc(IOC_IN, 'i', 16, InterfaceRequests.IFREQ_LENGTH);

    /** {@code SIOCGIFFLAGS = _IOWR('i', 17, struct ifreq)}, bsd/sys/sockio.h. */
    public static final long SIOCGIFFLAGS = ioc(IOC_INOUT, 'i', 17, InterfaceRequests.IFREQ_LENGTH);

    /** {@code SIOCAIFADDR = _IOW('i', 26, struct ifaliasreq)}, bsd/sys/sockio.h. */
    public static final long SIOCAIFADDR =
            ioc(IOC_IN, 'i', 26, InterfaceRequests.IFALIASREQ_LENGTH);

    /** {@code SIOCSIFMTU = _IOW('i', 52, struct ifreq)}, bsd/sys/sockio.h. */
    public static final long SIOCSIFMTU = ioc(IOC_IN, 'i', 52, InterfaceRequests.IFREQ_LENGTH);

    /** {@code SIOCAIFADDR_IN6 = _IOW('i', 26, struct in6_aliasreq)}, bsd/netinet6/in6_var.h. */
    public static final long SIOCAIFADDR_IN6 =
            ioc(IOC_IN, 'i', 26, InterfaceRequests.IN6_ALIASREQ_LENGTH);

    private Ioctls() {}

    static long ioc(long inout, char group, int num, int length) {
        return inout | (long) (length & IOCPARM_MASK) << 16 | (long) group << 8 | num;
    }
}
