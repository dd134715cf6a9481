#!/bin/sh
# Inside the replay container: a wireguard-go peer on loopback (its tun "wgpeer" shows what it
# decrypted, captured by tcpdump and then dropped so nothing loops), and Sluice connected to it.
set -e
umask 077
ip link set lo up
wg genkey > /tmp/peer.key
wg pubkey < /tmp/peer.key > /tmp/peer.pub
sluice genkey > /tmp/client.key
sluice pubkey < /tmp/client.key > /tmp/client.pub
WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 wireguard-go wgpeer > /tmp/wireguard-go.log 2>&1
wg set wgpeer private-key /tmp/peer.key listen-port 51820 \
    peer "$(cat /tmp/client.pub)" allowed-ips 10.66.0.2/32,fd66::2/128
ip link set wgpeer up
nft add table inet replay
nft add chain inet replay in '{ type filter hook prerouting priority -300; }'
nft add rule inet replay in iifname wgpeer drop
tcpdump -i wgpeer -U -w /tmp/decrypted.pcap > /tmp/tcpdump.log 2>&1 &
echo $! > /tmp/tcpdump.pid
{
    echo "[Interface]"
    echo "PrivateKey = $(cat /tmp/client.key)"
    echo "Address = 10.66.0.2/32, fd66::2/128"
    echo "[Peer]"
    echo "PublicKey = $(cat /tmp/peer.pub)"
    echo "Endpoint = 127.0.0.1:51820"
    echo "AllowedIPs = 10.0.0.0/8, fd00::/8"
    echo "[Split]"
    cat /replay/split.conf
} > /tmp/client.conf
nohup sluice up --config /tmp/client.conf --state-dir /tmp/state --socket /tmp/sluice.sock > /tmp/sluice.log 2>&1 &
for i in $(seq 150); do
    grep -q " connected: " /tmp/sluice.log && break
    sleep 0.1
done
grep " connected: " /tmp/sluice.log
# The first packet starts the handshake; wait for it so every replayed packet finds a session.
python3 /replay/replay.py --warm-up
# Let the multicast listener reports of the new addresses go out before the replay counts.
sleep 2
