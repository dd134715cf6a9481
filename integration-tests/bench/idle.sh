#!/usr/bin/env bash
# Idle cost of Sluice against wireguard-go, side by side in one run, in the lab topology.
#
#   sudo integration-tests/bench/idle.sh [measure-seconds] [warmup-seconds]
#
# Each client in turn is connected to the same wireguard-go server with PersistentKeepalive = 25
# and left without traffic: after the warm-up, the script reads over the window the process's CPU
# time (utime+stime of /proc/<pid>/stat), its wake-ups (the sum of voluntary_ctxt_switches over
# /proc/<pid>/task/*/status) and its RSS, and for Sluice the CPU time and wake-ups per thread.
# Then, after 60 s more without traffic, one ping to the corp host: the time from the echo request
# entering the tun to its WireGuard datagram leaving on the underlay (tcpdump -i any, one clock) is
# the first-packet latency after idle. Needs root, the built distribution (./mvnw -DskipTests
# package), wireguard-go, wireguard-tools, tcpdump, iproute2, python3. Namespaces slidle-*, removed
# at exit.
set -euo pipefail

window=${1:-30}
warmup=${2:-15}
root=$(cd "$(dirname "$0")/../.." && pwd)
sluice=${SLUICE:-$root/packaging/target/sluice/bin/sluice}
prefix=slidle
client=$prefix-client
server=$prefix-server
corp=10.60.32.10
work=$(mktemp -d /tmp/sluice-idle-XXXXXX)
hz=$(getconf CLK_TCK)

cleanup() {
    [ -n "${sluice_pid:-}" ] && kill -TERM "$sluice_pid" 2>/dev/null || true
    "$sluice" lab --clean --prefix $prefix >/dev/null 2>&1 || true
    rm -f /var/run/wireguard/slic0.sock
}
trap cleanup EXIT

log() { echo "==> $*" >&2; }

cpu_ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }
wakeups() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches/ {s += $2} END {print s}'; }
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' /proc/"$1"/status; }
# Per-thread CPU ticks and wake-ups of $1 as JSON {tid: [name, ticks, switches]}.
threads() {
    python3 - "$1" <<'PY'
import json, os, sys
pid = sys.argv[1]
out = {}
for tid in os.listdir(f"/proc/{pid}/task"):
    try:
        name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
        stat = open(f"/proc/{pid}/task/{tid}/stat").read()
        fields = stat[stat.rindex(")") + 2:].split()
        ticks = int(fields[11]) + int(fields[12])
        switches = next(int(l.split()[1]) for l in open(f"/proc/{pid}/task/{tid}/status")
                        if l.startswith("voluntary_ctxt_switches"))
        out[tid] = [name, ticks, switches]
    except (OSError, StopIteration):
        pass
print(json.dumps(out))
PY
}

# Prints "cpu% wakeups/s" for $1 over $window seconds; per-thread lines to $2 when given.
measure() {
    local pid=$1 per_thread=${2:-}
    local t0 w0
    t0=$(cpu_ticks "$pid"); w0=$(wakeups "$pid")
    [ -n "$per_thread" ] && threads "$pid" > "$work/threads-before"
    sleep "$window"
    local t1 w1
    t1=$(cpu_ticks "$pid"); w1=$(wakeups "$pid")
    if [ -n "$per_thread" ]; then
        threads "$pid" > "$work/threads-after"
        python3 - "$work/threads-before" "$work/threads-after" "$hz" "$window" > "$per_thread" <<'PY'
import json, sys
before, after = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
hz, window = float(sys.argv[3]), float(sys.argv[4])
rows = []
for tid, (name, ticks, switches) in after.items():
    b = before.get(tid, [name, 0, 0])
    dt, ds = (ticks - b[1]) / hz, (switches - b[2]) / window
    if dt > 0 or ds > 0:
        rows.append((dt, ds, name))
for dt, ds, name in sorted(rows, reverse=True):
    print("  %-24s %6.2f s CPU %7.1f wake-ups/s" % (name, dt, ds))
PY
    fi
    python3 -c "print('%.2f %.1f' % (100.0 * ($t1 - $t0) / $hz / $window, ($w1 - $w0) / $window))"
}

