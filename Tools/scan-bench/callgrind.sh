#!/usr/bin/env bash
# Instructions per 4 KiB block of `ringo scan` (exact and two-stage, 1 thread), counted by valgrind's callgrind: a
# count that does not move with the host's load, for comparing kernels when wall time is too noisy. Each mode is run
# on a SIZE prefix of the bench file and on one 4 KiB block; the difference over the blocks is the per-block cost
# (process start-up and the entropy table cancel out). Mapping and page faults run in the kernel and are not counted.
# Usage: Tools/scan-bench/callgrind.sh [KIND=random] [SIZE_MIB=64] [TOP=8]   (the bench file comes from ringo-bench)
# Needs: valgrind, objcopy (Tools/external-programs.tsv): valgrind 3.19 cannot read the DWARF of the release build, so
# it runs a copy without debug info (symbols kept). Writes only under a mktemp directory, removed at the end.
set -euo pipefail
kind=${1:-random}
mib=${2:-64}
top=${3:-8}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
swift build -c release --product ringo >/dev/null
swift build -c release --product ringo-bench >/dev/null
bench=/tmp/ringo-bench/$kind-1024M.img
[ -f "$bench" ] || .build/release/ringo-bench scan --size 1G --kind "$kind" --repeat 1 --skip-peers >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c "$((mib << 20))" "$bench" >"$work/prefix.img"
head -c 4096 "$bench" >"$work/block.img"
objcopy --strip-debug .build/release/ringo "$work/ringo"
blocks=$(((mib << 20) / 4096))
count() { # mode file -> instructions
  valgrind --tool=callgrind --callgrind-out-file="$work/out.$1" "$work/ringo" scan --mode "$1" --jobs 1 "$2" \
    2>"$work/log" >/dev/null
  grep -o 'Collected : [0-9]*' "$work/log" | cut -d' ' -f3
}
echo "# $(date -u +%FT%TZ) $kind, ${mib} MiB prefix ($blocks blocks), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in exact two-stage; do
  base=$(count "$mode" "$work/block.img")
  total=$(count "$mode" "$work/prefix.img")
  echo "$mode: $(((total - base) / blocks)) instructions per block ($total in all, $base for one block)"
  callgrind_annotate "$work/out.$mode" 2>/dev/null | grep -E '^ *[0-9,]+ \(' | sed -n "2,$((top + 1))p" |
    sed -E 's/\[[^]]*\]$//' | cut -c1-160
done
