#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine of this project's kind, then fetches the real APFS
# test images into a cache outside git. Safe to run again: installed packages and cached images are kept.
#   peers:   apfsprogs (mkapfs, apfsck), libfsapfs-utils (fsapfsinfo), sleuthkit (pstat, fls), 7zip, unzip, ent,
#            binwalk, fdisk (sfdisk, to build GPT disks with a real partitioner); gzip, xz-utils, bzip2, sqlite3,
#            openssl (the content scanner's labelled accuracy corpus)
#   libs:    zlib1g-dev, liblzma-dev, libbz2-dev, libssl-dev (system-library targets; libssl-dev: OpenSSL EVP AES-XTS
#            for FileVault volumes)
#   python:  jsonschema (validates every report against ../shared/docs/report-schema.json); dissect.apfs 1.1 (reads
#            the forge's encrypted ONEKEY images back with the password, an independent check of the forge; the
#            oracle of Ringo's own FileVault unlock on encrypted.bin and jhfs_encrypted.bin); python-aea 1.1.0 (writes
#            the profile-1 AEA test files)
set -euo pipefail
packages=(apfsprogs libfsapfs-utils sleuthkit 7zip unzip ent binwalk fdisk zlib1g-dev liblzma-dev libbz2-dev libssl-dev gzip xz-utils bzip2 sqlite3 openssl gcc bc
          python3-jsonschema)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]} (run as root or install them)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
pip_install() {  # a Debian-managed python3 refuses plain pip installs (PEP 668): retry with its override
  python3 -m pip install --quiet "$@" 2>/dev/null || python3 -m pip install --quiet --break-system-packages "$@"
}
python3 -c 'import jsonschema' 2>/dev/null || pip_install jsonschema
python3 -c 'import dissect.apfs' 2>/dev/null || pip_install "dissect.apfs==1.1"
# python-aea: an independent AEA encoder/decoder (profile 1 files for the AEA tests; Apple never made them)
python3 -c 'import aea' 2>/dev/null || pip_install "python-aea==1.1.0"
"$(dirname "$0")"/fixtures/fetch-dissect-images.sh
