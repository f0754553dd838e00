#!/usr/bin/env bash
# The issue-16 scanner targets in one command: `ringo-bench targets` on each kind (default: random, then mixed), portable
# release build. Per kind it prints, each a paired ratio (median and range of rounds that run the baseline and the
# measured work back to back): two-stage mode on one thread (GB/s wall and CPU, against exact mode and the read
# limit), the scanner against `ent` on the same 128 MiB prefix read from a file (ent through a pipe from head once,
# for comparison), and N threads against one (two-stage, exact, and the read itself), plus whether two-stage classes
# every block as exact mode does. About 1 minute per kind on an idle 2-core host.
# Usage: Tools/scan-bench/targets.sh [SIZE=1G] [KINDS="random mixed"] [THREADS=all cores]
# Needs: ent (Tools/external-programs.tsv). Writes the test files to /tmp/ringo-bench (reused) and nothing else.
set -euo pipefail
size=${1:-1G}
kinds=${2:-random mixed}
threads=${3:-0}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
swift build -c release --product ringo-bench >/dev/null
echo "# $(date -u +%FT%TZ) $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for kind in $kinds; do
  .build/release/ringo-bench targets --size "$size" --kind "$kind" --threads "$threads" --peer-bytes 128M
done
