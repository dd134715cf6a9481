package dev.sluice.daemon.platform;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Group membership as the system's name service sees it (NSS: {@code /etc/group}, LDAP, sssd,
 * systemd's user records …), through {@code getpwnam_r}, {@code getgrnam_r} and {@code
 * getgrouplist}, the way {@code login} and {@code sudo} decide. Thread-safe (only the reentrant
 * calls are used); each call allocates and may block on the name service, so it is for the control
 * path only.
 *
 * <p>POSIX, so shared by both platforms: the calls and the layouts used are the same in glibc and
 * in macOS's libSystem on LP64 (x86-64, arm64): {@code struct passwd} holds {@code pw_gid} at byte
 * 20 (the struct is 48 bytes on Linux, 72 on macOS), {@code struct group} holds {@code gr_gid} at
 * byte 16 of 32; {@code ERANGE} is 34 on both. Bound by JNA direct mapping on first use.
 */
public final class GroupMembership {
    static {
        Native.register(GroupMembership.class, NativeLibrary.getInstance("c"));
    }

    private static final int PASSWD_BYTES = 72;
    private static final int PASSWD_GID_OFFSET = 20;
    private static final int GROUP_BYTES = 32;
    private static final int GROUP_GID_OFFSET = 16;
    private static final int FIRST_BUFFER_BYTES = 4096;
    private static final int MAX_BUFFER_BYTES = 1 << 20;
    private static final int ERANGE = 34;

    private GroupMembership() {}

    /**
     * True when {@code user}'s primary group or one of its supplementary groups is {@code group};
     * false when either name is unknown to the name service.
     */
    public static boolean isMember(String user, String group) {
        OptionalInt wanted = groupId(group);
        OptionalInt primary = primaryGroupId(user);
        if (wanted.isEmpty() || primary.isEmpty()) {
            return false;
        }
        if (primary.getAsInt() == wanted.getAsInt()) {
            return true;
        }
        return Arrays.stream(groupIds(user, primary.getAsInt()))
                .anyMatch(id -> id == wanted.getAsInt());
    }

    /** The numeric id of {@code group}, or empty when the name service does not know it. */
    public static OptionalInt groupId(String group) {
        return lookUp(group, GROUP_BYTES, GROUP_GID_OFFSET, false);
    }

    /** The primary group id of {@code user}, or empty when the name service does not know it. */
    public static OptionalInt primaryGroupId(String user) {
        return lookUp(user, PASSWD_BYTES, PASSWD_GID_OFFSET, true);
    }

    /** Every group id of {@code user} ({@code getgrouplist}), {@code primary} included. */
    static int[] groupIds(String user, int primary) {
        int[] groups = new int[64];
        int[] count = {groups.length};
        while (getgrouplist(user, primary, groups, count) < 0) {
            if (count[0] <= groups.length) {
                // glibc reports the count it needs; a name service that does not is asked again
                // with twice the room, up to a bound.
                count[0] = groups.length * 2;
            }
            if (count[0] > 65_536) {
                throw new IllegalStateException(
                        "getgrouplist(" + user + ") keeps asking for more room");
            }
            groups = new int[count[0]];
            count[0] = groups.length;
        }
        return Arrays.copyOf(groups, count[0]);
    }

    private static OptionalInt lookUp(String name, int structBytes, int gidOffset, boolean user) {
        byte[] struct = new byte[structBytes];
        long[] result = new long[1];
        for (int bufferBytes = FIRST_BUFFER_BYTES;
                bufferBytes <= MAX_BUFFER_BYTES;
                bufferBytes *= 2) {
            byte[] buffer = new byte[bufferBytes];
            int error =
                    user
                            ? getpwnam_r(name, struct, buffer, bufferBytes, result)
                            : getgrnam_r(name, struct, buffer, bufferBytes, result);
            if (error == ERANGE) {
                continue;
            }
            if (error != 0 || result[0] == 0) {
                return OptionalInt.empty();
            }
            return OptionalInt.of(
                    ByteBuffer.wrap(struct).order(ByteOrder.nativeOrder()).getInt(gidOffset));
        }
        return OptionalInt.empty();
    }

    /**
     * getpwnam_r(3): {@code passwd} receives the {@code struct passwd} (its string pointers point
     * into {@code buffer}'s native copy and are not to be followed); {@code result[0]} is non-zero
     * when the user exists.
     */
    private static native int getpwnam_r(
            String name, byte[] passwd, byte[] buffer, long bufferLength, long[] result);

    /** getgrnam_r(3), as {@link #getpwnam_r} for {@code struct group}. */
    private static native int getgrnam_r(
            String name, byte[] group, byte[] buffer, long bufferLength, long[] result);

    /**
     * getgrouplist(3): the groups of {@code user} from NSS, {@code group} included; -1 with {@code
     * count[0]} set to the number needed when {@code groups} is too small.
     */
    private static native int getgrouplist(String user, int group, int[] groups, int[] count);
}
