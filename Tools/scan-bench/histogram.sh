#!/usr/bin/env bash
# The histogram bound (BENCHMARKS.md, block scanner): the scanner's counting kernel and statistics in cache
# (`ringo-bench histogram`, release build) next to the same loop in C built by clang and gcc, alternating 3 times.
# Usage: Tools/scan-bench/histogram.sh   Writes only to a temp folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
swift build -c release --product ringo-bench >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
clang -O3 -march=native "$root/Tools/scan-bench/histogram-peer.c" -o "$work/peer-clang"
gcc -O3 -march=native "$root/Tools/scan-bench/histogram-peer.c" -o "$work/peer-gcc"
for _ in 1 2 3; do
  .build/release/ringo-bench histogram
  echo "clang: $("$work/peer-clang")"
  echo "gcc:   $("$work/peer-gcc")"
done
