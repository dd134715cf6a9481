#!/usr/bin/env python3
"""Captures GSO super-packets the Linux kernel hands to a TUN with offloads on, and the kernel's own
segmentation of each of them, as fixtures for the offload tests.

Run as root from the repository root:
    python3 packet/src/test/resources/pcap/capture-kernel-gso.py

Step 1, namespace `sluice-gso-capture`: a TUN opened with IFF_VNET_HDR and TUNSETOFFLOAD
(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN | TUN_F_USO4 | TUN_F_USO6), 10.77.0.1/24 and
fd77::1/64. Local TCP sockets stream data to 10.77.0.9 / fd77::9, a peer this script plays itself
(SYN-ACK, then an ACK for everything read), so the kernel's congestion window opens and its
segments grow into TSO super-packets up to 64 KB; UDP sockets send with UDP_SEGMENT (USO). Every
read starts with the 10-byte struct virtio_net_hdr (little-endian, include/uapi/linux/virtio_net.h).

Step 2, namespace `sluice-gso-segment`: each super-packet (but those with IPv6 extension headers,
which forwarding refuses; see in_segment_namespace), virtio header included, is written into
a second offload TUN and forwarded (ip_forward) out of a plain TUN (no IFF_VNET_HDR, MTU 1500), so
the kernel segments it in software; the segments read there are the reference (TTL / Hop Limit one
lower, as forwarding does).

Files written beside this script:
  kernel-gso.pcap            LINKTYPE_RAW, the IP packets as read in step 1
  kernel-gso.txt             per record: index, length, the virtio header as 20 hex digits, label
  kernel-gso-segments.pcap   LINKTYPE_RAW, the kernel's segments of every GSO record
  kernel-gso-segments.txt    per record: index, length, index of the super-packet it came from
Both namespaces are removed on exit. Nothing leaves them.
"""
import fcntl
import os
import select
import socket
import struct
import subprocess
import sys
import threading
import time

NS_CAPTURE = "sluice-gso-capture"
NS_SEGMENT = "sluice-gso-segment"
HERE = os.path.dirname(os.path.abspath(__file__))

TUNSETIFF = 0x400454CA
TUNSETOFFLOAD = 0x400454D0
IFF_TUN, IFF_NO_PI, IFF_VNET_HDR = 0x0001, 0x1000, 0x4000
TUN_F_CSUM, TUN_F_TSO4, TUN_F_TSO6, TUN_F_TSO_ECN = 0x01, 0x02, 0x04, 0x08
TUN_F_USO4, TUN_F_USO6 = 0x20, 0x40
OFFLOADS = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN | TUN_F_USO4 | TUN_F_USO6
VNET_LEN = 10
GSO_NONE = 0
SOL_UDP, UDP_SEGMENT = 17, 103
IP_OPTIONS, IPV6_DSTOPTS = 4, 59

PEER4, PEER6 = "10.77.0.9", "fd77::9"
FIN, SYN, RST, PSH, ACK, ECE, CWR = 0x01, 0x02, 0x04, 0x08, 0x10, 0x40, 0x80


def sh(cmd):
    subprocess.run(cmd.split(), check=True)


def open_tun(name, vnet):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    flags = IFF_TUN | IFF_NO_PI | (IFF_VNET_HDR if vnet else 0)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), flags))
    if vnet:
        fcntl.ioctl(fd, TUNSETOFFLOAD, OFFLOADS)
    return fd


def drain(fd, seconds):
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            os.read(fd, 70000)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


class Packet:
    """The fields of an IPv4/IPv6 TCP or UDP packet this script needs (IPv6 chains walked)."""

    def __init__(self, pkt):
        self.raw = pkt
        self.v6 = pkt[0] >> 4 == 6
        if self.v6:
            self.src, self.dst = pkt[8:24], pkt[24:40]
            nh, at = pkt[6], 40
            while nh in (0, 43, 60):
                nh, at = pkt[at], at + (pkt[at + 1] + 1) * 8
            self.proto, self.l4 = nh, at
        else:
            self.src, self.dst = pkt[12:16], pkt[16:20]
            self.proto, self.l4 = pkt[9], (pkt[0] & 15) * 4
        if self.proto == 6:
            t = pkt[self.l4:]
            self.sport, self.dport, self.seq, self.ack = struct.unpack("!HHII", t[:12])
            self.thlen = (t[12] >> 4) * 4
            self.flags = t[13]
            self.options = t[20:self.thlen]
            self.payload_len = len(pkt) - self.l4 - self.thlen


