#!/usr/bin/env bash
# AES-XTS-128 decryption throughput, one core, in one invocation:
# - `openssl speed -evp aes-128-xts -decrypt` at 4096-byte buffers (one tweak per 4 KiB: the issue's baseline) and at
#   512 bytes;
# - the C peer (Tools/xts-bench/peer.c): 512-byte APFS units with the tweak set per unit through EVP and through the
#   provider functions XTSCipher uses, plus the bound (the provider's cipher call alone, decrypt_init alone);
# - Ringo's XTSCipher (release ringo-xts-bench) on the provider path and on the EVP path, 64 KiB and 4 KiB per call,
#   on a 256 KiB buffer (in cache, as openssl speed measures), and 1 MiB extents of a 256 MiB buffer (memory-bound).
# Usage: Tools/xts-bench/run.sh   (prints one row per figure, then the ratios)
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product ringo-xts-bench >/dev/null
bench=.build/release/ringo-xts-bench
# openssl speed prints "... The 'numbers' are in 1000s of bytes per second" then a row with one figure per -bytes.
openssl_speed() {  # $1 = buffer bytes; prints GB/s
  openssl speed -evp aes-128-xts -decrypt -bytes "$1" -seconds 3 2>/dev/null \
    | awk '/^AES-128-XTS|^aes-128-xts/ { v = $NF; sub(/k$/, "", v); printf "%.3f\n", v * 1000 / 1e9 }'
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -I Sources/COpenSSL Tools/xts-bench/peer.c -o "$work/xts-peer" -lcrypto
o4096=$(openssl_speed 4096)
o512=$(openssl_speed 512)
"$work/xts-peer" 256 20 200 >"$work/peer.tsv"
peer() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$work/peer.tsv"; }
ringo=$("$bench" 256 64 20 200 provider | cut -f3)
ringo4k=$("$bench" 256 4 20 200 provider | cut -f3)
ringoEVP=$("$bench" 256 64 20 200 evp | cut -f3)
ringoBig=$("$bench" 262144 1024 1 5 provider | cut -f3)
echo -e "figure\tGB/s"
echo -e "openssl speed -evp aes-128-xts -decrypt, 4096-byte buffers\t$o4096"
echo -e "openssl speed -evp aes-128-xts -decrypt, 512-byte buffers\t$o512"
echo -e "C peer: EVP, tweak set per 512-byte unit (EVP_DecryptInit_ex)\t$(peer c-evp)"
echo -e "C peer: provider functions, tweak per 512-byte unit (XTSCipher's loop)\t$(peer c-provider)"
echo -e "C peer: provider cipher call alone per 512-byte unit (bound)\t$(peer c-provider-cipher-only)"
echo -e "C peer: provider cipher call on 4096 bytes, one tweak\t$(peer c-provider-4096-one-tweak)"
echo -e "ringo XTSCipher (provider), 64 KiB per call, in cache\t$ringo"
echo -e "ringo XTSCipher (provider), 4 KiB per call, in cache\t$ringo4k"
echo -e "ringo XTSCipher (EVP path), 64 KiB per call, in cache\t$ringoEVP"
echo -e "ringo XTSCipher (provider), 1 MiB extents of 256 MiB (memory-bound)\t$ringoBig"
echo -e "ns per 512-byte unit: EVP / provider / cipher alone / decrypt_init alone\t$(peer ns-per-unit-evp) / $(peer ns-per-unit-provider) / $(peer ns-per-unit-cipher-only) / $(peer ns-per-unit-decrypt-init)"
awk -v r="$ringo" -v r4="$ringo4k" -v e="$ringoEVP" -v a="$o4096" -v b="$o512" -v c="$(peer c-provider)" \
  -v bound="$(peer c-provider-cipher-only)" 'BEGIN {
  printf "ratio ringo (64 KiB calls) / openssl speed @4096\t%.2f\n", r / a
  printf "ratio ringo (4 KiB calls) / openssl speed @4096\t%.2f\n", r4 / a
  printf "ratio ringo / openssl speed @512\t%.2f\n", r / b
  printf "ratio ringo provider path / ringo EVP path\t%.2f\n", r / e
  printf "ratio ringo / C peer (same provider loop)\t%.2f\n", r / c
  printf "bound: provider cipher alone per 512-byte unit / openssl speed @4096\t%.2f\n", bound / a
}'
