#!/usr/bin/env python3
"""Sends UDP datagrams with a forged source address through the kernel's routing (raw socket with
the IP header included), as a hostile VPN server would push them into the tunnel.

usage: spoof.py SOURCE DESTINATION PORT COUNT   (IPv4 or IPv6 addresses)
"""
import socket
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def main():
    source, destination, port, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    payload = b"forged by the peer"
    if ":" in destination:
        src = socket.inet_pton(socket.AF_INET6, source)
        dst = socket.inet_pton(socket.AF_INET6, destination)
        length = 8 + len(payload)
        pseudo = src + dst + struct.pack("!I3xB", length, 17)
        udp = struct.pack("!HHHH", 40000, port, length, 0) + payload
        udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp) or 0xFFFF) + udp[8:]
        packet = struct.pack("!IHBB", 6 << 28, length, 17, 64) + src + dst + udp
        sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
        target = (destination, 0, 0, 0)
    else:
        udp = struct.pack("!HHHH", 40000, port, 8 + len(payload), 0) + payload
        header = struct.pack(
            "!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
            socket.inet_aton(source), socket.inet_aton(destination))
        header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
        packet = header + udp
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        target = (destination, 0)
    for _ in range(count):
        sock.sendto(packet, target)


if __name__ == "__main__":
    main()
