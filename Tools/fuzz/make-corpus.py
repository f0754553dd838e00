#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses into Tools/fuzz/corpus/HARNESS/ (committed; rerun to refresh).

Sources: the shared fixtures ($RINGO_SHARED/fixtures: DMGs, IMG4 files, an AEA file), the committed Samples and codec
vectors, and the real dissect.apfs images (~/.cache/ringo, fetched by Tools/setup-test-deps.sh), cut to single
blocks or short prefixes; the rest is made here with Python's zlib, bz2, lzma, zipfile and plistlib, E01 segments
with ewfacquire (Debian ewf-tools) and AEA archives with python-aea (PyPI), both installed by the setup script. Seeds are kept
small: a block (4 KiB) for object and node harnesses, a short prefix for the container and pipeline harnesses.
"""
import bz2, io, lzma, os, plistlib, struct, subprocess, sys, tempfile, zipfile, zlib, binascii

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
shared = os.environ.get("RINGO_SHARED") or os.path.join(os.path.dirname(root), "shared")
fixtures = os.path.join(shared, "fixtures")
dissect = os.path.expanduser("~/.cache/ringo/dissect-apfs-1.1")
B = 4096


def put(harness, name, data):
    d = os.path.join(here, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def blocks_of_type(image, wanted, subtype=None, limit=3):
    """Blocks whose obj_phys_t type (low 16 bits) is `wanted` (and subtype, when given)."""
    out = []
    for i in range(len(image) // B):
        blk = image[i * B:(i + 1) * B]
        if blk[:8] == b"\0" * 8:
            continue
        t, st = struct.unpack_from("<II", blk, 24)
        if t & 0xFFFF == wanted and (subtype is None or st == subtype):
            out.append((i, blk))
            if len(out) >= limit:
                break
    return out


images = {}
for name in ["case_insensitive.bin", "encrypted.bin", "corrupt.bin", "snapshot.bin"]:
    p = os.path.join(dissect, name)
    if os.path.exists(p):
        images[name.split(".")[0]] = read(p)
for name in ["ios-healthy.img", "onekey.img", "macos.img"]:
    images[name.split(".")[0]] = read(os.path.join(root, "Samples", name))
if len(images) < 4:
    sys.exit("the dissect.apfs images are missing: run Tools/setup-test-deps.sh")

for label, img in images.items():
    put("apfs-nx-superblock", label, img[:B])
    for i, blk in blocks_of_type(img, 0x0D, limit=1):
        put("apfs-volume-superblock", label, blk)
    for i, blk in blocks_of_type(img, 0x0C, limit=1):
        put("apfs-checkpoint-map", label, blk)
    for i, blk in blocks_of_type(img, 0x05, limit=1):
        put("apfs-checkpoint-map", label + "-spaceman", blk)
    # omap_phys_t at block 0 of the seed, its tree root at block 1 (om_tree_oid rewritten to 1).
    for i, blk in blocks_of_type(img, 0x0B, limit=1):
        tree = struct.unpack_from("<Q", blk, 0x30)[0]
        if tree * B + B <= len(img):
            omap = bytearray(blk)
            struct.pack_into("<Q", omap, 0x30, 1)
            put("apfs-object-map", label, bytes(omap) + img[tree * B:tree * B + B])
    for i, blk in blocks_of_type(img, 0x02, limit=1) + blocks_of_type(img, 0x03, limit=1):
        put("apfs-btree-node", f"{label}-{i}", blk)
    for i, blk in blocks_of_type(img, 0x03, subtype=0x0E, limit=2) + blocks_of_type(img, 0x02, subtype=0x0E, limit=1):
        put("apfs-fs-records", f"{label}-{i}", blk)
# Containers: a prefix holding block 0, the checkpoint area and the first metadata blocks.
put("apfs-container", "case_insensitive", images["case_insensitive"][:24 * B])
put("apfs-container", "macos", images["macos"][:24 * B])
put("triage", "apfs-prefix", images["case_insensitive"][:24 * B])


# GPT: protective MBR, header at LBA 1, 128 entries at LBA 2, one Apple APFS partition.
def gpt_disk(sectors=64):
    disk = bytearray(sectors * 512)
    disk[446 + 4] = 0xEE
    struct.pack_into("<II", disk, 446 + 8, 1, sectors - 1)
    disk[510:512] = b"\x55\xaa"
    apfs = bytes.fromhex("EF57347C0000AA11AA1100306543ECAC")
    entry = apfs + b"\x11" * 16 + struct.pack("<QQQ", 40, sectors - 2, 0) + "Container".encode("utf-16-le").ljust(72, b"\0")
    entries = entry.ljust(128 * 128, b"\0")
    disk[1024:1024 + len(entries)] = entries
    hdr = bytearray(92)
    struct.pack_into("<8sIIIIQQQQ16sQIII", hdr, 0, b"EFI PART", 0x10000, 92, 0, 0, 1, sectors - 1, 34, sectors - 34,
                     b"\x22" * 16, 2, 128, 128, binascii.crc32(entries))
    struct.pack_into("<I", hdr, 16, binascii.crc32(bytes(hdr)))
    disk[512:512 + 92] = hdr
    return bytes(disk)


put("gpt", "one-apfs-partition", gpt_disk())
put("triage", "gpt", gpt_disk())

dmg_dir = os.path.join(fixtures, "dmg")
for name in sorted(os.listdir(dmg_dir)):
    data = read(os.path.join(dmg_dir, name))
    if name.endswith(".dmg"):
        put("udif-koly", name, data[-512:])
        if len(data) <= 32 << 10:
            put("udif-image", name, data)
    if name == "hdimac_test-disk-image-apfs.dmg":
        put("triage", name, data)
put("udif-resource-fork", "libmodi_udif_xml_plist", read(os.path.join(dmg_dir, "libmodi_udif_xml_plist.1")))
put("udif-block-table", "libmodi_udif_block_table", read(os.path.join(dmg_dir, "libmodi_udif_block_table.1")))

text = b"".join(b"line %d of a small text, some of it repeated, repeated, repeated\n" % i for i in range(120))
put("codec-zlib", "text", zlib.compress(text))
put("codec-zlib", "empty", zlib.compress(b""))
raw = zlib.compressobj(6, zlib.DEFLATED, -15)
put("codec-deflate", "text", raw.compress(text) + raw.flush())
put("codec-bzip2", "text", bz2.compress(text))
put("codec-xz", "text", lzma.compress(text, format=lzma.FORMAT_XZ))
put("codec-lzma", "text", lzma.compress(text, format=lzma.FORMAT_ALONE))
# ADC: a literal run (0x80 | n-1), a 2-byte match (0LLLLLDD: length-3, distance-1 high bits; low byte) and a 3-byte
# match (01LLLLLL: length-4; 16-bit distance-1).
put("codec-adc", "literal-and-matches", bytes([0x87]) + b"abcdefgh" + bytes([0x0C, 0x07, 0x45, 0x00, 0x03, 0x82]) + b"xyz")
vectors = os.path.join(root, "Tests", "CodecsTests", "Vectors")
put("codec-lzvn", "text_small", read(os.path.join(vectors, "lzvn_text_small.lzvn")))
for v in ["lzfse_text_small.lzfse", "lzfse_empty.lzfse", "lzfse_random_8k.lzfse"]:
    put("codec-lzfse", v.split(".")[0], read(os.path.join(vectors, v)))
put("codec-complzss", "text_20k", read(os.path.join(vectors, "complzss_text_20k.complzss")))

img4 = os.path.join(fixtures, "img4")
for name in ["IMG4"]:
    put("img4", name, read(os.path.join(img4, name)))
put("im4p", "IM4P", read(os.path.join(img4, "IM4P")))
ipsw_vectors = os.path.join(root, "Tests", "IPSWFormatTests", "Vectors")
put("im4m", "IM4M", read(os.path.join(img4, "IM4M")))
put("im4r", "IM4R", read(os.path.join(img4, "IM4R")))
put("der", "IM4M", read(os.path.join(img4, "IM4M")))
put("der", "IM4R", read(os.path.join(img4, "IM4R")))

aea = read(os.path.join(fixtures, "aea", "contactVerificationTest.shortcut"))
put("aea", "shortcut-head", aea[:8192])
put("triage", "aea-head", aea[:8192])

manifest = {
    "ManifestVersion": 0, "ProductVersion": "17.4", "ProductBuildVersion": "21E219",
    "SupportedProductTypes": ["iPhone14,2"],
    "BuildIdentities": [{
        "ApBoardID": "0x0C", "ApChipID": "0x8110",
        "Info": {"DeviceClass": "d63ap", "RestoreBehavior": "Erase", "Variant": "Customer Erase Install (IPSW)"},
        "Manifest": {
            "KernelCache": {"Digest": bytes(48), "Info": {"Path": "kernelcache.release.iphone14", "Personalize": True},
                            "Trusted": True},
            "OS": {"Digest": bytes(48), "Info": {"Path": "098-12345-001.dmg"}, "Trusted": True},
        },
    }],
}
restore = {
    "ProductType": "iPhone14,2", "ProductBuildVersion": "21E219", "SupportedProductTypes": ["iPhone14,2"],
    "MinimumSystemPartition": {"098-12345-001.dmg": 7000}, "SystemPartitionPadding": {"n61": {"16": 1280}},
    "SystemRestoreImages": {"User": "098-12345-001.dmg"}, "RestoreRamDisks": {"Update": "a.dmg", "User": "b.dmg"},
}
put("plist", "manifest-xml", plistlib.dumps(manifest))
put("plist", "manifest-binary", plistlib.dumps(manifest, fmt=plistlib.FMT_BINARY))
put("plist", "restore-xml", plistlib.dumps(restore))


def zip_bytes(entries, zip64=False):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data, method in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = method
            with z.open(info, "w", force_zip64=zip64) as f:
                f.write(data)
    return buf.getvalue()


small = [("Restore.plist", plistlib.dumps(restore), zipfile.ZIP_DEFLATED), ("a.txt", text[:300], zipfile.ZIP_STORED),
         ("Firmware/", b"", zipfile.ZIP_STORED)]
put("zip", "stored-and-deflated", zip_bytes(small))
put("zip", "zip64", zip_bytes(small[:2], zip64=True))
kernel = read(os.path.join(img4, "IM4P"))
put("ipsw", "manifest-restore-kernel", zip_bytes([
    ("BuildManifest.plist", plistlib.dumps(manifest), zipfile.ZIP_DEFLATED),
    ("Restore.plist", plistlib.dumps(restore), zipfile.ZIP_DEFLATED),
    ("kernelcache.release.iphone14", kernel, zipfile.ZIP_DEFLATED)]))

# E01: tiny disks acquired by the real ewfacquire (one segment each; the harness writes its input as image.E01).
def e01(raw, compression):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "disk.raw")
        with open(src, "wb") as f:
            f.write(raw)
        subprocess.run(["ewfacquire", "-u", "-q", "-t", os.path.join(tmp, "out"), "-C", "CASE-1", "-e", "Examiner",
                        "-E", "EV-1", "-D", "fuzz seed", "-N", "notes", "-d", "sha1", "-c", compression, "-b", "64",
                        src], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return read(os.path.join(tmp, "out.E01"))


put("ewf", "gpt-deflate", e01(gpt_disk(), "deflate:fast"))
put("ewf", "apfs-prefix-none", e01(images["case_insensitive"][:16 * B], "none"))

# Split raw: the harness's layout (pieces, naming, u16 lengths of all pieces but the last, then the disk).
disk = gpt_disk()
put("split-raw", "gpt-3-pieces", bytes([1, 0]) + struct.pack("<HH", 10000, 12000) + disk)
put("split-raw", "apfs-2-lettered", bytes([0, 2]) + struct.pack("<H", 3 * B + 100) + images["case_insensitive"][:8 * B])


# .sparseimage: 4096-byte big-endian header (sprs, sectors per band at 8, media sectors at 16, band map at 64),
# bands after it; here 4 KiB bands, media band 3 stored first, band 1 second, bands 2 and 4 holes.
def sparseimage(bands, stored, sectors_per_band=8):
    header = bytearray(4096)
    header[0:4] = b"sprs"
    struct.pack_into(">I", header, 8, sectors_per_band)
    struct.pack_into(">I", header, 16, bands * sectors_per_band)
    for i, number in enumerate(stored):
        struct.pack_into(">I", header, 64 + 4 * i, number)
    return bytes(header) + b"".join(bytes([n]) * (sectors_per_band * 512) for n in stored)


put("sparseimage", "four-bands-two-stored", sparseimage(4, [3, 1]))
put("sparseimage", "gpt-in-bands", sparseimage(8, [1, 2, 3, 4, 5, 6, 7, 8])[:4096] + disk)


# .sparsebundle: the harness's layout (u16 Info.plist length, Info.plist, then per band file: u8 index, u16 length,
# bytes).
def bundle(info, bands):
    out = struct.pack("<H", len(info)) + info
    for index, data in bands:
        out += bytes([index]) + struct.pack("<H", len(data)) + data
    return out


def bundle_info(band, size, fmt=plistlib.FMT_XML):
    return plistlib.dumps({"CFBundleInfoDictionaryVersion": "6.0", "band-size": band,
                           "diskimage-bundle-type": "com.apple.diskimage.sparsebundle", "size": size}, fmt=fmt)


put("sparsebundle", "gpt-four-bands", bundle(bundle_info(8192, len(disk)), [(i, disk[i * 8192:(i + 1) * 8192])
                                                                             for i in (0, 1, 3)]))
put("sparsebundle", "binary-plist-short-band", bundle(bundle_info(4096, 5 * 4096, plistlib.FMT_BINARY),
                                                      [(0, b"\x11" * 4096), (4, b"\x22" * 100)]))

# AEA: python-aea archives, profile 1 with the harness's fixed key (bytes 0..31), the smallest segments (16 KiB) and
# clusters (32 segments) python-aea allows, one of them 33 segments of compressible bytes (two clusters); plus the shared profile-0 fixture whole (its key is in the file).
import aea as pyaea
key = bytes(range(32))
for name, plain, options in [
        ("p1-two-clusters", (text * 70)[:33 * 0x4000 + 100], dict(compression_algorithm="e", checksum_algorithm=2)),
        ("p1-lzfse-sha256", text * 5, dict(compression_algorithm="e", checksum_algorithm=2)),
        ("p1-zlib-murmur", text + bytes(range(256)) * 8, dict(compression_algorithm="z", checksum_algorithm=1)),
        ("p1-raw-none", bytes(range(256)) * 20, dict(compression_algorithm="-", checksum_algorithm=0)),
        ("p1-lzma-authdata", text, dict(compression_algorithm="x", checksum_algorithm=2,
                                        auth_data=b"\x10\x00\x00\x00name\x00ringo-fuzz"))]:
    encoded = pyaea.encode(plain, symmetric_key=key, segment_size=0x4000, segments_per_cluster=32, **options)
    assert pyaea.decode(encoded, symmetric_key=key) == plain
    put("aea-archive", name, encoded)
put("aea-archive", "shortcut-profile0", aea)
print("seeds written under", os.path.join(here, "corpus"))
