#!/usr/bin/env bash
# Runs clang-tidy with the checks of .clang-tidy over every .cpp file of the
# project (tests/e2e holds none), NIMBUS_TIDY_JOBS at a time (default 2).
# Fails if there is any finding. Needs build/compile_commands.json, and
# configures build/ first when it is missing (configuring only: clang-tidy
# compiles each file itself). Not part of scripts/test.sh; see
# docs/CONTRIBUTING.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/compile_commands.json ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
fi
# run-clang-tidy takes regular expressions over the compile database's
# absolute paths: the checkout's own path, escaped, and no tests/e2e.
root=$(printf '%s' "$PWD" | sed 's/[][\.*^$+?(){}|]/\\&/g')
# run-clang-tidy 14 always asks for colors, and clang prints "N warnings
# generated." for the silenced findings in system headers of each file: the
# output keeps the findings only, as plain text.
if ! run-clang-tidy -j "${NIMBUS_TIDY_JOBS:-2}" -p build -quiet "^$root/(?!tests/e2e/).*\.cpp\$" 2>&1 \
  | sed -r 's/\x1b\[[0-9;]*m//g' \
  | { grep -vE '^[0-9]+ (warnings?|errors?)( and [0-9]+ errors?)? generated\.$' || true; }; then
  echo "tidy: clang-tidy found problems (above)" >&2
  exit 1
fi
echo "tidy: no findings"
