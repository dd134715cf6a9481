package dev.sluice.daemon.platform.darwin;

import java.util.Map;

/**
 * The errno values of macOS Sluice meets, by name ({@code bsd/sys/errno.h}): several differ from
 * Linux ({@code EAGAIN} is 35, {@code ENETUNREACH} 51, {@code ENOBUFS} 55). Descriptions are the
 * header's comments, so messages read the same without a native call.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int ENXIO = 6;
    public static final int EBADF = 9;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int EAGAIN = 35;
    public static final int EMSGSIZE = 40;
    public static final int EPROTONOSUPPORT = 43;
    public static final int ENOTSUP = 45;
    public static final int EAFNOSUPPORT = 47;
    public static final int EADDRINUSE = 48;
    public static final int EADDRNOTAVAIL = 49;
    public static final int ENETDOWN = 50;
    public static final int ENETUNREACH = 51;
    public static final int ENOBUFS = 55;
    public static final int EHOSTUNREACH = 65;

    private static final Map<Integer, String> NAMES =
            Map.ofEntries(
                    Map.entry(EPERM, "EPERM (Operation not permitted)"),
                    Map.entry(ENOENT, "ENOENT (No such file or directory)"),
                    Map.entry(ESRCH, "ESRCH (No such process)"),
                    Map.entry(EINTR, "EINTR (Interrupted system call)"),
                    Map.entry(ENXIO, "ENXIO (Device not configured)"),
                    Map.entry(EBADF, "EBADF (Bad file descriptor)"),
                    Map.entry(EACCES, "EACCES (Permission denied)"),
                    Map.entry(EBUSY, "EBUSY (Device / Resource busy)"),
                    Map.entry(EEXIST, "EEXIST (File exists)"),
                    Map.entry(ENODEV, "ENODEV (Operation not supported by device)"),
                    Map.entry(EINVAL, "EINVAL (Invalid argument)"),
                    Map.entry(EAGAIN, "EAGAIN (Resource temporarily unavailable)"),
                    Map.entry(EMSGSIZE, "EMSGSIZE (Message too long)"),
                    Map.entry(EPROTONOSUPPORT, "EPROTONOSUPPORT (Protocol not supported)"),
                    Map.entry(ENOTSUP, "ENOTSUP (Operation not supported)"),
                    Map.entry(
                            EAFNOSUPPORT,
                            "EAFNOSUPPORT (Address family not supported by protocol family)"),
                    Map.entry(EADDRINUSE, "EADDRINUSE (Address already in use)"),
                    Map.entry(EADDRNOTAVAIL, "EADDRNOTAVAIL (Can't assign requested address)"),
                    Map.entry(ENETDOWN, "ENETDOWN (Network is down)"),
                    Map.entry(ENETUNREACH, "ENETUNREACH (Network is unreachable)"),
                    Map.entry(ENOBUFS, "ENOBUFS (No buffer space available)"),
                    Map.entry(EHOSTUNREACH, "EHOSTUNREACH (No route to host)"));

    private Errno() {}

    /** {@code "EEXIST (File exists)"}, or {@code "errno 99"} for one not listed. */
    public static String describe(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
