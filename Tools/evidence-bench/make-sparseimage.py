#!/usr/bin/env python3
"""Writes a .sparseimage (format facts: libmodi's "Mac OS disk image types": 4096-byte big-endian header "sprs",
sectors per band at 8, media sectors at 16, band map of 1-based band numbers at 64, bands from 4096 on) of SIZE GiB
whose bands are holes except COUNT bands of random bytes spread over the disk (from a generator seeded with SEED,
the same bytes on every run, when SEED is given).
Usage: make-sparseimage.py OUT SIZE_GIB [COUNT] [SECTORS_PER_BAND] [SEED]"""
import os, random, struct, sys

out, size_gib = sys.argv[1], int(sys.argv[2])
count = int(sys.argv[3]) if len(sys.argv) > 3 else 8
sectors_per_band = int(sys.argv[4]) if len(sys.argv) > 4 else 131072  # 64 MiB bands
seeded = random.Random(int(sys.argv[5])) if len(sys.argv) > 5 else None
band = sectors_per_band * 512
sectors = size_gib << 21
bands = (sectors * 512 + band - 1) // band
assert bands <= 1008, "more bands than the 4096-byte header holds"
header = bytearray(4096)
header[0:4] = b"sprs"
struct.pack_into(">IIII", header, 4, 3, sectors_per_band, 1, sectors)
stored = [i * bands // count for i in range(count)]
for slot, number in enumerate(stored):
    struct.pack_into(">I", header, 64 + 4 * slot, number + 1)
with open(out, "wb") as f:
    f.write(header)
    for _ in stored:
        f.write(seeded.randbytes(band) if seeded else os.urandom(band))
