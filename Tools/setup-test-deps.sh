#!/usr/bin/env bash
# Installs what the tests, benchmarks and .ci/run need on a fresh Debian machine of this project's kind, from the one
# list Tools/external-programs.tsv (program or library, provider, package), then fetches the real APFS test images
# into a cache outside git. Safe to run again: what is installed
# and cached is kept. SetupTests checks the same list against the machine (dpkg -S) and against the test sources.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
list="$here/external-programs.tsv"
debian=()
pypi=()
while IFS=$'\t' read -r name kind provider package _; do
  case "$name" in ''|'#'*) continue ;; esac
  case "$provider" in
    debian|essential) debian+=("$package") ;;
    pypi) python3 -c "import $name" 2>/dev/null || pypi+=("$package") ;;
    machine) command -v "$name" >/dev/null 2>&1 || { echo "missing $name ($package): not on this machine" >&2; exit 1; } ;;
    *) echo "$list: unknown provider '$provider' for $name" >&2; exit 1 ;;
  esac
done < "$list"
missing=()
for p in $(printf '%s\n' "${debian[@]}" | sort -u); do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]} (run as root or install them)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  wait_lock=(-o DPkg::Lock::Timeout=900)  # another apt run (unattended upgrades, a parallel set-up) holds the lock
  apt-get "${wait_lock[@]}" update -qq
  apt-get "${wait_lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
pip_install() {  # a Debian-managed python3 refuses plain pip installs (PEP 668): retry with its override
  python3 -m pip install --quiet "$@" 2>/dev/null || python3 -m pip install --quiet --break-system-packages "$@"
}
for requirement in ${pypi[@]+"${pypi[@]}"}; do
  pip_install "$requirement"
done
"$here"/fixtures/fetch-dissect-images.sh
