#!/usr/bin/env bash
# Block scanner benchmark, every data kind, portable and AVX2 builds, in one invocation (issue 4).
# Each `ringo-bench scan` run measures, on the same mapped file: the read limits (plain and prefetching SIMD sum), the
# kernels per 4 KiB block, the classifier on 1 thread and on all cores, and `ent` / `binwalk -E` on a prefix. Its
# ratios are against its own read limit, so every ratio compares figures taken in the same run.
# Usage: Tools/scan-bench/run.sh [SIZE=1G] [REPEAT=3] [KINDS="random zeros text mixed"]   (NO_AVX2=1: portable only;
#        MODE=two-stage: measure the two-stage mode, with a paired two-stage / exact ratio)
# Needs: ent, binwalk. Writes the test files to /tmp/ringo-bench (reused between runs) and nothing else.
set -euo pipefail
size=${1:-1G}
repeat=${2:-3}
kinds=${3:-random zeros text mixed}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
swift build -c release --product ringo-bench >/dev/null
builds=(".build/release/ringo-bench")
if [ "${NO_AVX2:-0}" != 1 ] && grep -qw avx2 /proc/cpuinfo; then
  swift build -c release --product ringo-bench --scratch-path .build-avx2 \
    -Xswiftc -target-cpu -Xswiftc haswell -Xswiftc -DRINGO_AVX2 >/dev/null
  builds+=(".build-avx2/release/ringo-bench")
fi
echo "# $(date -u +%FT%TZ) $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
for kind in $kinds; do
  for bench in "${builds[@]}"; do
    echo
    echo "## $kind, $bench"
    "$bench" scan --size "$size" --kind "$kind" --repeat "$repeat" --peer-bytes 128M --binwalk-bytes 16M \
      --mode "${MODE:-exact}"
  done
done
