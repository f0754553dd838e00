#!/usr/bin/env bash
# Files walked per second on a forged container with N files (default 1,000,000), next to TSK `fls -r` on the same
# image, in one invocation; GNU time gives wall time and peak RSS. Writes only to a temp folder.
# Usage: Tools/tree-bench/run.sh [FILES=1000000]
# Needs: release builds of ringo and ringo-forge (swift build -c release), fls (sleuthkit), GNU time.
set -euo pipefail
files=${1:-1000000}
root=$(cd "$(dirname "$0")/../.." && pwd)
ringo="$root/.build/release/ringo"
forge="$root/.build/release/ringo-forge"
for b in "$ringo" "$forge"; do [ -x "$b" ] || { echo "build first: swift build -c release" >&2; exit 1; }; done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
image="$work/many.img"
"$forge" "$image" --preset many --files "$files" --manifest "$work/manifest.json" >/dev/null 2>&1
apsb=$("$ringo" ls "$image" / >/dev/null 2>&1; pstat "$image" | awk '/APSB Block Number/ {print $NF; exit}')
echo "image: forged 'many' preset, $files files ($(du -h "$image" | cut -f1) allocated)"
run() {  # label, output file, command...
  local label=$1 out=$2; shift 2
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" > "$out" 2>/dev/null || true
  read -r t m < "$work/t"
  printf '%-44s %8s s %10s KiB  %s lines\n' "$label" "$t" "$m" "$(wc -l < "$out")"
  echo "$t" > "$work/$(echo "$label" | tr -c 'a-zA-Z0-9\n' '_').time"
}
run "ringo triage --no-hash (census walk)" "$work/triage.json" "$ringo" triage --no-hash --format json "$image"
run "ringo ls -R /" "$work/ls.txt" "$ringo" ls -R "$image" /
run "ringo ls -R --format bodyfile /" "$work/body.txt" "$ringo" ls -R --format bodyfile "$image" /
run "fls -r -p (TSK)" "$work/fls.txt" fls -r -p -P apfs -B "$apsb" "$image"
run "fls -r -m / (TSK bodyfile)" "$work/flsbody.txt" fls -r -m / -P apfs -B "$apsb" "$image"
t_triage=$(cat "$work/ringo_triage___no_hash__census_walk_.time")
t_ls=$(cat "$work/ringo_ls__R__.time")
t_body=$(cat "$work/ringo_ls__R___format_bodyfile__.time")
t_fls=$(cat "$work/fls__r__p__TSK_.time")
t_flsbody=$(cat "$work/fls__r__m____TSK_bodyfile_.time")
awk -v n="$files" -v a="$t_triage" -v b="$t_ls" -v c="$t_fls" -v d="$t_body" -v e="$t_flsbody" 'BEGIN {
  m = 0.005  # half the timer resolution (GNU time prints hundredths), so a 0.00 s row gives a bound, not a division by 0
  printf "files/s: triage walk %.0f, ringo ls -R %.0f, fls -r %.0f\n", n / (a + m), n / (b + m), n / (c + m)
  printf "fls time / ringo ls time: %.2f; fls time / triage walk time: %.2f; ls time / triage walk time: %.2f\n", c / (b + m), c / (a + m), b / (a + m)
  printf "fls -m time / ringo ls --format bodyfile time: %.2f\n", e / (d + m) }'
python3 - "$work/triage.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["container"]["volumes"][0]
print("triage counted:", v["files"], "files,", v["directories"], "directories (", v["counts_source"], ")")
PY
