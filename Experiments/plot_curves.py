#!/usr/bin/env python3
"""Draws an experiment's learning curves from the curves.csv that `orl results NAME` writes.

    python3 Experiments/plot_curves.py NAME [--column normalized_score] [--out PATH]

One panel per dataset, one colour per arm, one line per seed; the y axis is `--column` (the
D4RL-normalized score by default, or any further column the experiment.json lists). Writes
Experiments/NAME/curves.png (or --out). Needs matplotlib (Experiments/.venv or any Python with it).
"""
import argparse
import csv
import os
from collections import defaultdict


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="Experiments/ folder name")
    parser.add_argument("--column", default="normalized_score")
    parser.add_argument("--out")
    args = parser.parse_args()
    folder = os.path.join("Experiments", args.name)
    path = os.path.join(folder, "curves.csv")
    if not os.path.exists(path):
        raise SystemExit(f"{path} is missing: run `orl results {args.name}` first (from the repository root)")
    curves = defaultdict(lambda: ([], []))
    with open(path) as f:
        for row in csv.DictReader(f):
            if args.column not in row:
                raise SystemExit(f"{path} has no column {args.column}; it has {', '.join(row)}")
            if row[args.column] == "":
                continue
            steps, values = curves[(row["dataset"], row["arm"], int(row["seed"]))]
            steps.append(int(row["step"]))
            values.append(float(row[args.column]))
    if not curves:
        raise SystemExit(f"{path} holds no finished run")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    datasets = sorted({d for d, _, _ in curves})
    arms = list(dict.fromkeys(a for _, a, _ in curves))
    colours = {a: plt.get_cmap("tab10")(i % 10) for i, a in enumerate(arms)}
    fig, axes = plt.subplots(1, len(datasets), figsize=(6 * len(datasets), 4), squeeze=False)
    for ax, dataset in zip(axes[0], datasets):
        labelled = set()
        for (d, arm, seed), (steps, values) in sorted(curves.items()):
            if d != dataset:
                continue
            ax.plot(steps, values, color=colours[arm], alpha=0.8, label=None if arm in labelled else arm)
            labelled.add(arm)
        ax.set_title(dataset)
        ax.set_xlabel("updates")
        ax.set_ylabel(args.column)
        ax.legend()
    fig.tight_layout()
    out = args.out or os.path.join(folder, "curves.png" if args.column == "normalized_score" else f"curves-{args.column}.png")
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
