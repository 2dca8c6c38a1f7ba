#!/usr/bin/env python3
"""The MOPO / MOBILE table and learning curves of Experiments/mopo-mobile.

    python3 Experiments/mopo-mobile/summarize.py [ROOT ...]     (default Experiments/runs Experiments/run-records)

Reads every finished mopo-seedS / mobile-seedS run (learned dynamics) of the two datasets from the
run store and the committed archive (written by `orl reproduce`), and writes beside this script:
results.md (final normalized score = mean of the last 3 evaluations, mean ± std over seeds, the
per-seed values, the behaviour data's score, wall time) and, when matplotlib is importable,
curves.png (normalized score against SAC updates, one line per seed).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import summarize_runs as store  # noqa: E402

DATASETS = ("halfcheetah-medium-orl", "hopper-medium-orl")
ALGORITHMS = ("mopo", "mobile")
# Mean normalized episode return of the generated data (orl dataset inspect; Datasets/README.md).
BEHAVIOUR = {"halfcheetah-medium-orl": 24.1, "hopper-medium-orl": 36.2}


def collect(roots):
    runs = {}
    for name, path in store.run_directories(roots):
        dataset = os.path.basename(os.path.dirname(path))
        if name not in ALGORITHMS or dataset not in DATASETS or not store.finished(path):
            continue
        config, rows = store.load(path)
        if config.get("dynamicsSource", "learned") != "learned":
            continue
        runs.setdefault((dataset, name), []).append((int(config["seed"]), rows, path))
    return runs


def table(runs):
    lines = ["| dataset (generated here, not D4RL's) | algorithm | seeds | normalized score, mean ± std | per seed | behaviour data | wall time per run |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for dataset in DATASETS:
        for algo in ALGORITHMS:
            group = sorted(runs.get((dataset, algo), []))
            if not group:
                lines.append(f"| {dataset} | {algo} | 0 | not run yet | | {BEHAVIOUR[dataset]} | |")
                continue
            scores = [store.score(rows) for _, rows, _ in group]
            m, s = store.mean_std(scores)
            walls = [float(rows[-1]["wall_seconds"]) / 60 for _, rows, _ in group]
            per_seed = ", ".join(f"{seed}: {v:.1f}" for (seed, _, _), v in zip(group, scores))
            lines.append(f"| {dataset} | {algo} | {len(group)} | {m:.1f} ± {s:.1f} | {per_seed} | "
                         f"{BEHAVIOUR[dataset]} | {sum(walls) / len(walls):.0f} min |")
    return "\n".join(lines) + "\n"


def curves(runs, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not importable: curves.png not drawn")
        return
    fig, axes = plt.subplots(1, len(DATASETS), figsize=(6 * len(DATASETS), 4), squeeze=False)
    for ax, dataset in zip(axes[0], DATASETS):
        for algo, colour in zip(ALGORITHMS, ("tab:blue", "tab:orange")):
            for i, (seed, rows, _) in enumerate(sorted(runs.get((dataset, algo), []))):
                steps = [float(r["step"]) for r in rows if r.get("normalized_score")]
                values = [float(r["normalized_score"]) for r in rows if r.get("normalized_score")]
                ax.plot(steps, values, color=colour, alpha=0.8, label=algo if i == 0 else None)
        ax.axhline(BEHAVIOUR[dataset], color="grey", linestyle="--", label="behaviour data")
        ax.set_title(f"{dataset} (generated here, not D4RL's)")
        ax.set_xlabel("SAC updates")
        ax.set_ylabel("D4RL-normalized score")
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")


def main(roots):
    runs = collect(roots)
    text = table(runs)
    with open(os.path.join(HERE, "results.md"), "w") as f:
        f.write("<!-- Written by Experiments/mopo-mobile/summarize.py; do not edit by hand. -->\n")
        f.write(text)
    print(text, end="")
    curves(runs, os.path.join(HERE, "curves.png"))


if __name__ == "__main__":
    main(sys.argv[1:] or ["Experiments/runs", "Experiments/run-records"])
