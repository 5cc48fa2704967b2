#!/usr/bin/env bash
# Quick start, command one: install what is missing, build, and run the
# all-in-one service on embedded defaults (etc/nimbus.conf) in the foreground.
#
# The supervisor of the process too: nimbus exits with 70 when an actor it
# cannot run without has ended (actors/common/actor_watchdog.h), and is
# started again over its stores here; any other exit ends the script with
# nimbus's status.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
pid=
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null' TERM INT # a stop reaches nimbus
while true; do
  status=0
  build/tools/nimbus --config-file "${NIMBUS_CONFIG:-etc/nimbus.conf}" "$@" &
  pid=$!
  wait "$pid" || status=$?
  if kill -0 "$pid" 2>/dev/null; then # the wait was cut short by a signal
    status=0
    wait "$pid" || status=$?
  fi
  [ "$status" -eq 70 ] || exit "$status"
  echo "start.sh: nimbus exited with 70 (an internal actor ended); starting it again" >&2
done
