#!/usr/bin/env bash
# Quick start, command two: install what is missing, check the layering and
# the formatting, build, run clang-tidy, run every test (doctest units and
# the end-to-end tests) through CTest, the tempest tests that must pass
# (tests/tempest/expected-pass.txt), then every CTest test again against an
# ASan + UBSan build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/check_layout.py # fast: a breach of the layering fails before any build
scripts/format.sh --check # fast too: code as .clang-format lays it out
scripts/build.sh
scripts/tidy.sh # clang-tidy's bugprone and performance checks, clean
(cd build && ctest --output-on-failure -j "${NIMBUS_TEST_JOBS:-2}" --timeout 900)
tests/tempest/run.sh # Debian's tempest against a Nimbus it starts; prints the totals
scripts/test-sanitizers.sh
