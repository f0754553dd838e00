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

def v2_to_v1(blob):
    """Rewrites every bvx2 block header of `blob` as a bvx1 header (plain fields, 16-bit frequency tables)."""
    out = bytearray()
    pos = 0
    while True:
        magic = blob[pos:pos + 4]
        if magic == b"bvx$":
            return bytes(out + magic)
        assert magic == b"bvx2", magic
        n_raw, = struct.unpack_from("<I", blob, pos + 4)
        v0, v1, v2 = struct.unpack_from("<QQQ", blob, pos + 8)
        field = lambda v, o, n: (v >> o) & ((1 << n) - 1)
        header_size = field(v2, 0, 32)
        freqs, acc, nbits, src = [], 0, 0, pos + 32
        nbits_table = [2, 3, 2, 5, 2, 3, 2, 8, 2, 3, 2, 5, 2, 3, 2, 14] * 2
        value_table = [0, 2, 1, 4, 0, 3, 1, -1, 0, 2, 1, 5, 0, 3, 1, -1, 0, 2, 1, 6, 0, 3, 1, -1, 0, 2, 1, 7, 0, 3, 1, -1]
        for _ in range(20 + 20 + 64 + 256):
            while src < pos + header_size and nbits + 8 <= 32:
                acc |= blob[src] << nbits; nbits += 8; src += 1
            n = nbits_table[acc & 31]
            value = 8 + ((acc >> 4) & 0xf) if n == 8 else 24 + ((acc >> 4) & 0x3ff) if n == 14 else value_table[acc & 31]
            freqs.append(value); acc >>= n; nbits -= n
        n_lit, n_lit_payload, n_matches = field(v0, 0, 20), field(v0, 20, 20), field(v0, 40, 20)
        n_lmd_payload = field(v1, 40, 20)
        header = struct.pack("<IIIIIIIi4HiHHH", 0x31787662, n_raw, n_lit_payload + n_lmd_payload, n_lit, n_matches,
                             n_lit_payload, n_lmd_payload, field(v0, 60, 3) - 7,
                             field(v1, 0, 10), field(v1, 10, 10), field(v1, 20, 10), field(v1, 30, 10),
                             field(v1, 60, 3) - 7, field(v2, 32, 10), field(v2, 42, 10), field(v2, 52, 10))
        header += struct.pack("<360H", *freqs)
        header += bytes(772 - len(header))  # sizeof(lzfse_compressed_block_header_v1) is 772 (4-byte alignment)
        payload = blob[pos + header_size:pos + header_size + n_lit_payload + n_lmd_payload]
        out += header + payload
        pos += header_size + n_lit_payload + n_lmd_payload

# bvx1 blocks: the encoder only writes bvx2, so rewrite one stream's headers and check the reference decoder agrees.
v1 = v2_to_v1(lzfse.compress(cases["lzfse_text_64k"]))
assert v1[:4] == b"bvx1" and lzfse.decompress(v1) == cases["lzfse_text_64k"]
open("lzfse_v1_text_64k.lzfse", "wb").write(v1)
manifest.append(("lzfse_v1_text_64k.lzfse", "lzfse", len(cases["lzfse_text_64k"]), hashlib.sha256(cases["lzfse_text_64k"]).hexdigest()))

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
