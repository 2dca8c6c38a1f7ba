"""Writes runs.txt: MOPO, MOBILE and RAVL with learned vs true dynamics, short preset, 3 seeds.

One `orl train` command per line, each resumable (`--resume`). Runs of one dataset share one
fitted dynamics model (`--dynamics-cache`, fit seed 1), so the learned-model cells differ only in the
algorithm and the SAC seed; the dataset's first learned line (seed 1) fits it and runs started
meanwhile wait for that fit. `--dynamics true` runs fit nothing.
"""
import sys

# `make_runs.py [--steps N] [DATASET ...]`: --steps shortens every run (a budget below the short preset's).
args = sys.argv[1:]
STEPS = None
if args[:1] == ["--steps"]:
    STEPS, args = int(args[1]), args[2:]
# The paper's pair, as this project's generated sets (`orl dataset generate --env walker2d --kind medium-expert`).
DATASETS = args or ["hopper-medium-orl", "walker2d-medium-expert-orl"]
ALGORITHMS = ["ravl", "mopo", "mobile"]
SOURCES = ["learned", "true"]
SEEDS = [1, 2, 3]
ROOT = "Experiments/runs"   # shared by every experiment: the learned MOPO/MOBILE runs are Experiments/mopo-mobile's

lines = []
for dataset in DATASETS:
    for seed in SEEDS:
        for source in SOURCES:
            for algo in ALGORITHMS:
                out = f"{ROOT}/{dataset}/{algo}{'' if source == 'learned' else '-' + source}-seed{seed}"
                cmd = ["orl", "train", "--algo", algo, "--dataset", dataset, "--preset", "short", "--seed", str(seed)]
                if algo != "ravl":   # RAVL logs the edge-of-reach columns itself; these also log Lipschitz estimates
                    cmd += ["--config", "Experiments/configs/diagnostics.json"]
                if STEPS:
                    cmd += ["--steps", str(STEPS)]
                if source == "learned":
                    # --dynamics-seed 1: the shared fit is the same whichever run makes it.
                    cmd += ["--dynamics-seed", "1", "--dynamics-cache", f"{ROOT}/dynamics/ensemble7-{dataset}.h5"]
                else:
                    cmd += ["--dynamics", source]
                cmd += ["--out", out]
                lines.append(" ".join(cmd))
name = "runs" + ("" if not args else "-" + "-".join(d.split("-")[0] for d in DATASETS)) + (f"-{STEPS}" if STEPS else "") + ".txt"
with open(f"Experiments/ravl-true-dynamics/{name}", "w") as f:
    f.write("# Written by make_runs.py. From the repository root: orl reproduce ravl-true-dynamics\n")
    f.write("\n".join(lines) + "\n")
print(f"wrote {len(lines)} commands to Experiments/ravl-true-dynamics/{name}")
