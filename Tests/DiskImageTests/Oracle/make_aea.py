# Writes AEA files with python-aea (PyPI, an independent implementation; Apple never made these files) for
# AEATests. Usage: python3 make_aea.py OUTDIR [APFS_DMG]
# Each case: OUTDIR/NAME.aea, OUTDIR/NAME.plain (the plaintext), OUTDIR/key (base64 of the 32-byte key).
import base64, os, random, sys
import aea

out = sys.argv[1]
rng = random.Random(19)
key = bytes(rng.randrange(256) for _ in range(32))
open(os.path.join(out, "key"), "w").write(base64.b64encode(key).decode() + "\n")

def text(n):
    words = [b"ringo", b"apfs", b"segment", b"cluster", b"archive", b"key"]
    return b" ".join(rng.choice(words) for _ in range(n))[: n]

def noise(n):
    return bytes(rng.randrange(256) for _ in range(n))

cases = {
    # several clusters (32 segments of 16 KiB each), a short last segment, compressed text and raw (incompressible)
    # segments, SHA-256 checksums, LZFSE
    "clusters-lzfse-sha256": (text(600_000) + noise(70_000) + text(12_345), dict(compression_algorithm="e", checksum_algorithm=2)),
    "zlib-murmur": (text(200_000) + noise(20_000), dict(compression_algorithm="z", checksum_algorithm=1)),
    "lzma-none": (text(90_000), dict(compression_algorithm="x", checksum_algorithm=0)),
    "raw-authdata": (noise(50_000), dict(compression_algorithm="-", checksum_algorithm=2, auth_data=b"\x10\x00\x00\x00name\x00ringo-test")),
    "empty": (b"", dict(compression_algorithm="e", checksum_algorithm=2)),
}
if len(sys.argv) > 2:
    cases["apfs-dmg"] = (open(sys.argv[2], "rb").read(), dict(compression_algorithm="e", checksum_algorithm=2))

for name, (plain, options) in cases.items():
    encoded = aea.encode(plain, symmetric_key=key, segment_size=0x4000, segments_per_cluster=32, **options)
    assert aea.decode(encoded, symmetric_key=key) == plain
    open(os.path.join(out, name + ".aea"), "wb").write(encoded)
    open(os.path.join(out, name + ".plain"), "wb").write(plain)
print("ok", len(cases))
