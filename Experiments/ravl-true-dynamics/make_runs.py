"""Writes runs.txt: MOPO, MOBILE and RAVL with learned vs true dynamics, short preset, 3 seeds.

One `orl train` command per line, each resumable (`--resume`). Runs of one dataset and seed share
one fitted dynamics model (`--dynamics-cache`), so the learned-model cells differ only in the
algorithm; the first learned run of a (dataset, seed) fits it, so run those lines in file order
(or run the `ravl` learned line of each pair first). `--dynamics true` runs fit nothing.
"""
import sys

# `make_runs.py [--steps N] [DATASET ...]`: --steps shortens every run (a budget below the short preset's).
args = sys.argv[1:]
STEPS = None
if args[:1] == ["--steps"]:
    STEPS, args = int(args[1]), args[2:]
DATASETS = args or ["hopper-medium-orl", "walker2d-medium-expert-orl"]
ALGORITHMS = ["ravl", "mopo", "mobile"]
SOURCES = ["learned", "true"]
SEEDS = [1, 2, 3]
ORL = ".build/release/orl"
ROOT = "runs/ravl-true-dynamics"

lines = []
for dataset in DATASETS:
    for seed in SEEDS:
        for source in SOURCES:
            for algo in ALGORITHMS:
                out = f"{ROOT}/{algo}-{source}-{dataset}-seed{seed}"
                cmd = [ORL, "train", "--algo", algo, "--dataset", dataset, "--preset", "short", "--seed", str(seed),
                       "--dynamics", source, "--out", out, "--resume"]
                if STEPS:
                    cmd += ["--steps", str(STEPS)]
                if source == "learned":
                    cmd += ["--dynamics-cache", f"{ROOT}/cache/{dataset}-seed{seed}-dynamics.h5"]
                if algo != "ravl":   # RAVL logs the edge-of-reach columns itself
                    cmd += ["--config", "Experiments/ravl-true-dynamics/diagnostics.json"]
                lines.append(" ".join(cmd))
name = "runs" + ("" if not args else "-" + "-".join(d.split("-")[0] for d in DATASETS)) + (f"-{STEPS}" if STEPS else "") + ".txt"
with open(f"Experiments/ravl-true-dynamics/{name}", "w") as f:
    f.write("\n".join(lines) + "\n")
print(f"wrote {len(lines)} commands to Experiments/ravl-true-dynamics/{name}")
