#!/usr/bin/env bash
# Starts an all-in-one Nimbus on a fresh data directory, runs the boot storm
# against it, and stops it. Figures go to stdout (JSON line + summary).
#
#   bench/run_boot_storm.sh [servers=1000] [clients=64] [driver=fake] [cells=2] [hosts_per_cell=100]
#
# WORKERS=N sets [api] workers (default: nimbus.conf's default, 4).
# AUTH=keystone (default: the clients sign in and send Keystone tokens) or
# AUTH=noauth2 (they send "admin:admin"). NETWORKS=auto (or none) boots with
# that `networks` keyword at microversion 2.37: a port each, on the network
# made for the project.
set -euo pipefail
cd "$(dirname "$0")/.."
servers=${1:-1000} clients=${2:-64} driver=${3:-fake} cells=${4:-2} hosts=${5:-100}
conf_text=$(printf '[DEFAULT]\nlog_level = warn\n[api]\n%s\n[all_in_one]\ncells = %s\nhosts_per_cell = %s\ndriver = %s\n' \
  "${WORKERS:+workers = $WORKERS}" "$cells" "$hosts" "$driver")
want_hosts=$((cells * hosts))
source bench/start_nimbus.sh
echo "auth: ${AUTH:-keystone}" >&2
build/bench/boot_storm --port "$port" --servers "$servers" --clients "$clients" --server-pid "$pid" \
  --token "$token" ${NETWORKS:+--networks "$NETWORKS"}
