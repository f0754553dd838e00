#!/usr/bin/env bash
# Builds the libFuzzer harnesses (AddressSanitizer + libFuzzer, release) and runs them.
#
#   Tools/fuzz/run.sh [HARNESS|all] [SECONDS]      run one harness (or every one in turn) for SECONDS each (default 60)
#   Tools/fuzz/run.sh --build-only                 build only
#   Tools/fuzz/run.sh --replay HARNESS FILE...     run the harness once on each FILE (a reproducer), no fuzzing
#
# Seeds come from Tools/fuzz/corpus/HARNESS (committed, read-only here); what the fuzzer finds goes to
# ${FUZZ_WORK:-Tools/fuzz/.work}/corpus/HARNESS, logs to .../logs, crashes, timeouts and out-of-memory inputs to
# .../artifacts. Limits: FUZZ_TIMEOUT seconds per input (default 5; the target is 1 s per MiB without sanitizers),
# -malloc_limit_mb=256 (one allocation past 256 MiB is a finding), -rss_limit_mb=2048 (ASan's own overhead included).
# Exit status 1 when any harness reported a finding. A summary line per harness: executions, cov:, ft:.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
package="$here/harnesses"  # the SwiftPM package (its own folder name: a package's identity is its folder's name)
work="${FUZZ_WORK:-$here/.work}"
timeout_s="${FUZZ_TIMEOUT:-5}"
# Known leaks in upstream code (lsan.supp says which); anything else is a finding.
# The Swift runtime's own crash handler reads memory in ways ASan reports as its own bug; libFuzzer prints the stack.
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
flags=(-c release --manifest-cache none -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
  -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld)
# --manifest-cache none: Package.swift reads harnesses.txt, and a cached manifest would not see a harness added there.
# ld.gold (the default) fails on these links with an internal error; lld ships with the Swift toolchain.

# FUZZ_SKIP_BUILD=1: use what was built (two run.sh at once must not both run swift build on this package).
build() { [ -n "${FUZZ_SKIP_BUILD:-}" ] || swift build --package-path "$package" "${flags[@]}" >&2; }
bindir() { swift build --package-path "$package" "${flags[@]}" --show-bin-path; }

if [ "${1:-}" = "--build-only" ]; then build; exit 0; fi
if [ "${1:-}" = "--replay" ]; then
  shift; harness="$1"; shift
  build
  exec "$(bindir)/$harness" -runs=1 -timeout="$timeout_s" -malloc_limit_mb=256 -rss_limit_mb=2048 "$@"
fi

target="${1:-all}"
seconds="${2:-60}"
mapfile -t all < <(grep -v '^$' "$package/harnesses.txt")
if [ "$target" = "all" ]; then harnesses=("${all[@]}"); else harnesses=("$target"); fi
build
bin="$(bindir)"
mkdir -p "$work/logs" "$work/artifacts"
failed=()
for h in "${harnesses[@]}"; do
  [ -x "$bin/$h" ] || { echo "no harness named $h (see $package/harnesses.txt)" >&2; exit 2; }
  mkdir -p "$work/corpus/$h"
  seeds=()
  [ -d "$here/corpus/$h" ] && seeds=("$here/corpus/$h")
  log="$work/logs/$h.log"
  # Leak checking is off for the harnesses whose upstream code leaks on every rejected input (both leaks are named in
  # lsan.supp): LeakSanitizer would otherwise run after every input and cut the rate a hundredfold.
  # - Foundation's PropertyListSerialization: every harness that reaches a property list.
  # - libewf 20140813 (`ewf`): the chunk buffer of every failed read (FUZZING.md, finding 7). EWFImage bounds it per
  #   image, but every input is a new image.
  leaks=()
  case "$h" in
    plist | udif-resource-fork | udif-image | ipsw | triage | sparsebundle | split-raw | ewf) leaks=(-detect_leaks=0) ;;
  esac
  set +e
  (cd "$work" && "$bin/$h" "$work/corpus/$h" "${seeds[@]}" -max_total_time="$seconds" -timeout="$timeout_s" \
    -malloc_limit_mb=256 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/$h-" "${leaks[@]}" \
    ${FUZZ_ARGS:-} >"$log" 2>&1)
  status=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo "?")
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo "?")
  if [ $status -ne 0 ]; then
    failed+=("$h")
    echo "FINDING $h: exit $status after $execs executions; see $log and $work/artifacts/$h-*"
    grep -E 'ERROR|SUMMARY|Fatal error|Test unit written' "$log" | head -5 | sed 's/^/    /'
  else
    echo "ok $h: $execs executions in ${seconds}s, cov $cov, ft $ft"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then echo "findings in: ${failed[*]}"; exit 1; fi
