package dev.sluice.daemon.platform.linux;

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
 * <p>Offsets are those of the LP64 Linux ABI (x86-64, aarch64): {@code struct passwd} holds {@code
 * pw_gid} at byte 20 of 48, {@code struct group} holds {@code gr_gid} at byte 16 of 32.
 */
public final class GroupMembership {
    private static final int PASSWD_BYTES = 48;
    private static final int PASSWD_GID_OFFSET = 20;
    private static final int GROUP_BYTES = 32;
    private static final int GROUP_GID_OFFSET = 16;
    private static final int FIRST_BUFFER_BYTES = 4096;
    private static final int MAX_BUFFER_BYTES = 1 << 20;

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
        while (LibC.getgrouplist(user, primary, groups, count) < 0) {
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
                            ? LibC.getpwnam_r(name, struct, buffer, bufferBytes, result)
                            : LibC.getgrnam_r(name, struct, buffer, bufferBytes, result);
            if (error == LibC.ERANGE) {
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
}
