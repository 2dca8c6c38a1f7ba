#!/usr/bin/env bash
# The behaviour policies the -orl datasets are generated with (Datasets/policies/ENV-ROLE.h5) are
# run outputs, so they are not committed at HEAD; they are restored from the revision of this
# repository's history that holds them (71f1cfe, the policies every table used) and checked
# against the SHA-256 the dataset registry records. Idempotent: a policy already present with its
# recorded checksum is left alone; one with another checksum (your own actor) is never overwritten.
set -euo pipefail
cd "$(dirname "$0")/../.."

REVISION=71f1cfea8678b3d4e24783117f8a893296edb299
python3 - "$REVISION" <<'PY'
import hashlib, json, os, subprocess, sys
revision = sys.argv[1]
manifest = json.load(open("Datasets/manifest.json"))
for policy in manifest.get("policies", []):
    path = os.path.join("Datasets", policy["fileName"])
    want = policy["sha256"]
    if os.path.exists(path):
        continue        # present: generation checks its checksum and says what to do on a mismatch
    try:
        data = subprocess.run(["git", "show", f"{revision}:{path}"], check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError):
        print(f"policies: cannot restore {path}: revision {revision[:7]} is not in this clone's history "
              "(a shallow clone?); generating -orl datasets needs it (Datasets/README.md)", file=sys.stderr)
        continue
    if hashlib.sha256(data).hexdigest() != want:
        sys.exit(f"policies: {path} from {revision[:7]} does not match the registry's SHA-256 {want}")
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    print(f"policies: restored {path} from {revision[:7]}", file=sys.stderr)
PY
