#!/usr/bin/env bash
# triage --scan (hash and scan together: one read feeds both) against max(hash only, scan only) on the same image,
# best of RUNS each, with peak RSS (GNU time); then, with BIG_GIB, peak RSS of `triage --scan` on a raw file of
# BIG_GIB GiB (holes, made with truncate in a temporary folder: larger than RAM costs no disk), read once for both.
# Usage: Tools/evidence-bench/hash-scan.sh IMAGE [RUNS] [BIG_GIB]
#        (uses .build/release/ringo, or the binary named by $RINGO)
set -euo pipefail
image="$1"; runs="${2:-3}"; big="${3:-0}"
ringo="${RINGO:-$(dirname "$0")/../../.build/release/ringo}"
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
best() {  # best wall seconds and its peak RSS (KiB) of `ringo triage "$@" IMAGE`
  local best_t="" best_m=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$out/t" "$ringo" triage --format json --quiet -o "$out/r.json" "$@" "$image"
    read -r t m < "$out/t"
    if [ -z "$best_t" ] || awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; best_m=$m; fi
  done
  echo "$best_t $best_m"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
read -r hash_t hash_m < <(best --no-scan)
read -r scan_t scan_m < <(best --no-hash --scan)
read -r both_t both_m < <(best --scan)
max=$(awk "BEGIN{print ($hash_t > $scan_t) ? $hash_t : $scan_t}")
printf 'hash only (--no-scan)      %6.2f s  %7d KiB\n' "$hash_t" "$hash_m"
printf 'scan only (--no-hash)      %6.2f s  %7d KiB\n' "$scan_t" "$scan_m"
printf 'hash + scan (--scan)       %6.2f s  %7d KiB\n' "$both_t" "$both_m"
awk "BEGIN{printf \"ratio hash+scan / max(hash, scan) = %.2f (goal <= 1.15); / (hash + scan) = %.2f\n\", $both_t / $max, $both_t / ($hash_t + $scan_t)}"
if [ "$big" -gt 0 ]; then
  truncate -s "${big}G" "$out/big.img"
  /usr/bin/time -f "%e %M" -o "$out/t" "$ringo" triage --format json --quiet -o "$out/big.json" --scan "$out/big.img"
  read -r t m < "$out/t"
  printf 'hash + scan of a %d GiB raw file: %.2f s, peak RSS %d KiB (%.1f MiB; goal <= 256 MiB)\n' "$big" "$t" "$m" \
    "$(awk "BEGIN{print $m / 1024}")"
  grep -o '"scanned_bytes" *: *[0-9]*' "$out/big.json"
fi
