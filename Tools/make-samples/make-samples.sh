#!/usr/bin/env bash
# Rebuilds the synthetic samples in Samples/ with ringo-forge (fixed presets and seeds, so the bytes are always the
# same) and records each one's expected triage report. Run from anywhere; writes only under Samples/.
# Usage: Tools/make-samples/make-samples.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
swift build --product ringo-forge >/dev/null
swift build --product ringo >/dev/null
forge=.build/debug/ringo-forge
ringo=.build/debug/ringo
mkdir -p Samples/expected
# name preset seed [extra forge options]
samples=(
  "ios-full ios-full 1"
  "ios-healthy ios-healthy 2"
  "onekey onekey 3"
  "macos macos 4 --size 8M"
)
for line in "${samples[@]}"; do
  read -r name preset seed extra <<<"$line"
  # shellcheck disable=SC2086
  $forge "Samples/$name.img" --preset "$preset" --seed "$seed" $extra --force \
    --manifest "Samples/expected/$name.manifest.json" >/dev/null
  $ringo triage --format json -o "Samples/expected/$name.report.json" "Samples/$name.img"
  $ringo triage --format text -o "Samples/expected/$name.report.txt" "Samples/$name.img"
done
(cd Samples && sha256sum ./*.img > SHA256SUMS)
echo "samples rebuilt:"; cat Samples/SHA256SUMS
