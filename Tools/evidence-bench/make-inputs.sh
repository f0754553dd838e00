#!/usr/bin/env bash
# Makes the inputs of the evidence benches (BENCHMARKS.md, "Evidence formats") in DIR, the same bytes on every run:
#   mixed.bin          512 MiB: 128 MiB random, 128 MiB English-like text, 128 MiB zeros, 4 x dissect.apfs's
#                      snapshot.bin (a real macOS-made APFS image, fetched by Tools/fixtures/fetch-dissect-images.sh);
#                      random and text from a seeded generator (python3), so the media is identical wherever it is made
#   mixed.E01          mixed.bin acquired by ewfacquire -u -q -t mixed -d sha1 -c deflate:fast -S 200MiB (one segment;
#                      the media and its digests are fixed, the header's acquiry date is not)
#   big32.sparseimage  32 GiB sparse disk image, 8 stored bands of seeded random bytes (make-sparseimage.py)
# A file already present (mixed.bin and big32.sparseimage: at their expected size) is kept, not made again.
# Usage: Tools/evidence-bench/make-inputs.sh [DIR]   (DIR defaults to /tmp/ringo-evidence-bench)
set -euo pipefail
here=$(dirname "$0")
dir="${1:-/tmp/ringo-evidence-bench}"
snapshot="${RINGO_CACHE:-$HOME/.cache/ringo}/dissect-apfs-1.1/snapshot.bin"
mkdir -p "$dir"
work=$(mktemp -d "$dir/.make-inputs.XXXXXX")
trap 'rm -rf "$work"' EXIT
size() { if [ -f "$1" ]; then stat -c %s "$1"; else echo 0; fi; }

if [ "$(size "$dir/mixed.bin")" = 536870912 ]; then
  echo "keeping $dir/mixed.bin"
else
  if [ "$(size "$snapshot")" != 33554432 ]; then
    echo "make-inputs: $snapshot (32 MiB) is missing: run Tools/fixtures/fetch-dissect-images.sh first" >&2
    exit 1
  fi
  echo "writing $dir/mixed.bin"
  python3 - "$work/mixed.bin" "$snapshot" <<'PY'
import random, sys, textwrap

out, snapshot = sys.argv[1], sys.argv[2]
MiB = 1 << 20
part = 128 * MiB
rng = random.Random(20261207)
words = """the of and to in is that for it as was with be by on not this are or from at which but have an they were
there been one all we their has would when if so no will what can out up more who about some into them then time only
could other new these two may do first any like now such over our even most made after also did many before must
through back years where much way well down should because each just those people how too little state good very make
world still own see men work long get here between both life being under never day same another know while last might
great old year off come since against go came right used take three himself few house use during without again place
around however home small found thought went say part once general high upon school every does got left number course
until always away something fact though water less public put think almost hand enough far took head yet system better
set told nothing night end why called eyes find going look asked later knew point next program city business give group
toward young days let room side social given present several order national possible rather second face among form
important often things looked early white case become large need four within felt along children saw best church ever
least power development light thing seemed family interest want members mind country area others although turned done
open service certain kind problem began different door thus help sense means whole matter perhaps itself times law
human line above name example action company hands local show whether five history gave today either act feet across
taken past quite anything seen having week experience body word half really field car words already information tell
college shall money period held keep sure probably free seems real behind question air office making brought whose
special major heard became study ago moment known result street reason change position south board individual job
society areas west close turn love community true court force full seem future age wanted voice center woman control
common policy necessary following front sometimes six girl clear further land run students provide feel party able
mother music education university child effect level stood town short morning total outside rate figure class art
century north usually leave therefore evidence disk image volume snapshot block file record report""".split()

def sentence():
    chosen = [rng.choice(words) for _ in range(rng.randint(5, 18))]
    if len(chosen) > 8 and rng.random() < 0.4:
        chosen[rng.randint(3, len(chosen) - 3)] += ","
    return " ".join(chosen).capitalize() + rng.choice(".....?!")

sentences = [sentence() for _ in range(20000)]
paragraphs = [
    textwrap.fill(" ".join(rng.choice(sentences) for _ in range(rng.randint(2, 7))), width=rng.randint(64, 88)) + "\n\n"
    for _ in range(40000)
]
with open(out, "wb") as f:
    for _ in range(part // (8 * MiB)):
        f.write(rng.randbytes(8 * MiB))
    text = bytearray()
    while len(text) < part:
        text += "".join(rng.choices(paragraphs, k=4096)).encode()
    f.write(text[:part])
    f.write(bytes(part))
    with open(snapshot, "rb") as s:
        image = s.read()
    assert len(image) * 4 == part, "snapshot.bin is not 32 MiB"
    for _ in range(4):
        f.write(image)
PY
  mv "$work/mixed.bin" "$dir/mixed.bin"
fi

if [ -f "$dir/mixed.E01" ]; then
  echo "keeping $dir/mixed.E01"
else
  echo "acquiring $dir/mixed.E01"
  ewfacquire -u -q -t "$work/mixed" -d sha1 -c deflate:fast -S 200MiB "$dir/mixed.bin" > "$work/acquire.log"
  mv "$work"/mixed.E* "$dir/"
fi

if [ "$(size "$dir/big32.sparseimage")" = 536875008 ]; then
  echo "keeping $dir/big32.sparseimage"
else
  echo "writing $dir/big32.sparseimage"
  python3 "$here/make-sparseimage.py" "$work/big32.sparseimage" 32 8 131072 20261207
  mv "$work/big32.sparseimage" "$dir/big32.sparseimage"
fi
ls -l "$dir/mixed.bin" "$dir"/mixed.E* "$dir/big32.sparseimage"
