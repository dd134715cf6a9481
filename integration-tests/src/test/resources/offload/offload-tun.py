#!/usr/bin/env python3
"""A tun with offloads on, driven line by line over stdin/stdout by a test (run inside a throwaway
network namespace, as root).

Setup: in0 is opened with IFF_VNET_HDR and TUNSETOFFLOAD (TUN_F_CSUM | TSO4 | TSO6 | TSO_ECN |
USO4 | USO6), 10.79.0.1/24 and fd79::1/64: every write to it starts with a struct virtio_net_hdr.
out0 is a plain tun (no virtio header, no offloads, MTU 1500) routed to 10.79.1.0/24 and
fd79:1::/64, with forwarding on, so a super-packet written to in0 for those addresses comes out of
out0 cut by the kernel. A TCP listener (port 5001) and a UDP socket (port 5353) on 10.79.0.1 and
fd79::1 receive what is written to in0 for this host. Prints "ready" when set up.

Commands (one per line; hex is lowercase, no separators):
  write HEX                  writes virtio header + packet to in0: "ok N" or "error ERRNO TEXT"
  read-syn-ack MS            the next SYN-ACK the kernel sends out in0: "packet HEX" (virtio
                             header included) or "timeout"
  read-out COUNT MS          up to COUNT packets from out0 for 10.79.1.0/24 or fd79:1::/64:
                             "packet HEX" each, then "done N"
  recv-tcp 4|6 BYTES MS      accepts one connection on the listener of that family and reads up to
                             BYTES: "data HEX" (what arrived before the time ran out)
  recv-udp 4|6 COUNT MS      up to COUNT datagrams from the UDP socket: "datagram HEX" each, then
                             "done N"
  quit
"""
import fcntl
import os
import select
import socket
import struct
import subprocess
import sys
import time

TUNSETIFF = 0x400454CA
TUNSETOFFLOAD = 0x400454D0
IFF_TUN, IFF_NO_PI, IFF_VNET_HDR = 0x0001, 0x1000, 0x4000
OFFLOADS = 0x01 | 0x02 | 0x04 | 0x08 | 0x20 | 0x40
VNET_LEN = 10


def open_tun(name, vnet):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    flags = IFF_TUN | IFF_NO_PI | (IFF_VNET_HDR if vnet else 0)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), flags))
    if vnet:
        fcntl.ioctl(fd, TUNSETOFFLOAD, OFFLOADS)
    return fd


def sh(cmd):
    subprocess.run(cmd.split(), check=True, stdout=subprocess.DEVNULL)


def reply(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def readable(fd, deadline):
    left = deadline - time.time()
    if left <= 0:
        return False
    r, _, _ = select.select([fd], [], [], left)
    return bool(r)


def to_out_prefix(pkt):
    if pkt[0] >> 4 == 4:
        return pkt[16:19] == bytes([10, 79, 1])
    return pkt[24:32] == socket.inet_pton(socket.AF_INET6, "fd79:1::")[:8]


def is_syn_ack(pkt):
    if pkt[0] >> 4 == 4:
        protocol, tcp = pkt[9], (pkt[0] & 15) * 4
    else:
        protocol, tcp = pkt[6], 40
    return protocol == 6 and len(pkt) >= tcp + 20 and pkt[tcp + 13] & 0x12 == 0x12


def main():
    inner = open_tun("in0", vnet=True)
    outer = open_tun("out0", vnet=False)
    for cmd in (
        "ip link set lo up",
        "ip link set in0 mtu 1500 up",
        "ip link set out0 mtu 1500 up",
        "ip addr add 10.79.0.1/24 dev in0",
        "ip -6 addr add fd79::1/64 dev in0 nodad",
        "ip route add 10.79.1.0/24 dev out0",
        "ip -6 route add fd79:1::/64 dev out0",
        "ip route add 10.79.2.0/24 dev in0",
        "ip -6 route add fd79:2::/64 dev in0",
        "sysctl -qw net.ipv4.ip_forward=1",
        "sysctl -qw net.ipv6.conf.all.forwarding=1",
        "sysctl -qw net.ipv4.conf.all.rp_filter=0",
        "sysctl -qw net.ipv4.conf.in0.rp_filter=0",
    ):
        sh(cmd)
    listeners, udp = {}, {}
    for family, address in ((4, "10.79.0.1"), (6, "fd79::1")):
        af = socket.AF_INET if family == 4 else socket.AF_INET6
        listener = socket.socket(af, socket.SOCK_STREAM)
        if family == 6:
            listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        listener.bind((address, 5001))
        listener.listen(4)
        listeners[family] = listener
        datagrams = socket.socket(af, socket.SOCK_DGRAM)
        datagrams.bind((address, 5353))
        udp[family] = datagrams
    reply("ready")
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        command = words[0]
        if command == "quit":
            break
        if command == "write":
            try:
                reply(f"ok {os.write(inner, bytes.fromhex(words[1]))}")
            except OSError as e:
                reply(f"error {e.errno} {e.strerror}")
        elif command == "read-syn-ack":
            deadline = time.time() + int(words[1]) / 1000
            answered = False
            while readable(inner, deadline):
                data = os.read(inner, 70000)
                if is_syn_ack(data[VNET_LEN:]):
                    reply("packet " + data.hex())
                    answered = True
                    break
            if not answered:
                reply("timeout")
        elif command == "read-out":
            count, deadline = int(words[1]), time.time() + int(words[2]) / 1000
            got = 0
            while got < count and readable(outer, deadline):
                data = os.read(outer, 70000)
                if to_out_prefix(data):
                    reply("packet " + data.hex())
                    got += 1
            reply(f"done {got}")
        elif command == "recv-tcp":
            family, wanted = int(words[1]), int(words[2])
            deadline = time.time() + int(words[3]) / 1000
            received = b""
            if readable(listeners[family], deadline):
                connection, _ = listeners[family].accept()
                while len(received) < wanted and readable(connection, deadline):
                    chunk = connection.recv(wanted - len(received))
                    if not chunk:
                        break
                    received += chunk
                connection.close()
            reply("data " + received.hex())
        elif command == "recv-udp":
            family, count = int(words[1]), int(words[2])
            deadline = time.time() + int(words[3]) / 1000
            got = 0
            while got < count and readable(udp[family], deadline):
                reply("datagram " + udp[family].recv(70000).hex())
                got += 1
            reply(f"done {got}")
        else:
            reply("error 0 unknown command " + command)


if __name__ == "__main__":
    main()
