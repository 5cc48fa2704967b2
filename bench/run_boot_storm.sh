#!/usr/bin/env bash
# Starts an all-in-one Nimbus on a fresh data directory, runs the boot storm
# against it, and stops it. Figures go to stdout (JSON line + summary).
#
#   bench/run_boot_storm.sh [servers=1000] [clients=64] [driver=fake] [cells=2] [hosts_per_cell=100]
set -euo pipefail
cd "$(dirname "$0")/.."
servers=${1:-1000} clients=${2:-64} driver=${3:-fake} cells=${4:-2} hosts=${5:-100}
dir=$(mktemp -d /tmp/nimbus-bench-XXXXXX)
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
iport=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
cat > "$dir/nimbus.conf" <<CONF
[DEFAULT]
log_level = warn
[api]
workers = ${WORKERS:-16}
[all_in_one]
cells = $cells
hosts_per_cell = $hosts
driver = $driver
CONF
build/tools/nimbus --config-file "$dir/nimbus.conf" --data-dir "$dir" --port "$port" --image-port "$iport" \
  > "$dir/nimbus.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/v2.1" >/dev/null && break
  sleep 0.1
done
# Every host must have reported before the storm (the schedulers skip silent ones).
want=$((cells * hosts))
for _ in $(seq 1 600); do
  up=$(curl -s -H 'X-Auth-Token: admin:admin' "http://127.0.0.1:$port/v2.1/os-hypervisors" | grep -o '"state":"up"' | wc -l)
  [ "$up" -ge "$want" ] && break
  sleep 0.1
done
NIMBUS_COMMIT=$(git rev-parse --short HEAD) build/bench/boot_storm --port "$port" --servers "$servers" \
  --clients "$clients" --server-pid "$pid"
