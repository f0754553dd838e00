#!/usr/bin/env bash
# Prints, one line each, the version of every program, module and library in Tools/external-programs.tsv as found on
# this machine: what a test run was checked against. .ci/run prints it after the setup.
set -uo pipefail
list="$(cd "$(dirname "$0")" && pwd)/external-programs.tsv"
while IFS=$'\t' read -r name kind provider package _; do
  case "$name" in ''|'#'*) continue ;; esac
  case "$provider" in
    debian|essential)
      version=$(dpkg-query -W -f='${Version}' "$package" 2>/dev/null || echo "not installed") ;;
    pypi)
      module=${package%%==*}
      version=$(python3 -c "import importlib.metadata as m; print(m.version('$module'))" 2>/dev/null || echo "not installed") ;;
    machine)
      version=$("$name" --version 2>&1 | head -n 1) ;;
  esac
  where=""
  [ "$kind" = program ] && where=$(type -P "$name" || echo "not found")
  printf 'peer %-14s %-16s %-34s %s\n' "$name" "$package" "$version" "$where"
done < "$list"
