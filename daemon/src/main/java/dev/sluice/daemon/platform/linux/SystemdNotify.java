package dev.sluice.daemon.platform.linux;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * Readiness for systemd's {@code Type=notify}: {@code sd_notify(3)} from libsystemd through JNA,
 * only when systemd asked for it ({@code $NOTIFY_SOCKET} set). Without libsystemd or outside
 * systemd every call does nothing.
 */
public final class SystemdNotify {
    private static final boolean AVAILABLE = load();

    private SystemdNotify() {}

    private static boolean load() {
        if (System.getenv("NOTIFY_SOCKET") == null) {
            return false;
        }
        for (String name : new String[] {"libsystemd.so.0", "systemd"}) {
            try {
                Native.register(SystemdNotify.class, NativeLibrary.getInstance(name));
                return true;
            } catch (UnsatisfiedLinkError absent) {
                // try the next name
            }
        }
        return false;
    }

    private static native int sd_notify(int unsetEnvironment, String state);

    /** The service is up and serving; {@code status} shows in {@code systemctl status}. */
    public static void ready(String status) {
        if (AVAILABLE) {
            sd_notify(0, "READY=1\nSTATUS=" + status.replace('\n', ' '));
        }
    }

    /** Shows {@code status} in {@code systemctl status}. */
    public static void status(String status) {
        if (AVAILABLE) {
            sd_notify(0, "STATUS=" + status.replace('\n', ' '));
        }
    }

    /** The service is stopping (undoing its changes). */
    public static void stopping() {
        if (AVAILABLE) {
            sd_notify(0, "STOPPING=1");
        }
    }
}
