#!/usr/bin/env bash
# Formats every C++ file of the repo with .clang-format (Debian 12's
# clang-format 14). With --check, changes nothing and fails on the first file
# that is not formatted: scripts/test.sh runs it before the build.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.h')
if [ "${1:-}" = "--check" ]; then
  clang-format --dry-run --Werror "${files[@]}"
else
  clang-format -i "${files[@]}"
fi
