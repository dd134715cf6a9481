#!/usr/bin/env bash
# Sluice against wireguard-go, side by side in one run, in the lab topology of DESIGN.md.
#
#   sudo integration-tests/bench/throughput.sh [seconds-per-transfer] [repetitions] [udp-rate]
#
# Each figure is the median of the repetitions (iperf3, client -> far side):
# - tunnel TCP, 1 and 4 streams: wireguard-go client and Sluice client against the same
#   wireguard-go server, and Sluice on both ends; each after a warm-up transfer (JIT);
# - the client process's CPU seconds per GB moved through the tunnel (utime+stime from
#   /proc/<pid>/stat around the 1-stream transfers), Sluice against wireguard-go;
# - cold start: a fresh Sluice client, a transfer started as soon as it says "connected",
#   against the warmed-up rate;
# - UDP through the tunnel at udp-rate (default 500M), 1,400-byte IP packets: rate and loss;
# - bypass through Sluice (capture strategy) against the direct path without any VPN, IPv4 and
#   IPv6, and bypass with the kernel strategy;
# - ping RTT of each path, the Sluice client's RSS idle and under a 4-stream load.
# Prints a table and the ratios. Needs root, the built distribution (./mvnw -DskipTests package),
# wireguard-go, wireguard-tools, iperf3, iproute2, python3. Namespaces slbench-*, removed at exit.
set -euo pipefail

seconds=${1:-5}
reps=${2:-3}
udp_rate=${3:-500M}
root=$(cd "$(dirname "$0")/../.." && pwd)
sluice=${SLUICE:-$root/packaging/target/sluice/bin/sluice}
prefix=slbench
client=$prefix-client
server=$prefix-server
corp=10.60.32.10
internet=198.19.0.10
internet6=fd19::10
work=$(mktemp -d /tmp/sluice-bench-XXXXXX)
hz=$(getconf CLK_TCK)
sluice_pid=

cleanup() {
    [ -n "$sluice_pid" ] && kill -TERM "$sluice_pid" 2>/dev/null || true
    "$sluice" lab --clean --prefix $prefix >/dev/null 2>&1 || true
    rm -f /var/run/wireguard/slbc0.sock
}
trap cleanup EXIT

log() { echo "==> $*" >&2; }

# One iperf3 run from the client to $2 in namespace $1: prints "Mbit/s bytes" (receiver side).
# $3 streams; $4 extra iperf3 client options (UDP); $5 the run's length in seconds.
iperf() {
    local ns=$1 host=$2 streams=$3 extra=${4:-} length=${5:-$seconds}
    ip netns exec "$ns" iperf3 -s -1 -p 5202 >/dev/null 2>&1 &
    local server_pid=$!
    for _ in $(seq 50); do
        ip netns exec "$ns" ss -Hluntp 'sport = :5202' | grep -q 5202 && break
        sleep 0.05
    done
    # shellcheck disable=SC2086
    ip netns exec $client iperf3 -c "$host" -p 5202 -t "$length" -P "$streams" $extra -J \
        > "$work/iperf.json" || true
    wait $server_pid || true
    python3 - "$work/iperf.json" <<'PY'
import json, sys
end = json.load(open(sys.argv[1]))["end"]
if "lost_percent" in end.get("sum", {}):  # UDP: the receiver's figures
    s = end["sum"]
    print("%.0f %d %.2f" % (s["bits_per_second"] / 1e6, s["bytes"], s["lost_percent"]))
else:
    s = end["sum_received"]
    print("%.0f %d" % (s["bits_per_second"] / 1e6, s["bytes"]))
PY
}

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# Median Mbit/s of $reps runs of iperf "$@".
throughput() { for _ in $(seq "$reps"); do iperf "$@" | awk '{print $1}'; done | median; }

cpu_ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }

# Median Mbit/s of $reps 1-stream runs to $2 in $1, and the CPU seconds per GB of process $3
# over all of them: prints "Mbit/s s/GB".
throughput_and_cpu() {
    local ns=$1 host=$2 pid=$3 ticks=0 bytes=0 rates=()
    for _ in $(seq "$reps"); do
        local t0 line
        t0=$(cpu_ticks "$pid")
        line=$(iperf "$ns" "$host" 1)
        ticks=$(( ticks + $(cpu_ticks "$pid") - t0 ))
        bytes=$(( bytes + ${line#* } ))
        rates+=("${line% *}")
    done
    printf '%s\n' "${rates[@]}" | median | tr '\n' ' '
    python3 -c "print('%.2f' % ($ticks / $hz / ($bytes / 1e9)))"
}

# UDP at $udp_rate with 1,400-byte IP packets (1,372 bytes of payload): "Mbit/s loss%", medians.
udp() {
    for _ in $(seq "$reps"); do iperf "$1" "$2" 1 "-u -b $udp_rate -l 1372"; done \
        > "$work/udp.txt"
    echo "$(awk '{print $1}' "$work/udp.txt" | median) $(awk '{print $3}' "$work/udp.txt" | median)"
}

# Average ping RTT in ms from the client to $1 (50 echoes).
rtt() { ip netns exec $client ping -c 50 -i 0.02 -q "$1" | awk -F/ '/^rtt/ {print $5}'; }

rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' /proc/"$1"/status; }

lab_client_pid() {
    for pid in $(ip netns pids $client); do
        if tr '\0' ' ' < /proc/$pid/cmdline | grep -q 'dev.sluice.daemon.cli.Main up'; then
            echo "$pid"
            return
        fi
    done
}

stop_pid() { kill -TERM "$1"; while kill -0 "$1" 2>/dev/null; do sleep 0.1; done; }

# Starts `sluice up` with the lab's client configuration; sets sluice_pid once it is connected.
start_sluice() {
    ip netns exec $client "$sluice" up --config "$labdir/client.conf" --state-dir "$work/state" \
        --socket "$work/sluice.sock" > "$work/sluice.log" 2>&1 &
    sluice_pid=$!
    for _ in $(seq 600); do grep -q ' connected: ' "$work/sluice.log" && return; sleep 0.05; done
    echo "Sluice did not connect:" >&2; cat "$work/sluice.log" >&2; exit 1
}

declare -A r

log "lab with wireguard-go as server"
"$sluice" lab --keep --prefix $prefix --seconds 1 > "$work/lab-1.txt"
labdir=$(sed -n 's/^Logs and configurations: //p' "$work/lab-1.txt")
stop_pid "$(lab_client_pid)"

log "cold start: a fresh Sluice client, ${seconds} s to $corp as soon as it is connected"
for _ in $(seq "$reps"); do
    start_sluice
    iperf $prefix-corp $corp 1 | awk '{print $1}' >> "$work/cold.txt"
    stop_pid "$sluice_pid"; sluice_pid=
done
r[cold]=$(median < "$work/cold.txt")

start_sluice
r[offloads]=$(ip netns exec $client "$sluice" status --socket "$work/sluice.sock" \
    | sed -n 's/^offloads: *//p')
sleep 2
r[rss_idle]=$(rss_mb "$sluice_pid")
log "warm-up: 10 s through the tunnel"
iperf $prefix-corp $corp 1 "" 10 > /dev/null
log "Sluice client <-> wireguard-go server"
read -r r[sw1] r[sw_cpu] < <(throughput_and_cpu $prefix-corp $corp "$sluice_pid")
( sleep $(( seconds / 2 + 1 )); rss_mb "$sluice_pid" > "$work/rss-load" ) &
sampler=$!
r[sw4]=$(throughput $prefix-corp $corp 4)
wait $sampler
r[rss_load]=$(cat "$work/rss-load")
read -r r[sw_udp] r[sw_loss] < <(udp $prefix-corp $corp)
r[sw_rtt]=$(rtt $corp)
log "bypass through Sluice (capture strategy)"
r[by1]=$(throughput $prefix-internet $internet 1)
r[by4]=$(throughput $prefix-internet $internet 4)
r[by1_6]=$(throughput $prefix-internet $internet6 1)
r[by4_6]=$(throughput $prefix-internet $internet6 4)
r[by_rtt]=$(rtt $internet)
stop_pid "$sluice_pid"; sluice_pid=

log "direct path (no VPN)"
r[di1]=$(throughput $prefix-internet $internet 1)
r[di4]=$(throughput $prefix-internet $internet 4)
r[di1_6]=$(throughput $prefix-internet $internet6 1)
r[di4_6]=$(throughput $prefix-internet $internet6 4)
r[di_rtt]=$(rtt $internet)

log "wireguard-go client <-> wireguard-go server"
server_dev=$(ip netns exec $server wg show interfaces | awk '{print $1}')
server_pub=$(ip netns exec $server wg show "$server_dev" public-key)
old_peer=$(ip netns exec $server wg show "$server_dev" peers | head -1)
umask 077
wg genkey > "$work/client.key"
client_pub=$(wg pubkey < "$work/client.key")
ip netns exec $server wg set "$server_dev" peer "$old_peer" remove
ip netns exec $server wg set "$server_dev" peer "$client_pub" allowed-ips 10.66.0.2/32
WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 ip netns exec $client wireguard-go slbc0 >/dev/null 2>&1
ip netns exec $client wg set slbc0 private-key "$work/client.key" \
    peer "$server_pub" endpoint 198.18.1.2:51820 allowed-ips 10.60.0.0/16
ip netns exec $client ip addr add 10.66.0.2/32 dev slbc0
ip netns exec $client ip link set slbc0 mtu 1420 up
ip netns exec $client ip route add 10.60.0.0/16 dev slbc0
ip netns exec $client ping -c 1 -W 5 $corp >/dev/null
wg_pid=$(pgrep -f 'wireguard-go slbc0' | head -1)
iperf $prefix-corp $corp 1 "" 10 > /dev/null
read -r r[ww1] r[ww_cpu] < <(throughput_and_cpu $prefix-corp $corp "$wg_pid")
r[ww4]=$(throughput $prefix-corp $corp 4)
read -r r[ww_udp] r[ww_loss] < <(udp $prefix-corp $corp)
r[ww_rtt]=$(rtt $corp)
cleanup

log "bypass with Sluice's kernel strategy"
"$sluice" lab --keep --strategy kernel --prefix $prefix --seconds 1 > "$work/lab-kernel.txt"
r[bk1]=$(throughput $prefix-internet $internet 1)
r[bk4]=$(throughput $prefix-internet $internet 4)
r[bk_rtt]=$(rtt $internet)
r[kernel_routes]=$(ip netns exec $client ip route show table 51820 | wc -l)
r[kernel_routes6]=$(ip netns exec $client ip -6 route show table 51820 | wc -l)
cleanup

log "Sluice on both ends"
"$sluice" lab --keep --peer sluice --prefix $prefix --seconds 1 > "$work/lab-2.txt"
iperf $prefix-corp $corp 1 "" 10 > /dev/null
r[ss1]=$(throughput $prefix-corp $corp 1)
r[ss4]=$(throughput $prefix-corp $corp 4)
r[ss_rtt]=$(rtt $corp)
cleanup

ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
row() { printf '%-40s %9s Mb/s %9s Mb/s %8s\n' "$@"; }
echo
echo "Sluice benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "kernel $(uname -r), $(wireguard-go --version 2>/dev/null | head -1), Sluice offloads: ${r[offloads]}"
echo "iperf3 TCP ${seconds} s, median of $reps after a 10 s warm-up; RTT: average of 50 pings"
echo
printf '%-40s %14s %14s %8s\n' "path" "1 stream" "4 streams" "RTT ms"
row "wireguard-go <-> wireguard-go" "${r[ww1]}" "${r[ww4]}" "${r[ww_rtt]}"
row "Sluice <-> wireguard-go" "${r[sw1]}" "${r[sw4]}" "${r[sw_rtt]}"
row "Sluice <-> Sluice" "${r[ss1]}" "${r[ss4]}" "${r[ss_rtt]}"
row "direct (no VPN), IPv4" "${r[di1]}" "${r[di4]}" "${r[di_rtt]}"
row "bypass through Sluice (capture), IPv4" "${r[by1]}" "${r[by4]}" "${r[by_rtt]}"
row "direct (no VPN), IPv6" "${r[di1_6]}" "${r[di4_6]}" ""
row "bypass through Sluice (capture), IPv6" "${r[by1_6]}" "${r[by4_6]}" ""
row "bypass with Sluice (kernel), IPv4" "${r[bk1]}" "${r[bk4]}" "${r[bk_rtt]}"
echo
echo "UDP at $udp_rate, 1,400-byte packets: wireguard-go client ${r[ww_udp]} Mb/s, ${r[ww_loss]} % lost;" \
    "Sluice client ${r[sw_udp]} Mb/s, ${r[sw_loss]} % lost"
echo "CPU per GB through the tunnel (client process, 1 stream): wireguard-go ${r[ww_cpu]} s," \
    "Sluice ${r[sw_cpu]} s"
echo "cold start: ${seconds} s right after connect ${r[cold]} Mb/s against ${r[sw1]} Mb/s warmed up"
echo
echo "ratios (target):"
echo "  Sluice<->Sluice / wireguard-go<->wireguard-go, 1 stream (>= 2.5): $(ratio "${r[ss1]}" "${r[ww1]}");" \
    "4 streams: $(ratio "${r[ss4]}" "${r[ww4]}")"
echo "  Sluice client / wireguard-go client, same server, 1 stream (>= 1.3): $(ratio "${r[sw1]}" "${r[ww1]}");" \
    "4 streams: $(ratio "${r[sw4]}" "${r[ww4]}")"
echo "  CPU per GB, Sluice / wireguard-go (<= 0.5): $(ratio "${r[sw_cpu]}" "${r[ww_cpu]}")"
echo "  cold / warm (>= 0.8): $(ratio "${r[cold]}" "${r[sw1]}")"
echo "  bypass (capture) / direct (>= 0.8): IPv4 $(ratio "${r[by1]}" "${r[di1]}") (1 stream)," \
    "$(ratio "${r[by4]}" "${r[di4]}") (4); IPv6 $(ratio "${r[by1_6]}" "${r[di1_6]}") (1)," \
    "$(ratio "${r[by4_6]}" "${r[di4_6]}") (4)"
echo "  bypass (kernel) / direct: $(ratio "${r[bk1]}" "${r[di1]}") (1 stream), $(ratio "${r[bk4]}" "${r[di4]}") (4)"
echo "  UDP rate, Sluice / wireguard-go: $(ratio "${r[sw_udp]}" "${r[ww_udp]}")"
echo "kernel strategy routes in table 51820 for corp-850: ${r[kernel_routes]} IPv4 + ${r[kernel_routes6]} IPv6"
echo "Sluice client RSS: ${r[rss_idle]} MB idle, ${r[rss_load]} MB under 4-stream load (target <= 150 MB)"
echo "logs: $work"