log "lab with wireguard-go as server"
"$sluice" lab --keep --prefix $prefix --seconds 1 > "$work/lab.txt"
labdir=$(sed -n 's/^Logs and configurations: //p' "$work/lab.txt")
for pid in $(ip netns pids $client); do
    if tr '\0' ' ' < /proc/$pid/cmdline | grep -q 'dev.sluice.daemon.cli.Main up'; then
        kill -TERM "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
done

log "Sluice client, PersistentKeepalive = 25"
umask 077
sed 's/^AllowedIPs = /PersistentKeepalive = 25\nAllowedIPs = /' "$labdir/client.conf" > "$work/client.conf"
ip netns exec $client "$sluice" up --config "$work/client.conf" --state-dir "$work/state" \
    --socket "$work/sluice.sock" > "$work/sluice.log" 2>&1 &
sluice_pid=$!
for _ in $(seq 300); do grep -q ' connected: ' "$work/sluice.log" && break; sleep 0.1; done
ip netns exec $client ping -c 1 -W 5 $corp > /dev/null
# The JVM's pid is the launcher's (it execs java).
sleep "$warmup"
read -r s_cpu s_wake < <(measure "$sluice_pid" "$work/sluice-threads.txt")
s_rss=$(rss_mb "$sluice_pid")

log "Sluice: 60 s more without traffic, then one ping"
sleep 60
ip netns exec $client tcpdump -i any -n -tt -U -w "$work/first.pcap" "icmp or udp port 51820" > /dev/null 2>&1 &
dump=$!
sleep 1
ip netns exec $client ping -c 1 -W 5 $corp > /dev/null
sleep 0.5
kill -INT $dump; wait $dump 2>/dev/null || true
first_ms=$(tcpdump -r "$work/first.pcap" -n -tt 2>/dev/null | python3 -c '
import sys
echo = None
for line in sys.stdin:
    t = float(line.split()[0])
    if echo is None and "ICMP echo request" in line:
        echo = t
    elif echo is not None and "UDP" in line and t >= echo:
        print("%.3f" % ((t - echo) * 1000)); break
')
kill -TERM "$sluice_pid"; while kill -0 "$sluice_pid" 2>/dev/null; do sleep 0.1; done
sluice_pid=

log "wireguard-go client, PersistentKeepalive = 25"
server_dev=$(ip netns exec $server wg show interfaces | awk '{print $1}')
server_pub=$(ip netns exec $server wg show "$server_dev" public-key)
old_peer=$(ip netns exec $server wg show "$server_dev" peers | head -1)
wg genkey > "$work/wg.key"
wg_pub=$(wg pubkey < "$work/wg.key")
ip netns exec $server wg set "$server_dev" peer "$old_peer" remove
ip netns exec $server wg set "$server_dev" peer "$wg_pub" allowed-ips 10.66.0.2/32
WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 ip netns exec $client wireguard-go slic0 >/dev/null 2>&1
ip netns exec $client wg set slic0 private-key "$work/wg.key" \
    peer "$server_pub" endpoint 198.18.1.2:51820 allowed-ips 10.60.0.0/16 persistent-keepalive 25
ip netns exec $client ip addr add 10.66.0.2/32 dev slic0
ip netns exec $client ip link set slic0 mtu 1420 up
ip netns exec $client ip route add 10.60.0.0/16 dev slic0
ip netns exec $client ping -c 1 -W 5 $corp > /dev/null
wg_pid=$(pgrep -f 'wireguard-go slic0' | head -1)
sleep "$warmup"
read -r w_cpu w_wake < <(measure "$wg_pid")
w_rss=$(rss_mb "$wg_pid")

echo
echo "Sluice idle cost: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), kernel $(uname -r)"
echo "connected to wireguard-go, PersistentKeepalive = 25, no traffic; ${warmup} s warm-up, ${window} s window"
echo
printf '%-22s %14s %14s %8s\n' "client" "CPU (% core)" "wake-ups/s" "RSS MB"
printf '%-22s %14s %14s %8s\n' "wireguard-go" "$w_cpu" "$w_wake" "$w_rss"
printf '%-22s %14s %14s %8s\n' "Sluice" "$s_cpu" "$s_wake" "$s_rss"
echo
echo "targets: Sluice CPU <= 1.00 % of a core, <= 20 wake-ups/s, RSS <= 100 MB"
echo "Sluice first packet after 60 s idle: ${first_ms:-?} ms from the tun to the underlay (target <= 1 ms)"
echo "Sluice threads over the window:"
cat "$work/sluice-threads.txt"
echo "logs: $work"
