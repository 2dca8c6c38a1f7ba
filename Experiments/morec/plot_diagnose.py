#!/usr/bin/env python3
"""Scatter of the dynamics reward against the true one-step MAE (log scale) from an
`orl morec diagnose` candidates.csv, as the official MOREC repository's plot_rollout_figure does (Luo et al., ICLR 2024, Fig. 4).
Usage: Experiments/.venv/bin/python Experiments/morec/plot_diagnose.py [DIR]   (default: results/diagnose-halfcheetah-medium-orl-data-h1)"""
import csv, os, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
directory = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "results", "diagnose-halfcheetah-medium-orl-data-h1")
rows = list(csv.DictReader(open(os.path.join(directory, "candidates.csv"))))
mae = np.array([float(r["mae"]) for r in rows]); reward = np.array([float(r["reward"]) for r in rows])
chosen = np.array([r["chosen"] == "1" for r in rows])
corr = np.corrcoef(np.log(mae), reward)[0, 1]
plt.figure(figsize=(6, 4))
plt.scatter(mae[~chosen], reward[~chosen], s=2, alpha=0.25, label="candidates")
plt.scatter(mae[chosen], reward[chosen], s=4, alpha=0.6, label="chosen (argmax)")
plt.xscale("log"); plt.xlabel("true one-step MAE (simulator)"); plt.ylabel("dynamics reward r_D")
dataset = os.path.basename(os.path.normpath(directory)).removeprefix("diagnose-").split("-orl")[0] + "-orl"
plt.title(f"{dataset} (generated here): corr(log MAE, r) = {corr:.3f}", fontsize=10)
plt.legend(); plt.tight_layout()
out = os.path.join(directory, "reward-vs-error.png")
plt.savefig(out, dpi=110)
print("wrote", out)
