package dev.sluice.daemon.platform.darwin;

import java.util.ArrayList;
import java.util.List;

/**
 * The constants of routing messages ({@code bsd/net/route.h}, xnu-11417): message types, route
 * flags ({@code rtm_flags}) and the address bits ({@code rtm_addrs}), with names for transcripts.
 */
public final class RouteFlags {
    /** {@code RTM_VERSION}: messages of another version are refused ({@code EPROTONOSUPPORT}). */
    public static final int RTM_VERSION = 5;

    public static final int RTM_ADD = 0x1;
    public static final int RTM_DELETE = 0x2;
    public static final int RTM_CHANGE = 0x3;
    public static final int RTM_GET = 0x4;
    public static final int RTM_NEWADDR = 0xc;
    public static final int RTM_DELADDR = 0xd;
    public static final int RTM_IFINFO = 0xe;
    public static final int RTM_GET2 = 0x14;

    public static final int RTF_UP = 0x1;
    public static final int RTF_GATEWAY = 0x2;
    public static final int RTF_HOST = 0x4;
    public static final int RTF_REJECT = 0x8;
    public static final int RTF_DONE = 0x40;
    public static final int RTF_CLONING = 0x100;
    public static final int RTF_LLINFO = 0x400;
    public static final int RTF_STATIC = 0x800;
    public static final int RTF_BLACKHOLE = 0x1000;

    /**
     * {@code RTF_PROTO1}, "protocol specific routing flag": set on every route Sluice adds, so that
     * deletion and recovery touch only Sluice's routes. The kernel keeps a route's flags as given
     * ({@code rt->rt_flags = RTF_UP | flags}, bsd/net/route.c) and no code in xnu reads this bit on
     * routes that are not ARP entries (its only alias is the ARP-era {@code RTF_USETRAILERS});
     * {@code netstat -rn} shows it as {@code 1}.
     */
    public static final int RTF_PROTO1 = 0x8000;

    public static final int RTF_WASCLONED = 0x20000;
    public static final int RTF_PROTO3 = 0x40000;
    public static final int RTF_LOCAL = 0x200000;
    public static final int RTF_BROADCAST = 0x400000;
    public static final int RTF_MULTICAST = 0x800000;
    public static final int RTF_IFSCOPE = 0x1000000;
    public static final int RTF_IFREF = 0x4000000;
    public static final int RTF_ROUTER = 0x10000000;
    public static final int RTF_GLOBAL = 0x40000000;

    public static final int RTA_DST = 0x1;
    public static final int RTA_GATEWAY = 0x2;
    public static final int RTA_NETMASK = 0x4;
    public static final int RTA_GENMASK = 0x8;
    public static final int RTA_IFP = 0x10;
    public static final int RTA_IFA = 0x20;
    public static final int RTA_AUTHOR = 0x40;
    public static final int RTA_BRD = 0x80;

    /** {@code RTAX_*}: the index of each address bit, in the order addresses follow a header. */
    public static final int RTAX_DST = 0;

    public static final int RTAX_GATEWAY = 1;
    public static final int RTAX_NETMASK = 2;
    public static final int RTAX_GENMASK = 3;
    public static final int RTAX_IFP = 4;
    public static final int RTAX_IFA = 5;
    public static final int RTAX_AUTHOR = 6;
    public static final int RTAX_BRD = 7;
    public static final int RTAX_MAX = 8;

    /** {@code IFF_UP}, {@code IFF_RUNNING} ({@code bsd/net/if.h}). */
    public static final int IFF_UP = 0x1;

    public static final int IFF_POINTOPOINT = 0x10;
    public static final int IFF_RUNNING = 0x40;

    private static final String[] FLAG_NAMES = {
        "UP", "GATEWAY", "HOST", "REJECT", "DYNAMIC", "MODIFIED", "DONE", "DELCLONE",
        "CLONING", "XRESOLVE", "LLINFO", "STATIC", "BLACKHOLE", "NOIFREF", "PROTO2", "PROTO1",
        "PRCLONING", "WASCLONED", "PROTO3", "0x80000", "PINNED", "LOCAL", "BROADCAST", "MULTICAST",
        "IFSCOPE", "CONDEMNED", "IFREF", "PROXY", "ROUTER", "DEAD", "GLOBAL", "0x80000000"
    };

    private RouteFlags() {}

    /** {@code RTM_ADD}, … or {@code RTM_0x12} for a type not named here. */
    public static String typeName(int type) {
        return switch (type) {
            case RTM_ADD -> "RTM_ADD";
            case RTM_DELETE -> "RTM_DELETE";
            case RTM_CHANGE -> "RTM_CHANGE";
            case RTM_GET -> "RTM_GET";
            case RTM_NEWADDR -> "RTM_NEWADDR";
            case RTM_DELADDR -> "RTM_DELADDR";
            case RTM_IFINFO -> "RTM_IFINFO";
            case RTM_GET2 -> "RTM_GET2";
            default -> "RTM_0x" + Integer.toHexString(type);
        };
    }

    /** Route flags as netstat's names joined by commas: {@code UP,GATEWAY,STATIC,PROTO1}. */
    public static String routeFlagNames(int flags) {
        List<String> names = new ArrayList<>();
        for (int bit = 0; bit < 32; bit++) {
            if ((flags >>> bit & 1) != 0) {
                names.add(FLAG_NAMES[bit]);
            }
        }
        return String.join(",", names);
    }
}
