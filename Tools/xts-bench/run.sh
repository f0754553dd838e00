#!/usr/bin/env bash
# AES-XTS-128 decryption throughput: Ringo's XTSCipher (release build, 512-byte APFS units, whole extents per call)
# against `openssl speed -evp aes-128-xts -decrypt` (one core) at 4 KiB and at 512-byte buffers, and against a C peer
# (Tools/xts-bench/peer.c: OpenSSL EVP with the tweak set per 512-byte unit), in one invocation.
# Usage: Tools/xts-bench/run.sh [SIZE_MiB=256] [RUNS=5]   (prints a table row per figure and the ratios)
set -euo pipefail
cd "$(dirname "$0")/../.."
size="${1:-256}"
runs="${2:-5}"
swift build -c release --product ringo-xts-bench >/dev/null
bench=.build/release/ringo-xts-bench
# openssl speed prints "... The 'numbers' are in 1000s of bytes per second" then a row with one figure per -bytes.
openssl_speed() {  # $1 = buffer bytes; prints GB/s
  openssl speed -evp aes-128-xts -decrypt -bytes "$1" -seconds 3 2>/dev/null \
    | awk '/^AES-128-XTS|^aes-128-xts/ { v = $NF; sub(/k$/, "", v); printf "%.3f\n", v * 1000 / 1e9 }'
}
o4096=$(openssl_speed 4096)
o512=$(openssl_speed 512)
peer=$(mktemp -d)/xts-peer
gcc -O2 Tools/xts-bench/peer.c -o "$peer" -lcrypto
cpeer=$("$peer" "$size" "$runs" | cut -f3)
ringo=$("$bench" "$size" 1024 "$runs" | cut -f3)
ringo4k=$("$bench" "$size" 4 "$runs" | cut -f3)
echo -e "figure\tGB/s"
echo -e "openssl speed -evp aes-128-xts -decrypt, 4096-byte buffers\t$o4096"
echo -e "openssl speed -evp aes-128-xts -decrypt, 512-byte buffers\t$o512"
echo -e "C peer: OpenSSL EVP, tweak set per 512-byte unit\t$cpeer"
echo -e "ringo XTSCipher, 1 MiB extents of 512-byte units\t$ringo"
echo -e "ringo XTSCipher, 4 KiB extents (one block per call)\t$ringo4k"
awk -v r="$ringo" -v a="$o4096" -v b="$o512" -v c="$cpeer" 'BEGIN { printf "ratio ringo / openssl@4096\t%.2f\nratio ringo / openssl@512\t%.2f\nratio ringo / C peer\t%.2f\n", r / a, r / b, r / c }'
