#!/usr/bin/env bash
# Scale: boots N servers over K cells of H fake hosts in one all-in-one
# process, keeps them, then measures the process's memory and server lists.
#
#   bench/run_scale.sh [servers=100000] [cells=10] [hosts_per_cell=1000] [clients=64]
set -euo pipefail
cd "$(dirname "$0")/.."
servers=${1:-100000} cells=${2:-10} hosts=${3:-1000} clients=${4:-64}
conf_text=$(printf '[DEFAULT]\nlog_level = warn\n[api]\nworkers = 16\n[all_in_one]\ncells = %s\nhosts_per_cell = %s\ndriver = fake\n' \
  "$cells" "$hosts")
want_hosts=$((cells * hosts))
AUTH=noauth2 # list_bench speaks for several projects with noauth2 tokens
source bench/start_nimbus.sh
build/bench/boot_storm --port "$port" --servers "$servers" --clients "$clients" --server-pid "$pid" \
  --poll-ms 200 --keep 1
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
printf '{"bench": "scale", "servers": %s, "cells": %s, "hosts": %s, "rss_mb": %d, "bytes_per_instance": %d, "commit": "%s"}\n' \
  "$servers" "$cells" "$want_hosts" "$((rss_kb / 1024))" "$((rss_kb * 1024 / servers))" "$NIMBUS_COMMIT"
echo "scale: $servers servers in $cells cells of $hosts hosts: RSS $((rss_kb / 1024)) MB"
build/bench/list_bench --port "$port" --requests 50 --limit 1000