def tcp_packet(v6, src, dst, sport, dport, seq, ack, flags, options=b"", window=65535):
    options += b"\0" * (-len(options) % 4)
    thlen = 20 + len(options)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (thlen // 4) << 4, flags, window, 0, 0)
    tcp += options
    if v6:
        pseudo = src + dst + struct.pack("!I3xB", len(tcp), 6)
    else:
        pseudo = src + dst + struct.pack("!xBH", 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    if v6:
        return struct.pack("!IHBB", 6 << 28, len(tcp), 6, 64) + src + dst + tcp
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + tcp


def timestamp_option(options):
    """The TSval of a TCP options block, or None."""
    at = 0
    while at < len(options):
        kind = options[at]
        if kind == 0:
            break
        if kind == 1:
            at += 1
            continue
        length = options[at + 1]
        if kind == 8 and length == 10:
            return struct.unpack("!I", options[at + 2:at + 6])[0]
        at += max(length, 2)
    return None


def in_capture_namespace():
    fd = open_tun("gso0", vnet=True)
    for cmd in (
        "ip link set lo up",
        "ip link set gso0 mtu 1500 up",
        "ip addr add 10.77.0.1/24 dev gso0",
        "ip -6 addr add fd77::1/64 dev gso0 nodad",
        "sysctl -qw net.ipv4.tcp_ecn=1",
    ):
        sh(cmd)
    time.sleep(0.3)
    drain(fd, 0.2)
    records = []  # (label, vnet header bytes, packet bytes)

    def read_one(timeout):
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return None, None
        data = os.read(fd, 70000)
        return data[:VNET_LEN], data[VNET_LEN:]

    def write(pkt):
        os.write(fd, bytes(VNET_LEN) + pkt)

    def tcp_stream(label, family, peer, total, setup=None, ecn_echo_after=None, keep=None):
        """Streams `total` bytes to the emulated peer; keeps the super-packets `keep` chooses."""
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        if setup:
            setup(sock)
        sock.setblocking(False)
        try:
            sock.connect((peer, 5001))
        except BlockingIOError:
            pass
        v6 = family == socket.AF_INET6
        deadline = time.time() + 5
        while True:
            vnet, pkt = read_one(0.5)
            if pkt is None or time.time() > deadline:
                sys.exit(f"capture failed: {label}: no SYN")
            p = Packet(pkt)
            if p.proto == 6 and p.flags & SYN:
                break
        records.append((f"{label} syn", vnet, pkt))
        syn_ts = timestamp_option(p.options)
        ecn = p.flags & (ECE | CWR) == (ECE | CWR)
        opts = struct.pack("!BBH", 2, 4, 1460) + b"\x01\x03\x03\x07"  # MSS 1460, NOP, WS 7
        if syn_ts is not None:
            opts += b"\x01\x01\x08\x0a" + struct.pack("!II", 1, syn_ts)
        isn = 1000
        write(tcp_packet(v6, p.dst, p.src, p.dport, p.sport, isn, p.seq + 1,
                         SYN | ACK | (ECE if ecn else 0), opts))
        sock.setblocking(True)
        data = bytes((i * 7 + 3) & 0xFF for i in range(total))

        def send():
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)

        sender = threading.Thread(target=send)
        sender.start()
        received, done, kept = 0, False, []
        deadline = time.time() + 10
        while not done and time.time() < deadline:
            vnet, pkt = read_one(0.5)
            if pkt is None:
                continue
            p = Packet(pkt)
            if p.proto != 6:
                continue
            received += p.payload_len
            fin = bool(p.flags & FIN)
            if vnet[1] != GSO_NONE and keep(p, vnet, received >= total):
                kept.append((vnet, pkt))
            ts = timestamp_option(p.options)
            ack_opts = b"" if ts is None else b"\x01\x01\x08\x0a" + struct.pack("!II", 2, ts)
            echo = ECE if ecn_echo_after is not None and received >= ecn_echo_after else 0
            if echo and any(v[1] & 0x80 for v, _ in kept):
                ecn_echo_after = None  # the sender answered with CWR; stop echoing
            write(tcp_packet(v6, p.dst, p.src, p.dport, p.sport, isn + 1,
                             p.seq + p.payload_len + (1 if fin else 0), ACK | echo, ack_opts,
                             window=65535))
            done = fin
        sender.join(2)
        sock.close()
        if not done:
            sys.exit(f"capture failed: {label}: {received} of {total} bytes, no FIN")
        if not kept:
            sys.exit(f"capture failed: {label}: no super-packet chosen")
        for i, (vnet, pkt) in enumerate(kept):
            p = Packet(pkt)
            gso_size = struct.unpack("<H", vnet[4:6])[0]
            segments = -(-p.payload_len // gso_size)
            names = [n for bit, n in ((CWR, "cwr"), (ECE, "ece"), (PSH, "psh"), (FIN, "fin"))
                     if p.flags & bit]
            records.append((f"{label} tso {segments} segments {'+'.join(names) or 'ack'}",
                            vnet, pkt))
        drain(fd, 0.3)

    def first_largest_and_last():
        chosen = {"first": False, "largest": 0}

        def keep(p, vnet, last):
            take = False
            if not chosen["first"]:
                chosen["first"] = take = True
            if p.payload_len >= 60000 and not chosen["largest"]:
                chosen["largest"] = take = True
            return take or (last and p.flags & FIN != 0)
        return keep

    def first_with_ecn():
        chosen = {"taken": False}

        def keep(p, vnet, last):
            take = vnet[1] & 0x80 != 0 and not chosen["taken"]
            chosen["taken"] |= take
            return take
        return keep

    def with_ip_options(sock):
        sock.setsockopt(socket.IPPROTO_IP, IP_OPTIONS, b"\x01\x01\x01\x00")  # NOP NOP NOP EOL

    def with_destination_options(sock):
        # An 8-byte Destination Options header holding one PadN option.
        sock.setsockopt(socket.IPPROTO_IPV6, IPV6_DSTOPTS, struct.pack("BBBB4x", 0, 0, 1, 4))

    def uso(label, family, peer, segment, total):
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.setsockopt(SOL_UDP, UDP_SEGMENT, segment)
        sock.sendto(bytes((i * 13 + 5) & 0xFF for i in range(total)), (peer, 5353))
        sock.close()
        deadline = time.time() + 2
        while time.time() < deadline:
            vnet, pkt = read_one(0.2)
            if pkt is None:
                continue
            p = Packet(pkt)
            if p.proto == 17 and vnet[1] != GSO_NONE:
                records.append((f"{label} uso {-(-total // segment)} segments", vnet, pkt))
                return
        sys.exit(f"capture failed: {label}: no USO super-packet")

    def small_udp(label, family, peer):
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.sendto(bytes(range(100)), (peer, 53))
        sock.close()
        vnet, pkt = read_one(2)
        if pkt is None:
            sys.exit(f"capture failed: {label}")
        records.append((label, vnet, pkt))

    small_udp("ipv4 udp 100 bytes", socket.AF_INET, PEER4)
    small_udp("ipv6 udp 100 bytes", socket.AF_INET6, PEER6)
    tcp_stream("ipv4", socket.AF_INET, PEER4, 400_000, keep=first_largest_and_last())
    tcp_stream("ipv6", socket.AF_INET6, PEER6, 400_000, keep=first_largest_and_last())
    tcp_stream("ipv4 options", socket.AF_INET, PEER4, 200_000, setup=with_ip_options,
               keep=first_largest_and_last())
    tcp_stream("ipv6 destination options", socket.AF_INET6, PEER6, 200_000,
               setup=with_destination_options, keep=first_largest_and_last())
    tcp_stream("ipv4 ecn", socket.AF_INET, PEER4, 300_000, ecn_echo_after=60_000,
               keep=first_with_ecn())
    uso("ipv4", socket.AF_INET, PEER4, 1200, 12_345)
    uso("ipv6", socket.AF_INET6, PEER6, 1180, 9_000)

    with open(os.path.join(HERE, "kernel-gso.pcap"), "wb") as out:
        write_pcap(out, [pkt for _, _, pkt in records])
    with open(os.path.join(HERE, "kernel-gso.txt"), "w") as out:
        out.write("# record index, length, virtio_net_hdr (10 bytes, hex), what the kernel sent"
                  " (generated by capture-kernel-gso.py)\n")
        for i, (label, vnet, pkt) in enumerate(records):
            out.write(f"{i} {len(pkt)} {vnet.hex()} {label}\n")
    print(f"wrote {len(records)} packets")


def in_segment_namespace():
    """Feeds every GSO record through forwarding; the plain TUN receives the kernel's segments."""
    with open(os.path.join(HERE, "kernel-gso.pcap"), "rb") as f:
        packets = read_pcap(f)
    with open(os.path.join(HERE, "kernel-gso.txt")) as f:
        vnets = [bytes.fromhex(line.split()[2]) for line in f if not line.startswith("#")]
    inner = open_tun("in0", vnet=True)
    outer = open_tun("out0", vnet=False)
    for cmd in (
        "ip link set lo up",
        "ip link set in0 mtu 1500 up",
        "ip link set out0 mtu 1500 up",
        "ip addr add 10.78.0.1/24 dev in0",
        "ip -6 addr add fd78::1/64 dev in0 nodad",
        "ip route add 10.77.0.0/24 dev in0",
        "ip route add 10.77.0.9/32 dev out0",
        "ip -6 route add fd77::/64 dev in0",
        "ip -6 route add fd77::9/128 dev out0",
        "sysctl -qw net.ipv4.ip_forward=1",
        "sysctl -qw net.ipv6.conf.all.forwarding=1",
        "sysctl -qw net.ipv4.conf.all.rp_filter=0",
        "sysctl -qw net.ipv4.conf.in0.rp_filter=0",
    ):
        sh(cmd)
    time.sleep(0.3)
    drain(outer, 0.2)
    segments = []  # (source record index, packet)
    for index, (vnet, pkt) in enumerate(zip(vnets, packets)):
        if vnet[1] == GSO_NONE:
            continue
        p = Packet(pkt)
        if p.v6 and p.l4 != 40:
            # Forwarding cannot cut these: ip6_rcv_core points the transport header right after
            # the fixed header, so the GSO size check reads the extension header as TCP and
            # answers Packet Too Big. Their tests check validity and payload instead.
            continue
        gso_size = struct.unpack("<H", vnet[4:6])[0]
        payload = p.payload_len if p.proto == 6 else len(pkt) - p.l4 - 8
        expected = -(-payload // gso_size)
        os.write(inner, vnet + pkt)
        got = 0
        deadline = time.time() + 2
        while got < expected and time.time() < deadline:
            r, _, _ = select.select([outer], [], [], 0.2)
            if not r:
                continue
            segment = os.read(outer, 70000)
            if Packet(segment).dst != p.dst:
                continue
            segments.append((index, segment))
            got += 1
        if got != expected:
            sys.exit(f"segmentation failed: record {index}: {got} of {expected} segments")
    with open(os.path.join(HERE, "kernel-gso-segments.pcap"), "wb") as out:
        write_pcap(out, [pkt for _, pkt in segments])
    with open(os.path.join(HERE, "kernel-gso-segments.txt"), "w") as out:
        out.write("# segment index, length, kernel-gso.pcap record it was cut from"
                  " (generated by capture-kernel-gso.py)\n")
        for i, (source, pkt) in enumerate(segments):
            out.write(f"{i} {len(pkt)} {source}\n")
    print(f"wrote {len(segments)} segments")


def write_pcap(out, packets):
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 101))
    for i, pkt in enumerate(packets):
        out.write(struct.pack("<IIII", 1_700_000_000 + i, 0, len(pkt), len(pkt)))
        out.write(pkt)


def read_pcap(f):
    f.read(24)
    packets = []
    while True:
        header = f.read(16)
        if len(header) < 16:
            return packets
        _, _, included, _ = struct.unpack("<IIII", header)
        packets.append(f.read(included))


def run_in(namespace, step):
    subprocess.run(["ip", "netns", "add", namespace], check=True)
    try:
        subprocess.run(["ip", "netns", "exec", namespace, sys.executable,
                        os.path.abspath(__file__), step], check=True)
    finally:
        subprocess.run(["ip", "netns", "del", namespace])


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--capture":
        in_capture_namespace()
    elif len(sys.argv) > 1 and sys.argv[1] == "--segment":
        in_segment_namespace()
    else:
        if os.geteuid() != 0:
            sys.exit("run as root: it creates the network namespaces " + NS_CAPTURE + " and "
                     + NS_SEGMENT)
        run_in(NS_CAPTURE, "--capture")
        run_in(NS_SEGMENT, "--segment")
