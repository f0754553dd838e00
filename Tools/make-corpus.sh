#!/bin/sh
# Builds a labelled content corpus for the block scanner under /tmp (never committed):
#   Tools/make-corpus.sh [OUT_DIR=/tmp/ringo-corpus] [MIB_PER_SOURCE=16]
# Each source is written as its own file and appended to corpus.img on a 4 KiB boundary (zero padded, as files sit in
# a file system); labels.tsv lists offset, length and label of every source inside corpus.img.
# Deterministic except for the machine's own files (/usr/share/doc, /usr/bin). Needs: gzip xz-utils bzip2 sqlite3
# openssl python3 (all Debian packages).
set -eu
OUT=${1:-/tmp/ringo-corpus}
MIB=${2:-16}
case "$OUT" in /tmp/*) ;; *) echo "refusing to write outside /tmp: $OUT" >&2; exit 2 ;; esac
mkdir -p "$OUT"
cd "$OUT"
BYTES=$((MIB * 1048576))

# Text: Debian copyright files in name order, then repeated, cut to size.
for f in $(ls /usr/share/doc | sort); do cat "/usr/share/doc/$f/copyright" 2>/dev/null || true; done > text.src
while [ "$(stat -c %s text.src)" -lt "$BYTES" ]; do cat text.src text.src > text.tmp && mv text.tmp text.src; done
head -c "$BYTES" text.src > text.txt && rm text.src
# Binaries: ELF files from /usr/bin in name order.
: > binary.bin
for f in $(ls /usr/bin | sort); do
  [ "$(stat -c %s binary.bin)" -ge "$BYTES" ] && break
  if [ "$(head -c 4 "/usr/bin/$f" 2>/dev/null | od -An -tx1 | tr -d ' ')" = "7f454c46" ]; then
    head -c 524288 "/usr/bin/$f" >> binary.bin
  fi
done
head -c "$BYTES" binary.bin > binary.tmp && mv binary.tmp binary.bin
# Random (seeded) and AES-128-CTR ciphertext of the text (fixed key and IV).
python3 -c "import random,sys; random.seed(20261203); sys.stdout.buffer.write(random.randbytes($BYTES))" > random.bin
openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f -iv 0f0e0d0c0b0a09080706050403020100 \
  -in text.txt -out aes-ctr.bin
for src in text.txt binary.bin; do
  gzip -c -6 -n "$src" > "$src.gz"
  xz -c -6 -T1 "$src" > "$src.xz"
  bzip2 -c -9 "$src" > "$src.bz2"
done
rm -f sqlite.db
sqlite3 sqlite.db "PRAGMA page_size=4096; CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, value REAL, code INTEGER);
  CREATE INDEX t_name ON t(name);
  WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 30000)
  INSERT INTO t SELECT x, printf('user-%d-%s', x, hex(x * 7919)), x * 3.25, (x * 2654435761) % 4294967296 FROM c;"
head -c 4194304 /dev/zero > zeros.bin

: > corpus.img
printf 'offset\tlength\tlabel\tfile\n' > labels.tsv
add() {  # label file
  off=$(stat -c %s corpus.img)
  len=$(stat -c %s "$2")
  cat "$2" >> corpus.img
  pad=$(( (4096 - len % 4096) % 4096 ))
  [ "$pad" -gt 0 ] && head -c "$pad" /dev/zero >> corpus.img
  printf '%s\t%s\t%s\t%s\n' "$off" "$len" "$1" "$2" >> labels.tsv
}
add zero zeros.bin
add text text.txt
add random random.bin
add aes-ctr aes-ctr.bin
add zlib text.txt.gz
add zlib binary.bin.gz
add xz text.txt.xz
add xz binary.bin.xz
add bzip2 text.txt.bz2
add bzip2 binary.bin.bz2
add sqlite sqlite.db
add binary binary.bin
add zero zeros.bin
echo "corpus: $OUT/corpus.img ($(stat -c %s corpus.img) bytes); labels: $OUT/labels.tsv"
