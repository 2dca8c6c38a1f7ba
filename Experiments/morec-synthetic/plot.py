#!/usr/bin/env python3
"""Draws Experiments/morec-synthetic/results/results.json (from `orl morec synthetic`) into
results/synthetic.png: the learned dynamics reward over (T, ΔT) at a = 0.5, z = 0 with the true and
the MLE ensemble's ΔT, and the rollout error of the plain and the filtered model per step.
Needs matplotlib (python3 -m venv Experiments/.venv && Experiments/.venv/bin/pip install matplotlib numpy)."""
import json, os
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def draw(results, path):
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.5))
    T, D = np.array(results["heatmapTemperatures"]), np.array(results["heatmapDeltas"])
    R = np.array(results["heatmapRewards"])                       # [T, Δ]
    ax = axes[0]
    mesh = ax.pcolormesh(T, D, R.T, shading="auto", cmap="viridis")
    fig.colorbar(mesh, ax=ax, label="dynamics reward r_D")
    grid = [g for g in results["grid"] if g["room"] == 0 and g["action"] == 0.5]
    ax.plot([g["temperature"] for g in grid], [g["trueDelta"] for g in grid], "w-", lw=2, label="true ΔT")
    ax.plot([g["temperature"] for g in grid], [g["mleDelta"] for g in grid], "r--", lw=1.5, label="MLE ensemble ΔT")
    ax.plot([g["temperature"] for g in grid], [g["rewardDelta"] for g in grid], "c:", lw=2, label="argmax_Δ r_D (plateau centre)")
    lo, hi = results["dataTemperatureRange"]
    ax.axvspan(lo, hi, color="white", alpha=0.15, label="data's T range")
    ax.set_xlabel("T"); ax.set_ylabel("ΔT"); ax.set_title("r_D(s, a=0.5, s') at z = 0"); ax.legend(fontsize=7, loc="lower left")

    ax = axes[1]
    for z, style in ((0, "-"), (1, "--")):
        pts = [g for g in results["grid"] if g["room"] == z and g["action"] == 0.5]
        ax.plot([g["temperature"] for g in pts], [abs(g["rewardDelta"] - g["trueDelta"]) for g in pts], "c" + style, label=f"reward argmax, z={z}")
        ax.plot([g["temperature"] for g in pts], [abs(g["mleDelta"] - g["trueDelta"]) for g in pts], "r" + style, label=f"MLE mean, z={z}")
    ax.axvspan(lo, hi, color="grey", alpha=0.2)
    ax.set_xlabel("T"); ax.set_ylabel("|ΔT − ΔT*|"); ax.set_title("one-step error, a = 0.5"); ax.legend(fontsize=7)

    ax = axes[2]
    steps = np.arange(1, len(results["rolloutErrorPlain"]) + 1)
    ax.plot(steps, results["rolloutErrorPlain"], "r-", label="plain ensemble (random elite)")
    ax.plot(steps, results["rolloutErrorFiltered"], "c-", label="MOREC filter (argmax of 10)")
    ax2 = ax.twinx()
    ax2.plot(steps, results["rolloutTrueTemperature"], "k:", label="true mean T")
    ax2.set_ylabel("true mean T (dotted)")
    ax.set_xlabel("rollout step"); ax.set_ylabel("mean |T − T*|"); ax.set_title("test-policy rollouts (same actions)"); ax.legend(fontsize=7)
    fig.suptitle("Synthetic hidden-factor thermal task (ours, not the paper's)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    with open(os.path.join(HERE, "results", "results.json")) as f:
        draw(json.load(f), os.path.join(HERE, "results", "synthetic.png"))
    print("wrote", os.path.join(HERE, "results", "synthetic.png"))
