package dev.sluice.daemon.platform.linux;

import com.sun.jna.Native;
import java.util.Map;

/** errno values by name, for messages that say what went wrong ("EEXIST: File exists"). */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EAGAIN = 11;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EROFS = 30;
    public static final int ESRCH = 3;
    public static final int ENOBUFS = 105;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETUNREACH = 101;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;

    private static final Map<Integer, String> NAMES =
            Map.ofEntries(
                    Map.entry(EPERM, "EPERM"),
                    Map.entry(ENOENT, "ENOENT"),
                    Map.entry(ESRCH, "ESRCH"),
                    Map.entry(EINTR, "EINTR"),
                    Map.entry(EIO, "EIO"),
                    Map.entry(EAGAIN, "EAGAIN"),
                    Map.entry(EBUSY, "EBUSY"),
                    Map.entry(EEXIST, "EEXIST"),
                    Map.entry(ENODEV, "ENODEV"),
                    Map.entry(EINVAL, "EINVAL"),
                    Map.entry(ENOSPC, "ENOSPC"),
                    Map.entry(EROFS, "EROFS"),
                    Map.entry(EOPNOTSUPP, "EOPNOTSUPP"),
                    Map.entry(EAFNOSUPPORT, "EAFNOSUPPORT"),
                    Map.entry(EADDRNOTAVAIL, "EADDRNOTAVAIL"),
                    Map.entry(ENETUNREACH, "ENETUNREACH"),
                    Map.entry(ENOBUFS, "ENOBUFS"),
                    Map.entry(13, "EACCES"),
                    Map.entry(9, "EBADF"),
                    Map.entry(34, "ERANGE"),
                    Map.entry(93, "EPROTONOSUPPORT"),
                    Map.entry(24, "EMFILE"));

    private Errno() {}

    /** The errno of the last native call on this thread. */
    public static int last() {
        return Native.getLastError();
    }

    /** "EEXIST (File exists)". */
    public static String describe(int errno) {
        String name = NAMES.getOrDefault(errno, "errno " + errno);
        String text = LibC.strerror(errno);
        return text == null ? name : name + " (" + text + ")";
    }
}
