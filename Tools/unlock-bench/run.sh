#!/usr/bin/env bash
# `ringo triage` of an unlocked FileVault (ONEKEY) volume against the same image's plain twin, in one invocation:
# ringo-forge writes the onekey preset (SIZE, FILES, seed 19) really encrypted (AES-XTS-128, password in a file) and
# again with --plain-twin (the same tree, names, sizes and contents, no encryption). Times `ringo triage
# --password-file F --format json` on the encrypted image and `ringo triage --format json` on the twin (best wall time
# of RUNS, both the default run with its SHA-256 pass and --no-hash), and checks that both reports count the same
# files and bytes. The four commands run in turn RUNS times (so a loaded host disturbs them alike); best of each.
# Usage: Tools/unlock-bench/run.sh [SIZE=1G] [FILES=40000] [RUNS=5]
# Needs: a release build of ringo and ringo-forge (built here). Writes only to a temp folder.
set -euo pipefail
size=${1:-1G}
files=${2:-40000}
runs=${3:-5}
cd "$(dirname "$0")/../.."
swift build -c release --product ringo >/dev/null
swift build -c release --product ringo-forge >/dev/null
bin=$PWD/.build/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'bench-password\n' >"$work/password"
"$bin/ringo-forge" "$work/encrypted.img" --preset onekey --size "$size" --files "$files" --seed 19 \
  --password bench-password --manifest "$work/encrypted.json" 2>/dev/null
"$bin/ringo-forge" "$work/plain.img" --preset onekey --size "$size" --files "$files" --seed 19 --plain-twin \
  --manifest "$work/plain.json" 2>/dev/null

seconds() {  # command...: wall seconds of one run (exit codes 0-3 are verdicts, not failures)
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || [ $? -le 3 ]
  e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}
"$bin/ringo" triage --password-file "$work/password" --format json "$work/encrypted.img" >"$work/encrypted.report.json" || true
"$bin/ringo" triage --format json "$work/plain.img" >"$work/plain.report.json" || true
python3 - "$work/encrypted.report.json" "$work/plain.report.json" <<'PY'
import json, sys
def counts(path):
    report = json.load(open(path))
    def bytes_of(v):
        b = v["file_bytes"] or {}
        return (b.get("plaintext") or 0) + (b.get("encrypted") or 0)
    return [(v["name"], v["files"], v["directories"], v["symlinks"], bytes_of(v)) for v in report["container"]["volumes"]]
encrypted, plain = counts(sys.argv[1]), counts(sys.argv[2])
print("volumes (name, files, directories, symlinks, file bytes): unlocked", encrypted, "/ plain twin", plain)
if encrypted != plain:
    sys.exit("the unlocked image and its plain twin disagree")
PY
te=99999; tp=99999; tne=99999; tnp=99999
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }
for _ in $(seq "$runs"); do
  te=$(min "$te" "$(seconds "$bin/ringo" triage --password-file "$work/password" --format json "$work/encrypted.img")")
  tp=$(min "$tp" "$(seconds "$bin/ringo" triage --format json "$work/plain.img")")
  tne=$(min "$tne" "$(seconds "$bin/ringo" triage --no-hash --password-file "$work/password" --format json "$work/encrypted.img")")
  tnp=$(min "$tnp" "$(seconds "$bin/ringo" triage --no-hash --format json "$work/plain.img")")
done
echo -e "figure\tbest wall s"
echo -e "ringo triage --password-file (unlocked onekey, $size, $files files)\t$te"
echo -e "ringo triage (plain twin)\t$tp"
echo -e "ringo triage --no-hash --password-file (unlocked)\t$tne"
echo -e "ringo triage --no-hash (plain twin)\t$tnp"
awk -v a="$te" -v b="$tp" -v c="$tne" -v d="$tnp" 'BEGIN {
  printf "ratio unlocked / plain twin (default triage)\t%.2f\n", a / b
  printf "ratio unlocked / plain twin (--no-hash)\t%.2f\n", c / d
}'
