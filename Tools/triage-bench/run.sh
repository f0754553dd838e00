#!/usr/bin/env bash
# Triage time and peak RSS on a large sparse APFS container (made by apfsprogs' mkapfs), next to TSK `pstat` on the
# same file, in one invocation. Reads structures only (--no-hash), then once with the SHA-256 pass for peak RSS.
# Usage: Tools/triage-bench/run.sh [SIZE=64G] [RUNS=5]   (SKIP_HASH=1 leaves out the full SHA-256 pass)
# Needs: a release build (swift build -c release), mkapfs, pstat, GNU time. Writes only to a temp folder.
set -euo pipefail
size=${1:-64G}
runs=${2:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
ringo="$root/.build/release/ringo"
[ -x "$ringo" ] || { echo "build first: swift build -c release" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
image="$work/container-$size.img"
truncate -s "$size" "$image"
mkapfs -L Bench "$image" >/dev/null
echo "image: $size sparse mkapfs container ($(du -h "$image" | cut -f1) allocated on disk)"

measure() {  # name, command...: prints median wall seconds and max RSS over $runs runs
  local name=$1; shift
  local times=() rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>&1
    read -r t m < "$work/t"
    times+=("$t")
    (( m > rss )) && rss=$m
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$name $median $rss"
}

ringo_line=$(measure ringo "$ringo" triage --no-hash --format json "$image")
pstat_line=$(measure pstat pstat "$image")
if [ "${SKIP_HASH:-0}" = 1 ]; then
  hash_line="ringo-hash skipped -"
else
  hash_line=$(runs=1 measure ringo-hash "$ringo" triage --format json "$image")
fi
read -r _ rt rr <<<"$ringo_line"
read -r _ pt pr <<<"$pstat_line"
read -r _ ht hr <<<"$hash_line"
printf '%-34s %10s %12s\n' "command" "median s" "peak RSS KiB"
printf '%-34s %10s %12s\n' "ringo triage --no-hash" "$rt" "$rr"
printf '%-34s %10s %12s\n' "pstat" "$pt" "$pr"
printf '%-34s %10s %12s\n' "ringo triage (with SHA-256, 1 run)" "$ht" "$hr"
awk -v r="$rt" -v p="$pt" 'BEGIN { if (r > 0) printf "pstat time / ringo time: %.2f\n", p / r; else print "ringo time below timer resolution" }'
