#!/usr/bin/env python3
"""Injects pcap records into Sluice's tun one at a time and reports, per packet, which of
Sluice's counters moved: tunnel, bypass, drop or malformed.

The records go through an AF_PACKET socket bound to the tun: the kernel hands them to the tun's
reader (Sluice) as they are, without routing or checking them, as if the host had sent them."""
import json
import socket
import struct
import sys
import time

CONTROL = "/tmp/sluice.sock"
TUN = "sluice0"


def status():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(CONTROL)
    s.sendall(b'{"version":1,"command":"status"}\n')
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return json.loads(data)["result"]


def totals():
    result = status()
    counters, drops = result["counters"], result["drops"]
    malformed = sum(v for k, v in drops.items() if k.startswith("decode_"))
    return {
        "tunnel": counters["out_tunnel_packets"],
        "bypass": counters["out_bypass_packets"],
        "drop": counters["out_drop_packets"],
        "malformed": malformed,
    }


def records(path):
    with open(path, "rb") as f:
        header = f.read(24)
        magic = struct.unpack("<I", header[:4])[0]
        endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            _, _, incl, _ = struct.unpack(endian + "IIII", rec)
            yield f.read(incl)


def inject(sock, packet):
    version = packet[0] >> 4 if packet else 0
    protocol = 0x86DD if version == 6 else 0x0800
    sock.sendto(packet, (TUN, protocol))


def settle(before, timeout=2.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        now = totals()
        moved = [k for k in now if now[k] != before[k]]
        if moved:
            time.sleep(0.05)
            return totals(), moved
        time.sleep(0.02)
    return totals(), []


def main():
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM)
    if "--warm-up" in sys.argv:
        # A UDP datagram to a tunnelled address: Sluice stages it and handshakes.
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(b"warm-up", ("10.60.255.254", 9))
        for _ in range(100):
            if status()["peers"][0]["latestHandshakeAgeSeconds"] is not None:
                print("handshake done")
                return
            time.sleep(0.1)
        sys.exit("no handshake with the peer")
    before = totals()
    for index, packet in enumerate(records(sys.argv[1])):
        inject(sock, packet)
        after, moved = settle(before)
        print(index, ",".join(moved) if moved else "none", flush=True)
        before = after
    print("totals", json.dumps(before))


main()
