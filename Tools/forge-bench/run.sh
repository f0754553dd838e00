#!/bin/sh
# Measures ringo-forge time and peak RSS for a 1,000,000-file container (release build), and optionally checks the
# result with apfsck (slow: about 17 minutes on the shared 2-core builder).
# Usage: Tools/forge-bench/run.sh [files] [--apfsck]. Output goes to a temp dir, never next to the sources.
set -eu
files=${1:-1000000}
here=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/ringo-forge-bench.XXXXXX")
swift build -c release --product ringo-forge --package-path "$here" >/dev/null
/usr/bin/time -v "$here/.build/release/ringo-forge" "$out/many.img" --preset many --files "$files" 2>"$out/time.txt"
grep -E "Elapsed|Maximum resident|User time|System time" "$out/time.txt"
ls -ls "$out/many.img"
if [ "${2:-}" = "--apfsck" ]; then
  /usr/bin/time -v apfsck -cuw "$out/many.img" 2>&1 | grep -E "Elapsed|Maximum resident|Exit status"
fi
rm -rf "$out"
