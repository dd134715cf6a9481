package dev.sluice.daemon.platform.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Whether the data plane uses TUN and UDP offloads (super-packets on the tun, UDP GSO and GRO): yes
 * unless {@code SLUICE_OFFLOADS=off} is in the environment (a troubleshooting switch, and how the
 * tests force the per-packet fallback), and only when the kernel takes a coalesced write.
 */
final class Offloads {
    private Offloads() {}

    static boolean wanted() {
        return !"off".equalsIgnoreCase(System.getenv("SLUICE_OFFLOADS"));
    }

    /**
     * Writes a small TCP super-packet (two segments, partial checksum) to {@code tun}: some kernels
     * take the offload flags but refuse GSO writes with EINVAL. The packet's source is 0.0.0.0,
     * which the stack drops as a martian once the tun has taken it: nothing is sent.
     */
    static boolean acceptCoalescedWrite(TunDevice tun) {
        int payload = 200;
        int length = 10 + 20 + 20 + payload;
        ByteBuffer probe = ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN);
        probe.put(0, (byte) 1); // NEEDS_CSUM
        probe.put(1, (byte) 1); // GSO_TCPV4
        probe.putShort(2, (short) 40); // hdr_len
        probe.putShort(4, (short) 100); // gso_size
        probe.putShort(6, (short) 20); // csum_start
        probe.putShort(8, (short) 16); // csum_offset
        ByteBuffer ip = probe.slice(10, length - 10).order(ByteOrder.BIG_ENDIAN);
        ip.put(0, (byte) 0x45);
        ip.putShort(2, (short) (length - 10));
        ip.putShort(6, (short) 0x4000); // DF
        ip.put(8, (byte) 64);
        ip.put(9, (byte) 6); // TCP
        ip.putInt(12, 0); // 0.0.0.0: a martian, dropped by the stack
        ip.putInt(16, 0x7f000001);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ip.getShort(i) & 0xffff;
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        ip.putShort(10, (short) ~((sum & 0xffff) + (sum >>> 16)));
        ip.putShort(20, (short) 9);
        ip.putShort(22, (short) 9);
        ip.put(32, (byte) 0x50); // data offset 5
        ip.put(33, (byte) 0x10); // ACK
        ip.putShort(34, (short) 512);
        return tun.write(TunDevice.address(probe), length) == length;
    }
}
