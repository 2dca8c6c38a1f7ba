#!/usr/bin/env python3
"""Copies the text record of every finished run into Experiments/run-records (committed).

    python3 Experiments/archive_runs.py [Experiments/runs] [Experiments/run-records]

Run directories (Experiments/runs/DATASET/NAME-seedS, git-ignored) hold checkpoints and agents
that are too large to commit and vanish with the machine. What a table needs from a finished run is
small: its configuration, metadata (git revision, command), learning curves and dynamics-fit
summary. This script copies those files, and only for finished runs (final.h5 present), into the
same layout under Experiments/run-records, adding `finished.json` (final step, wall time, source
path), so tables accumulate across machines. Every summarize script reads either root.
Already-archived runs are left alone unless their progress log changed. Standard library only.
"""
import csv
import filecmp
import json
import os
import shutil
import sys

KEEP = ("config.json", "metadata.json", "progress.csv", "progress.jsonl", "dynamics.json",
        "dynamics-progress.csv", "rollout-steps.jsonl")


def finished_runs(root):
    if not os.path.isdir(root):  # a fresh machine before its first run: nothing to archive
        return
    for dataset in sorted(os.listdir(root)):
        folder = os.path.join(root, dataset)
        if dataset == "dynamics" or not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            run = os.path.join(folder, name)
            if os.path.exists(os.path.join(run, "final.h5")):
                yield dataset, name, run


def last_row(run):
    path = os.path.join(run, "progress.csv")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return rows[-1] if rows else {}


def archive(source_root, target_root):
    copied = 0
    for dataset, name, run in finished_runs(source_root):
        target = os.path.join(target_root, dataset, name)
        progress = os.path.join(run, "progress.csv")
        if os.path.exists(os.path.join(target, "finished.json")) and (
                not os.path.exists(progress)
                or filecmp.cmp(progress, os.path.join(target, "progress.csv"), shallow=False)):
            continue
        os.makedirs(target, exist_ok=True)
        for file in KEEP:
            if os.path.exists(os.path.join(run, file)):
                shutil.copyfile(os.path.join(run, file), os.path.join(target, file))
        row = last_row(run)
        with open(os.path.join(target, "finished.json"), "w") as f:
            json.dump({"source": run, "step": row.get("step"), "wall_seconds": row.get("wall_seconds")},
                      f, indent=2)
            f.write("\n")
        copied += 1
        print(f"archived {run} -> {target}")
    print(f"{copied} run(s) archived")


if __name__ == "__main__":
    args = sys.argv[1:]
    if any(a in ("-h", "--help") for a in args):
        print(__doc__)
        sys.exit(0)
    if len(args) > 2 or any(a.startswith("-") for a in args):
        sys.exit(f"usage: archive_runs.py [RUNS_ROOT] [RECORDS_ROOT] (got {' '.join(args)})")
    archive(args[0] if args else "Experiments/runs", args[1] if len(args) > 1 else "Experiments/run-records")
