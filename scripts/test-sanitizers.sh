#!/usr/bin/env bash
# Builds nimbus with AddressSanitizer and UndefinedBehaviorSanitizer into
# build-asan/ and runs the fuzz test against it. Fails on any sanitizer
# report (they are written under build-asan/reports/), or if the test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache hashes paths relative to the checkout: a clone elsewhere (CI) hits too.
export CCACHE_BASEDIR="$PWD"
jobs=${NIMBUS_BUILD_JOBS:-$(nproc)}
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNIMBUS_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs" --target nimbus
reports=build-asan/reports
rm -rf "$reports"
mkdir -p "$reports"
export ASAN_OPTIONS="log_path=$PWD/$reports/asan:detect_leaks=0:abort_on_error=1"
export UBSAN_OPTIONS="log_path=$PWD/$reports/ubsan:print_stacktrace=1:halt_on_error=1"
status=0
NIMBUS_BIN=build-asan/tools/nimbus PYTHONDONTWRITEBYTECODE=1 \
  /usr/bin/python3 -m unittest -v tests/e2e/test_fuzz.py || status=$?
if compgen -G "$reports/*" >/dev/null; then
  echo "sanitizer reports:" >&2
  for f in "$reports"/*; do
    echo "== $f" >&2
    head -40 "$f" >&2
  done
  exit 1
fi
exit "$status"
