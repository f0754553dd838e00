# Oracle for UnlockTests: dissect.apfs (PyPI) unlocks volume 0 of an image with a password and prints every path
# with its size and SHA-256 (regular files), as JSON; {"error": ...} when the unlock fails.
# Usage: python3 dissect_unlocked_listing.py IMAGE PASSWORD
import json, sys, hashlib
from dissect.apfs import APFS
fs = APFS(open(sys.argv[1], 'rb'))
vol = fs.volumes[0]
out = {"name": vol.name}
try:
    vol.unlock(sys.argv[2])
except Exception as e:
    print(json.dumps({"error": repr(e)})); sys.exit(0)
files = {}
stack = [(vol.get("/"), "")]
while stack:
    d, prefix = stack.pop()
    for ent in d.iterdir():
        child, p = ent.inode, prefix + ent.name
        if child.is_dir():
            files[p + "/"] = {"size": 0, "sha256": None}
            stack.append((child, p + "/"))
        elif child.is_file():
            data = child.open().read()
            files[p] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        else:
            files[p] = {"size": None, "sha256": None}
out["files"] = files
print(json.dumps(out, sort_keys=True))
