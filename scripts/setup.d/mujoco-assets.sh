#!/usr/bin/env bash
# MuJoCo model files (MJCF) for the Environments module, taken from Gymnasium's PyPI wheel
# (MIT licence, gymnasium/envs/mujoco/assets/). These are the files Gymnasium's v4 environments
# load (half_cheetah.xml, hopper.xml, walker2d.xml) and walker2d_v5.xml, the different model of
# Walker2d-v5 (both feet with friction 1.9), which Minari's datasets were collected in.
# The wheel is only unpacked, never installed. Idempotent: does nothing when every file is in
# the cache with the checksum listed in scripts/mujoco-assets.sha256.
#
# Cache: $ORL_MUJOCO_ASSETS, else $XDG_CACHE_HOME/swift-offline-rl/mujoco-assets,
# else ~/.cache/swift-offline-rl/mujoco-assets (the Swift AssetLocator reads the same rule).
set -euo pipefail
cd "$(dirname "$0")/../.."

GYMNASIUM_VERSION=1.4.0
sums="$PWD/scripts/mujoco-assets.sha256"
cache="${ORL_MUJOCO_ASSETS:-${XDG_CACHE_HOME:-$HOME/.cache}/swift-offline-rl/mujoco-assets}"

if [ -d "$cache" ] && (cd "$cache" && sha256sum --quiet --check "$sums" >/dev/null 2>&1); then
  exit 0
fi

echo "mujoco-assets: fetching gymnasium==$GYMNASIUM_VERSION from PyPI for its MuJoCo XML files" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download -q --disable-pip-version-check --no-deps "gymnasium==$GYMNASIUM_VERSION" -d "$tmp"
wheel=$(ls "$tmp"/gymnasium-"$GYMNASIUM_VERSION"-*.whl)
mkdir -p "$tmp/assets"
python3 - "$wheel" "$tmp/assets" "$sums" <<'PY'
import sys, zipfile, pathlib
wheel, out, sums = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
names = [line.split()[1] for line in open(sums) if line.strip()]
with zipfile.ZipFile(wheel) as z:
    for name in names:
        (out / name).write_bytes(z.read("gymnasium/envs/mujoco/assets/" + name))
PY
if ! (cd "$tmp/assets" && sha256sum --quiet --check "$sums"); then
  echo "mujoco-assets: checksum mismatch for files from gymnasium==$GYMNASIUM_VERSION (see $sums)" >&2
  exit 1
fi
mkdir -p "$cache"
cp "$tmp"/assets/*.xml "$cache"/
echo "mujoco-assets: installed $(ls "$tmp"/assets | tr '\n' ' ')into $cache" >&2
