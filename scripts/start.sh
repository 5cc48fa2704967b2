#!/usr/bin/env bash
# Quick start, command one: install what is missing, build, and run the
# all-in-one service on embedded defaults (etc/nimbus.conf) in the foreground.
#
# The supervisor of the process too: nimbus exits with 70 when an actor it
# cannot run without has ended (actors/common/actor_watchdog.h); it is started
# again here over its stores, a second later. A stop (TERM or INT to this
# script) goes to nimbus and ends the script with nimbus's status; so does
# any exit but 70.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
pid=
stopping=
forward_stop() {
  stopping=1
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
}
trap forward_stop TERM INT
while true; do
  build/tools/nimbus --config-file "${NIMBUS_CONFIG:-etc/nimbus.conf}" "$@" &
  pid=$!
  status=0
  while true; do # a signal cuts a wait short: wait again until nimbus is gone
    wait "$pid" && status=0 || status=$?
    kill -0 "$pid" 2>/dev/null || break
  done
  pid=
  if [ -n "$stopping" ] || [ "$status" -ne 70 ]; then exit "$status"; fi
  echo "start.sh: nimbus exited with 70 (an internal actor ended); starting it again" >&2
  sleep 1 # not a tight loop when every start fails the same way
done
