#!/usr/bin/env bash
# AEA decoding throughput: `ringo ipsw extract X.aea --aea-key-file K -o DIR` (release build) against python-aea's
# decode (PyPI, the independent implementation the tests use) on the same profile-1 file, in one invocation.
# The payload is SIZE MiB of mixed data (half compressible text, half random), 1 MiB segments, LZFSE, SHA-256.
# Usage: Tools/aea-bench/run.sh [SIZE_MiB=64] [RUNS=3]   (prints wall seconds, MB/s and the ratio)
set -euo pipefail
cd "$(dirname "$0")/../.."
size="${1:-64}"
runs="${2:-3}"
swift build -c release --product ringo >/dev/null
ringo=$PWD/.build/release/ringo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$size" <<'PY'
import aea, base64, os, random, sys
work, size = sys.argv[1], int(sys.argv[2]) << 20
rng = random.Random(7)
words = [b"ringo ", b"segment ", b"cluster ", b"apfs ", b"key "]
text = b"".join(rng.choice(words) for _ in range(size // 12))[: size // 2]
plain = text + os.urandom(size - len(text))
key = os.urandom(32)
open(os.path.join(work, "key"), "w").write(base64.b64encode(key).decode() + "\n")
open(os.path.join(work, "bench.bin.aea"), "wb").write(aea.encode(plain, symmetric_key=key))
PY
best() { sort -n | head -1; }
ringo_times=()
python_times=()
for _ in $(seq "$runs"); do
  rm -rf "$work/out"
  s=$(date +%s.%N); "$ringo" ipsw extract "$work/bench.bin.aea" --aea-key-file "$work/key" -o "$work/out" >/dev/null; e=$(date +%s.%N)
  ringo_times+=("$(echo "$e - $s" | bc -l)")
  s=$(date +%s.%N)
  python3 -c 'import aea,base64,sys; k=base64.b64decode(open(sys.argv[2]).read()); aea.decode(open(sys.argv[1],"rb").read(), symmetric_key=k)' "$work/bench.bin.aea" "$work/key"
  e=$(date +%s.%N)
  python_times+=("$(echo "$e - $s" | bc -l)")
done
r=$(printf '%s\n' "${ringo_times[@]}" | best)
p=$(printf '%s\n' "${python_times[@]}" | best)
echo -e "tool\tbest wall s\tMB/s"
awk -v t="$r" -v n="$size" 'BEGIN { printf "ringo ipsw extract\t%.3f\t%.1f\n", t, n * 1.048576 / t }'
awk -v t="$p" -v n="$size" 'BEGIN { printf "python-aea decode\t%.3f\t%.1f\n", t, n * 1.048576 / t }'
awk -v r="$r" -v p="$p" 'BEGIN { printf "ratio python / ringo (speed-up)\t%.2f\n", p / r }'
