#!/usr/bin/env bash
# Quick start, command one: install what is missing, build, and run the
# all-in-one service on embedded defaults (etc/nimbus.conf) in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/tools/nimbus --config-file "${NIMBUS_CONFIG:-etc/nimbus.conf}" "$@"
