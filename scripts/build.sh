#!/usr/bin/env bash
# Configures and builds Nimbus into build/ (Ninja, ccache when present).
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache hashes paths relative to the checkout: a clone elsewhere (CI) hits too.
export CCACHE_BASEDIR="$PWD"
export CCACHE_NOHASHDIR=1 # -g would otherwise put the checkout's folder in every hash
jobs=${NIMBUS_BUILD_JOBS:-$(nproc)}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build build -j "$jobs"
