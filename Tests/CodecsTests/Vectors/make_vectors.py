#!/usr/bin/env python3
"""Regenerates the committed LZFSE/LZVN/complzss test vectors.

Needs PyPI `lzfse` (0.4.2.post1: bindings for Apple's reference lzfse) and `pylzss` (0.3.9: the LZSS coder pyimg4
uses for kernelcaches). CI does not run this: the outputs are committed, and MANIFEST.tsv records the size and SHA-256
of each decoded payload (name, codec, decoded size, sha256). Run: python3 make_vectors.py (from this folder).
"""
import hashlib, random, struct, zlib
import lzfse, lzss

def text(rng, n):
    words = [b"apple", b"file", b"system", b"volume", b"container", b"snapshot", b"extent", b"inode",
             b"checkpoint", b"omap", b"btree", b"keybag", b"crypto", b"\n", b"0123456789", b"ringo"]
    out = bytearray()
    while len(out) < n:
        out += rng.choice(words) + b" "
    return bytes(out[:n])

def mixed(rng, n):
    out = bytearray()
    while len(out) < n:
        kind = rng.randrange(4)
        if kind == 0:
            out += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        elif kind == 1:
            out += bytes(rng.randrange(1, 4000))  # long zero runs: long matches
        elif kind == 2 and len(out) > 70000:
            start = rng.randrange(len(out) - 66000)  # far back-reference
            out += out[start:start + rng.randrange(4, 600)]
        else:
            out += text(rng, rng.randrange(10, 2000))
    return bytes(out[:n])

def complzss(plain):
    body = lzss.compress(plain)
    header = b"complzss" + struct.pack(">IIII", zlib.adler32(plain) & 0xffffffff, len(plain), len(body), 1)
    return header + bytes(0x180 - len(header)) + body

rng = random.Random(0x5249_4E47)
cases = {
    "lzfse_text_small": text(rng, 3000),   # < 4096 bytes: the encoder emits one bvxn block
    "lzfse_text_64k": text(rng, 65536),    # bvx2 blocks
    "lzfse_mixed_300k": mixed(rng, 300000),  # several bvx2 blocks, long matches, far distances
    "lzfse_random_8k": bytes(rng.randrange(256) for _ in range(8192)),  # incompressible
    "lzfse_empty": b"",
}
manifest = []
for name, plain in cases.items():
    blob = lzfse.compress(plain)
    assert not plain or lzfse.decompress(blob) == plain  # the binding rejects empty output
    open(name + ".lzfse", "wb").write(blob)
    manifest.append((name + ".lzfse", "lzfse", len(plain), hashlib.sha256(plain).hexdigest()))

# A raw LZVN payload (decmpfs style): the body of a bvxn block, without its 12-byte header.
small = lzfse.compress(cases["lzfse_text_small"])
assert small[:4] == b"bvxn"
raw_count, payload_count = struct.unpack("<II", small[4:12])
open("lzvn_text_small.lzvn", "wb").write(small[12:12 + payload_count])
manifest.append(("lzvn_text_small.lzvn", "lzvn", raw_count, hashlib.sha256(cases["lzfse_text_small"]).hexdigest()))

for name, plain in {"complzss_text_20k": text(rng, 20000), "complzss_mixed_90k": mixed(rng, 90000)}.items():
    blob = complzss(plain)
    open(name + ".complzss", "wb").write(blob)
    manifest.append((name + ".complzss", "complzss", len(plain), hashlib.sha256(plain).hexdigest()))

with open("MANIFEST.tsv", "w") as f:
    for row in manifest:
        f.write("\t".join(str(x) for x in row) + "\n")
print("\n".join("\t".join(str(x) for x in row) for row in manifest))
