#!/usr/bin/env bash
# Builds what the tests run with AddressSanitizer and UndefinedBehaviorSanitizer
# into build-asan/ and runs every test there (units and end-to-end; the e2e tests
# start build-asan's binaries). Fails if a test fails or if a sanitizer wrote
# any report (they go to build-asan/reports/, from every process).
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache hashes paths relative to the checkout: a clone elsewhere (CI) hits too.
export CCACHE_BASEDIR="$PWD"
export CCACHE_NOHASHDIR=1 # -g would otherwise put the checkout's folder in every hash
jobs=${NIMBUS_BUILD_JOBS:-$(nproc)}
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNIMBUS_SANITIZE=ON >/dev/null
# What the tests run (the service, nimbus-manage, the unit tests); the
# benchmarks are not tests and are left out of this build.
cmake --build build-asan -j "$jobs" --target nimbus nimbus-manage nimbus_unit_tests
reports=$PWD/build-asan/reports
rm -rf "$reports"
mkdir -p "$reports"
# Leaks are not checked: CAF 0.17 keeps singletons alive to the end.
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=0:abort_on_error=1"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
status=0
(cd build-asan && ctest --output-on-failure -j "${NIMBUS_TEST_JOBS:-2}" --timeout 900) || status=$?
if compgen -G "$reports/*" >/dev/null; then
  echo "sanitizer reports:" >&2
  for f in "$reports"/*; do
    echo "== $f" >&2
    head -60 "$f" >&2
  done
  exit 1
fi
exit "$status"
