#!/usr/bin/env bash
# Scale: boots N servers over K cells of H fake hosts in one all-in-one
# process, keeps them, then measures server lists and the process's memory.
#
#   bench/run_scale.sh [servers=100000] [cells=10] [hosts_per_cell=1000] [clients=64]
set -euo pipefail
cd "$(dirname "$0")/.."
servers=${1:-100000} cells=${2:-10} hosts=${3:-1000} clients=${4:-64}
dir=$(mktemp -d /tmp/nimbus-scale-XXXXXX)
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
iport=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
printf "[DEFAULT]\nlog_level = warn\n[api]\nworkers = 16\n[all_in_one]\ncells = %s\nhosts_per_cell = %s\ndriver = fake\n" \
  "$cells" "$hosts" > "$dir/nimbus.conf"
build/tools/nimbus --config-file "$dir/nimbus.conf" --data-dir "$dir" --port "$port" --image-port "$iport" \
  > "$dir/nimbus.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 1200); do curl -sf "http://127.0.0.1:$port/v2.1" >/dev/null && break; sleep 0.1; done
want=$((cells * hosts))
for _ in $(seq 1 1200); do
  up=$(curl -s -H 'X-Auth-Token: admin:admin' "http://127.0.0.1:$port/v2.1/os-hypervisors" | grep -o '"state":"up"' | wc -l)
  [ "$up" -ge "$want" ] && break
  sleep 0.5
done
export NIMBUS_COMMIT=$(git rev-parse --short HEAD)
build/bench/boot_storm --port "$port" --servers "$servers" --clients "$clients" --server-pid "$pid" \
  --poll-ms 200 --keep 1
rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
printf '{"bench": "scale", "servers": %s, "cells": %s, "hosts": %s, "rss_mb": %.1f, "bytes_per_instance": %.0f, "commit": "%s"}\n' \
  "$servers" "$cells" "$want" "$(echo "$rss_kb/1024" | bc -l)" "$(echo "$rss_kb*1024/$servers" | bc -l)" "$NIMBUS_COMMIT"
echo "scale: $servers servers in $cells cells of $hosts hosts: RSS $((rss_kb / 1024)) MB"
build/bench/list_bench --port "$port" --requests 50 --limit 1000
