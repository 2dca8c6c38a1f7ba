#!/usr/bin/env python3
"""Tables of `orl train` runs: mean ± std over seeds of the final D4RL-normalized score.

    python3 Experiments/summarize_runs.py [--only NAME,NAME] [ROOT ...]

Runs live in Experiments/runs/DATASET/NAME-seedS (every experiment's run list writes there, so
one run serves every table that needs it); finished runs' records, archived by `orl reproduce`
(after each run it finishes, or `orl reproduce NAME --archive-only`), live in the same layout under
Experiments/run-records (committed). Both roots are read by default; a run present in both counts
once. A run is finished when its record carries `finished.json`: the marker `orl reproduce` writes
by its one definition of a finished run (ExperimentRunner's `RunStatus`), so this script never
judges a run itself.

A run's score is the mean normalized score of its last 3 evaluations (each 10 deterministic
episodes), read from progress.csv; runs are grouped by algorithm name, dynamics source and
dataset. Unfinished runs are listed with their progress and left out of the table. Standard
library only.
"""
import csv
import json
import math
import os
import sys
from collections import defaultdict

LAST = 3


def load(run):
    with open(os.path.join(run, "config.json")) as f:
        config = json.load(f)
    rows = []
    progress = os.path.join(run, "progress.csv")
    if os.path.exists(progress):
        with open(progress) as f:
            rows = [r for r in csv.DictReader(f)]
    return config, rows


def score(rows):
    values = [float(r["normalized_score"]) for r in rows[-LAST:] if r.get("normalized_score")]
    return sum(values) / len(values) if values else float("nan")


def mean_std(values):
    if not values:
        return float("nan"), float("nan")
    m = sum(values) / len(values)
    s = math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else 0.0
    return m, s


def record_of(run, records="Experiments/run-records"):
    """The run directory itself, or its archived record when the directory is gone or unfinished
    (Experiments/runs/DATASET/NAME -> Experiments/run-records/DATASET/NAME)."""
    archived = os.path.join(records, os.path.basename(os.path.dirname(os.path.normpath(run))), os.path.basename(os.path.normpath(run)))
    if not finished(run) and os.path.exists(os.path.join(archived, "finished.json")):
        return archived
    return run


def finished(run):
    """Whether `run` is an archived record of a finished run (the marker `orl reproduce` writes)."""
    return os.path.exists(os.path.join(run, "finished.json"))


def run_directories(roots):
    """(name, path) per run; a run found under several roots is taken from the first that has it
    finished, else from the first that has it at all."""
    found = {}
    for root in roots:
        for name, run in run_directories_in(root):
            key = (os.path.basename(os.path.dirname(run)), os.path.basename(run))
            if key not in found or (not finished(found[key][1]) and finished(run)):
                found[key] = (name, run)
    return [found[k] for k in sorted(found)]


def run_directories_in(root):
    if not os.path.isdir(root):
        return
    for dataset in sorted(os.listdir(root)):
        folder = os.path.join(root, dataset)
        if dataset == "dynamics" or not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            yield name.rsplit("-seed", 1)[0], os.path.join(folder, name)


def main(roots, only):
    groups = defaultdict(list)
    pending = []
    for name, run in run_directories(roots):
        if only and name not in only:
            continue
        if not os.path.exists(os.path.join(run, "config.json")):
            continue
        config, rows = load(run)
        key = (name, config.get("dynamicsSource", "learned"),
               os.path.basename(config["dataset"]))
        done = finished(run)
        step = int(float(rows[-1]["step"])) if rows else 0
        if not done:
            pending.append(f"{run}: step {step}/{config['totalSteps']}")
            continue
        wall = float(rows[-1]["wall_seconds"]) if rows else float("nan")
        groups[key].append((int(config["seed"]), score(rows), wall))
    print("| algorithm | dynamics | dataset (generated here, not D4RL's) | seeds | normalized score (mean ± std) | per seed | wall time per run |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for (algo, source, dataset), runs in sorted(groups.items(), key=lambda kv: (kv[0][2], kv[0][1], kv[0][0])):
        runs.sort()
        m, s = mean_std([r[1] for r in runs])
        per_seed = ", ".join(f"{r[1]:.1f}" for r in runs)
        wall = sum(r[2] for r in runs) / len(runs) / 60
        print(f"| {algo} | {source} | {dataset} | {len(runs)} | {m:.1f} ± {s:.1f} | {per_seed} | {wall:.0f} min |")
    if pending:
        print("\nUnfinished runs (not in the table):")
        for p in pending:
            print(f"- {p}")


if __name__ == "__main__":
    args = sys.argv[1:]
    only = set()
    if len(args) >= 2 and args[0] == "--only":
        only = set(args[1].split(","))
        args = args[2:]
    main(args or ["Experiments/runs", "Experiments/run-records"], only)
