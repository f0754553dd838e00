#!/usr/bin/env python3
"""Regenerates the committed kernelcache payload vectors for IPSWFormatTests.

Needs PyPI `lzfse` (0.4.2.post1, bindings for Apple's reference lzfse) and `pylzss` (0.3.9, the LZSS coder pyimg4
uses for kernelcaches). CI does not run this: the outputs are committed. Run: python3 make_vectors.py (from here).

kernel.macho      a synthetic arm64 Mach-O-shaped blob (header magic, filler, a Darwin version string)
kernel.complzss   complzss header (pyimg4 layout: magic, adler32, sizes, version 1, pad to 0x180) + LZSS data
kernel.lzfse      LZFSE (bvx2) stream of kernel.macho
kernel_fat.lzfse  LZFSE stream of a single-arch FAT (0xCAFEBABE) wrapper around kernel.macho
"""
import random, struct, zlib
import lzfse, lzss

VERSION = b"Darwin Kernel Version 23.4.0: Fri Mar 15 00:12:37 PDT 2024; root:xnu-10063.102.14~67/RELEASE_ARM64_T8101"

rng = random.Random(20261203)
body = bytearray(struct.pack("<IIIIIIII", 0xFEEDFACF, 0x0100000C, 0, 2, 0, 0, 0, 0))
words = [b"__TEXT", b"__DATA", b"__LINKEDIT", b"kext", b"IOKit", b"apfs", b"sepOS", b"\x00" * 16]
while len(body) < 40000:
    body += rng.choice(words)
body += VERSION + b"\x00"
while len(body) < 60000:
    body += rng.choice(words)
kernel = bytes(body)
open("kernel.macho", "wb").write(kernel)

packed = lzss.compress(kernel)
header = b"complzss" + struct.pack(">IIII", zlib.adler32(kernel) & 0xFFFFFFFF, len(kernel), len(packed), 1)
header += b"\x00" * (0x180 - len(header))
open("kernel.complzss", "wb").write(header + packed + b"KPP-appended")

open("kernel.lzfse", "wb").write(lzfse.compress(kernel))
fat = struct.pack(">II", 0xCAFEBABE, 1) + struct.pack(">iiIII", 0x0100000C, 0, 0x4000, len(kernel), 14)
fat += b"\x00" * (0x4000 - len(fat)) + kernel
open("kernel_fat.lzfse", "wb").write(lzfse.compress(fat))
