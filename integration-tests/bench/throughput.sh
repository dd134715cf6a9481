#!/usr/bin/env bash
# Sluice against wireguard-go, side by side in one run, in the lab topology of DESIGN.md.
#
#   sudo integration-tests/bench/throughput.sh [seconds-per-transfer] [repetitions]
#
# Measures with iperf3 (1 and 4 TCP streams, client -> far side), each figure the median of the
# repetitions: tunnel throughput for wireguard-go<->wireguard-go, Sluice<->wireguard-go and
# Sluice<->Sluice; bypass through Sluice (capture strategy) against the direct path without any
# VPN, and with the kernel strategy; ping RTT for each path; the Sluice client's RSS at idle and under a 4-stream load. Prints a
# table with ratios. Needs root, the built distribution (./mvnw -DskipTests package), wireguard-go,
# wireguard-tools, iperf3, iproute2, python3. Everything runs in namespaces named slbench-*, removed
# at exit.
set -euo pipefail

seconds=${1:-5}
reps=${2:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
sluice=${SLUICE:-$root/packaging/target/sluice/bin/sluice}
prefix=slbench
client=$prefix-client
server=$prefix-server
corp=10.60.32.10
internet=198.19.0.10
work=$(mktemp -d /tmp/sluice-bench-XXXXXX)

cleanup() {
    "$sluice" lab --clean --prefix $prefix >/dev/null 2>&1 || true
    rm -f /var/run/wireguard/slbc0.sock
}
trap cleanup EXIT

log() { echo "==> $*" >&2; }

# iperf3 receiver throughput in Mbit/s: $1 server namespace, $2 host, $3 streams.
transfer() {
    local ns=$1 host=$2 streams=$3
    ip netns exec "$ns" iperf3 -s -1 -p 5202 >/dev/null 2>&1 &
    local server_pid=$!
    for _ in $(seq 50); do
        ip netns exec "$ns" ss -Htln 'sport = :5202' | grep -q 5202 && break
        sleep 0.05
    done
    ip netns exec $client iperf3 -c "$host" -p 5202 -t "$seconds" -P "$streams" -J \
        | python3 -c 'import json,sys; print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6))'
    wait $server_pid || true
}

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

throughput() { for _ in $(seq "$reps"); do transfer "$@"; done | median; }

# Average ping RTT in ms from the client to $1 (50 echoes).
rtt() { ip netns exec $client ping -c 50 -i 0.02 -q "$1" | awk -F/ '/^rtt/ {print $5}'; }

sluice_client_pid() {
    for pid in $(ip netns pids $client); do
        if tr '\0' ' ' < /proc/$pid/cmdline | grep -q 'dev.sluice.daemon.cli.Main up'; then
            echo "$pid"
            return
        fi
    done
}

rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' /proc/"$1"/status; }

declare -A result

log "lab with wireguard-go as server, Sluice as client"
"$sluice" lab --keep --prefix $prefix --seconds 1 > "$work/lab-1.txt"
pid=$(sluice_client_pid)
sleep 2
result[rss_idle]=$(rss_mb "$pid")
log "Sluice <-> wireguard-go: tunnel to $corp"
result[sw1]=$(throughput $prefix-corp $corp 1)
# RSS under load: sampled in the middle of a 4-stream transfer.
( sleep $(( seconds / 2 + 1 )); rss_mb "$pid" > "$work/rss-load" ) &
result[sw4]=$(throughput $prefix-corp $corp 4)
wait
result[rss_load]=$(cat "$work/rss-load")
result[sw_rtt]=$(rtt $corp)
log "bypass through Sluice (capture strategy) to $internet"
result[by1]=$(throughput $prefix-internet $internet 1)
result[by4]=$(throughput $prefix-internet $internet 4)
result[by_rtt]=$(rtt $internet)

log "direct path (Sluice stopped)"
kill -TERM "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
result[di1]=$(throughput $prefix-internet $internet 1)
result[di4]=$(throughput $prefix-internet $internet 4)
result[di_rtt]=$(rtt $internet)

log "wireguard-go <-> wireguard-go"
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
result[ww1]=$(throughput $prefix-corp $corp 1)
result[ww4]=$(throughput $prefix-corp $corp 4)
result[ww_rtt]=$(rtt $corp)
cleanup

log "bypass through Sluice with the kernel strategy"
"$sluice" lab --keep --strategy kernel --prefix $prefix --seconds 1 > "$work/lab-kernel.txt"
result[bk1]=$(throughput $prefix-internet $internet 1)
result[bk4]=$(throughput $prefix-internet $internet 4)
result[bk_rtt]=$(rtt $internet)
result[kernel_routes]=$(ip netns exec $client ip route show table 51820 | wc -l)
result[kernel_routes6]=$(ip netns exec $client ip -6 route show table 51820 | wc -l)
cleanup

log "lab with Sluice as server and client"
"$sluice" lab --keep --peer sluice --prefix $prefix --seconds 1 > "$work/lab-2.txt"
result[ss1]=$(throughput $prefix-corp $corp 1)
result[ss4]=$(throughput $prefix-corp $corp 4)
result[ss_rtt]=$(rtt $corp)
cleanup

ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
echo
echo "Sluice benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "iperf3 TCP ${seconds} s, median of $reps; RTT: average of 50 pings"
echo
printf '%-36s %12s %12s %9s\n' "path" "1 stream" "4 streams" "RTT ms"
printf '%-36s %7s Mb/s %7s Mb/s %9s\n' "wireguard-go <-> wireguard-go" "${result[ww1]}" "${result[ww4]}" "${result[ww_rtt]}"
printf '%-36s %7s Mb/s %7s Mb/s %9s\n' "Sluice <-> wireguard-go" "${result[sw1]}" "${result[sw4]}" "${result[sw_rtt]}"
printf '%-36s %7s Mb/s %7s Mb/s %9s\n' "Sluice <-> Sluice" "${result[ss1]}" "${result[ss4]}" "${result[ss_rtt]}"
printf '%-36s %7s Mb/s %7s Mb/s %9s\n' "direct (no VPN)" "${result[di1]}" "${result[di4]}" "${result[di_rtt]}"
printf '%-36s %7s Mb/s %7s Mb/s %9s\n' "bypass through Sluice (capture)" "${result[by1]}" "${result[by4]}" "${result[by_rtt]}"
printf '%-36s %7s Mb/s %7s Mb/s %9s\n' "bypass with Sluice (kernel)" "${result[bk1]}" "${result[bk4]}" "${result[bk_rtt]}"
echo
echo "ratios (target): Sluice<->wireguard-go / wireguard-go<->wireguard-go (>= 1.0):" \
    "$(ratio "${result[sw1]}" "${result[ww1]}") (1 stream), $(ratio "${result[sw4]}" "${result[ww4]}") (4 streams)"
echo "                 Sluice<->Sluice / wireguard-go<->wireguard-go:" \
    "$(ratio "${result[ss1]}" "${result[ww1]}") (1 stream), $(ratio "${result[ss4]}" "${result[ww4]}") (4 streams)"
echo "                 bypass / direct (>= 0.80):" \
    "$(ratio "${result[by1]}" "${result[di1]}") (1 stream), $(ratio "${result[by4]}" "${result[di4]}") (4 streams)"
echo "                 bypass (kernel strategy) / direct:" \
    "$(ratio "${result[bk1]}" "${result[di1]}") (1 stream), $(ratio "${result[bk4]}" "${result[di4]}") (4 streams)"
echo "kernel strategy routes in table 51820 for corp-850: ${result[kernel_routes]} IPv4 + ${result[kernel_routes6]} IPv6"
echo "Sluice client RSS: ${result[rss_idle]} MB idle, ${result[rss_load]} MB under 4-stream load (target <= 150 MB)"
echo "logs: $work"
