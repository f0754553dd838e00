#!/usr/bin/env bash
# triage --scan (hash and scan together: one read feeds both) against max(hash only, scan only) on the same image,
# best of RUNS each, with peak RSS (GNU time); then, with BIG_GIB, peak RSS of `triage --scan` on a raw file of
# BIG_GIB GiB (holes, made with truncate in a temporary folder: larger than RAM costs no disk), read once for both.
# Usage: Tools/evidence-bench/hash-scan.sh IMAGE [RUNS] [BIG_GIB]
#   e.g. Tools/evidence-bench/hash-scan.sh /tmp/ringo-evidence-bench/mixed.bin 5 32
#        (uses .build/release/ringo, or the binary named by $RINGO)
#   The inputs (mixed.bin, mixed.E01, big32.sparseimage) are made by Tools/evidence-bench/make-inputs.sh [DIR].
set -euo pipefail
if [ $# -lt 1 ] || [ ! -f "$1" ]; then
  echo "hash-scan: ${1:-no IMAGE given}: no such file; make the bench inputs first with" \
    "Tools/evidence-bench/make-inputs.sh [DIR] (DIR defaults to /tmp/ringo-evidence-bench)" >&2
  exit 1
fi
image="$1"; runs="${2:-3}"; big="${3:-0}"
ringo="${RINGO:-$(dirname "$0")/../../.build/release/ringo}"
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
best() {  # best wall seconds, its peak RSS (KiB) and CPU seconds (user + system) of `ringo triage "$@" IMAGE`
  local best_t="" best_m="" best_c=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M %U %S" -o "$out/t" "$ringo" triage --format json --quiet -o "$out/r.json" "$@" "$image"
    read -r t m u s < "$out/t"
    if [ -z "$best_t" ] || awk "BEGIN{exit !($t < $best_t)}"; then
      best_t=$t; best_m=$m; best_c=$(awk "BEGIN{print $u + $s}")
    fi
  done
  echo "$best_t $best_m $best_c"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
read -r hash_t hash_m hash_c < <(best --no-scan)
read -r scan_t scan_m scan_c < <(best --no-hash --scan)
read -r both_t both_m both_c < <(best --scan)
max=$(awk "BEGIN{print ($hash_t > $scan_t) ? $hash_t : $scan_t}")
printf 'hash only (--no-scan)      %6.2f s  %7d KiB  CPU %5.2f s\n' "$hash_t" "$hash_m" "$hash_c"
printf 'scan only (--no-hash)      %6.2f s  %7d KiB  CPU %5.2f s\n' "$scan_t" "$scan_m" "$scan_c"
printf 'hash + scan (--scan)       %6.2f s  %7d KiB  CPU %5.2f s\n' "$both_t" "$both_m" "$both_c"
awk "BEGIN{printf \"ratio hash+scan / max(hash, scan) = %.2f (goal <= 1.15); / (hash + scan) = %.2f; CPU seconds hash+scan / (hash + scan) = %.2f\n\", $both_t / $max, $both_t / ($hash_t + $scan_t), $both_c / ($hash_c + $scan_c)}"
if [ "$big" -gt 0 ]; then
  mkdir "$out/evidence"  # the report may not go into the evidence's folder
  truncate -s "${big}G" "$out/evidence/big.img"
  /usr/bin/time -f "%e %M" -o "$out/t" "$ringo" triage --format json --quiet -o "$out/big.json" --scan \
    "$out/evidence/big.img"
  read -r t m < "$out/t"
  printf 'hash + scan of a %d GiB raw file: %.2f s, peak RSS %d KiB (%.1f MiB; goal <= 256 MiB)\n' "$big" "$t" "$m" \
    "$(awk "BEGIN{print $m / 1024}")"
  grep -o '"scanned_bytes" *: *[0-9]*' "$out/big.json"
fi
