#!/bin/bash
# Issue 28 item 4 (and issue 31's whole-run row): one whole short-preset MOPO run of each side on the
# same core, one after the other, each fitting its own dynamics model, timed from outside.
#
#   KIT=/work/kit PY=/work/kit-venv/bin/python ORL=.build/release/orl \
#     Experiments/peer-offlinerl-kit/time_whole_run.sh CORE DATASET_FILE ENV SEED OUT
#
# e.g. `... time_whole_run.sh 1 /work/data/halfcheetah-medium-orl.hdf5 halfcheetah 1 /work/whole-run`.
# Writes OUT/ours (an `orl train` run directory), OUT/kit (run_kit.py's), and OUT/timing.json:
# wall seconds of each whole run, the fit and the rest, and Kit / ours. Nothing else should run on
# CORE meanwhile (the other core may be busy: both runs see the same neighbour). About 2 hours
# on the 2-vCPU Zen 4 machine (51 + 71 minutes on 2026-12-06). ORL_ARGS and KIT_ARGS add arguments to either side (a smoke test:
# ORL_ARGS="--steps 1000 --config one-epoch.json" KIT_ARGS="--updates 1000 --dynamics-max-epochs 1").
set -eu
[ $# -eq 5 ] || { sed -n 2,14p "$0"; exit 2; }
CORE=$1 DATASET=$2 ENV=$3 SEED=$4 OUT=$5
read -r -a ORL_EXTRA <<< "${ORL_ARGS:-}"
read -r -a KIT_EXTRA <<< "${KIT_ARGS:-}"
HERE="$(cd "$(dirname "$0")" && pwd)"
KIT=${KIT:-/work/kit}
PY=${PY:-/work/kit-venv/bin/python}
ORL=${ORL:-.build/release/orl}
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
rm -rf "$OUT/ours" "$OUT/kit"
mkdir -p "$OUT/kit"

start=$(date +%s.%N)
taskset -c "$CORE" "$ORL" train --algo mopo --dataset "$DATASET" --preset short --seed "$SEED" --out "$OUT/ours" "${ORL_EXTRA[@]}" \
    > "$OUT/ours.log" 2>&1
ours=$(echo "$(date +%s.%N) - $start" | bc)

start=$(date +%s.%N)
taskset -c "$CORE" "$PY" "$HERE/run_kit.py" --kit "$KIT" --algo mopo --dataset "$DATASET" --env "$ENV" --seed "$SEED" \
    --out "$OUT/kit" "${KIT_EXTRA[@]}" > "$OUT/kit.log" 2>&1
kit=$(echo "$(date +%s.%N) - $start" | bc)

python3 - "$OUT" "$ours" "$kit" "$CORE" <<'EOF'
import json, re, sys
out, ours, kit, core = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
fit = [float(m) for m in re.findall(r"dynamics: \d+ epochs .*?, ([0-9.]+) s", open(f"{out}/ours.log").read())]
kit_result = json.load(open(f"{out}/kit/result.json"))
ours_fit = fit[-1] if fit else None
# The stopping rule is the same on both sides but may stop them at different epochs: per epoch too.
ours_epochs = int(json.load(open(f"{out}/ours/dynamics.json"))["epochs"])
kit_epochs = int(json.load(open(f"{out}/kit/dynamics.json"))["epochs"])
record = {
    "core": int(core),
    "ours_whole_s": ours, "kit_whole_s": kit, "kit_over_ours_whole": kit / ours,
    "ours_fit_s": ours_fit, "kit_fit_s": kit_result["fit_seconds"],
    "kit_over_ours_fit": kit_result["fit_seconds"] / ours_fit if ours_fit else None,
    "ours_fit_epochs": ours_epochs, "kit_fit_epochs": kit_epochs,
    "kit_over_ours_fit_per_epoch": (kit_result["fit_seconds"] / kit_epochs) / (ours_fit / ours_epochs) if ours_fit else None,
    "ours_rest_s": ours - ours_fit if ours_fit else None, "kit_rest_s": kit - kit_result["fit_seconds"],
    "kit_over_ours_rest": (kit - kit_result["fit_seconds"]) / (ours - ours_fit) if ours_fit else None,
}
json.dump(record, open(f"{out}/timing.json", "w"), indent=1)
print(json.dumps(record, indent=1))
EOF
