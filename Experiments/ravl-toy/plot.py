"""Draws the toy's value maps and curves from results JSON files written by `orl ravl toy`.

    Experiments/.venv/bin/python Experiments/ravl-toy/plot.py [--seed N] Experiments/ravl-toy/results-origin.json [more.json ...]

For each file: <stem>_maps.png (per method, first seed: min-ensemble value V(s) = minᵢ Qᵢ(s, π(s)),
ensemble std, the final trajectory, the edge-of-reach shell outlined; plus V* in closed form) and
<stem>_curves.png (Q at the origin vs the policy's true value and V*, edge vs interior Q and
spread, return). Notebooks/ravl-toy.ipynb runs the same functions.
"""
import json
import math
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def optimal_value(x, y, task):
    g = task["goal"]
    gamma, h, width = task["discount"], task["stepSize"], task["rewardWidth"]
    total, weight, t = 0.0, 1.0, 1
    while True:
        reach = h * t
        px = min(max(g[0], x - reach), x + reach)
        py = min(max(g[1], y - reach), y + reach)
        r = math.exp(-((px - g[0]) ** 2 + (py - g[1]) ** 2) / width)
        if px == g[0] and py == g[1]:
            return total + weight * r / (1 - gamma)
        total += weight * r
        weight *= gamma
        t += 1


def shell(ax, task):
    inner = task.get("startHalfWidth", 0) + task["stepSize"] * (task["rolloutHorizon"] - 1)
    outer = inner + task["stepSize"]
    for r, style in ((inner, ":"), (outer, "-")):
        ax.plot([-r, r, r, -r, -r], [-r, -r, r, r, -r], "w" + style, lw=0.9)


def maps(runs, out, seed=None):
    first = {}
    for run in runs:
        if seed is None or run["configuration"]["seed"] == seed:
            first.setdefault(run["configuration"]["method"], run)
    methods = list(first)
    task = runs[0]["configuration"]["task"]
    fig, axes = plt.subplots(2, len(methods) + 1, figsize=(4.2 * (len(methods) + 1), 8))
    axes = np.atleast_2d(axes)
    coords = np.array(first[methods[0]]["valueMap"]["coordinates"])
    m = len(coords)
    vstar = np.array([[optimal_value(x, y, task) for x in coords] for y in coords])
    bound = 1 / (1 - task["discount"])
    for col, method in enumerate(methods):
        vm = first[method]["valueMap"]
        v = np.array(vm["vMin"]).reshape(m, m)
        s = np.array(vm["vStd"]).reshape(m, m)
        traj = np.array(first[method]["trajectory"])
        ax = axes[0, col]
        im = ax.imshow(v, origin="lower", extent=[coords[0], coords[-1]] * 2, cmap="viridis",
                       vmin=min(0, v.min()), vmax=max(bound, v.max()))
        ax.plot(traj[:, 0], traj[:, 1], "r.-", ms=3, lw=1)
        ax.set_xlim(coords[0], coords[-1])
        ax.set_ylim(coords[0], coords[-1])
        ax.plot(*task["goal"], "k*", ms=10)
        shell(ax, task)
        ax.set_title(f"{method} (seed {first[method]['configuration']['seed']}): minᵢ Qᵢ(s, π(s)) (max {v.max():.0f})", fontsize=9)
        fig.colorbar(im, ax=ax, fraction=0.046)
        ax = axes[1, col]
        im = ax.imshow(s, origin="lower", extent=[coords[0], coords[-1]] * 2, cmap="magma")
        shell(ax, task)
        ax.set_title(f"{method}: ensemble std (edge {vm['stdEdgeCells']:.2f}, interior {vm['stdInteriorCells']:.2f})", fontsize=9)
        fig.colorbar(im, ax=ax, fraction=0.046)
    ax = axes[0, -1]
    im = ax.imshow(vstar, origin="lower", extent=[coords[0], coords[-1]] * 2, cmap="viridis", vmin=0, vmax=bound)
    shell(ax, task)
    ax.plot(*task["goal"], "k*", ms=10)
    ax.set_title("V* (closed form)")
    fig.colorbar(im, ax=ax, fraction=0.046)
    axes[1, -1].axis("off")
    axes[1, -1].text(0, 0.5, "white square: edge-of-reach shell\n(dotted: largest ‖s‖∞ reached in < k steps)\n"
                     "red: final deterministic episode from (0, 0)\n★: goal", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    print("wrote", out)


def curves(runs, out):
    task = runs[0]["configuration"]["task"]
    bound = 1 / (1 - task["discount"])
    fig, axes = plt.subplots(1, 4, figsize=(20, 4.2))
    colors = {"base": "C3", "oracle-patch": "C2", "oracle-patch-policy": "C1", "ravl": "C0"}
    widths = {"base": 3.0}
    seen = set()
    for run in runs:
        method = run["configuration"]["method"]
        ev = run["evaluations"]
        ep = [e["epoch"] for e in ev]
        label = method if method not in seen else None
        seen.add(method)
        c = colors.get(method, "C4")
        lw = widths.get(method, 1.3)
        axes[0].plot(ep, [e["qStartMean"] for e in ev], color=c, label=label, lw=lw, alpha=0.7)
        axes[0].plot(ep, [e["trueStartValue"] for e in ev], color=c, ls=":", lw=0.8)
        axes[1].plot(ep, [e.get("qEdgeMean") if e.get("qEdgeMean") is not None else np.nan for e in ev], color=c, label=label, lw=lw, alpha=0.7)
        axes[1].plot(ep, [e["qInteriorMean"] for e in ev], color=c, ls=":", lw=0.8)
        axes[2].plot(ep, [e.get("stdEdge") if e.get("stdEdge") is not None else np.nan for e in ev], color=c, label=label, lw=lw, alpha=0.7)
        axes[2].plot(ep, [e["stdInterior"] for e in ev], color=c, ls=":", lw=0.8)
        axes[3].plot(ep, [e["episodeReturn"] for e in ev], color=c, label=label, lw=lw, alpha=0.7)
    axes[0].axhline(bound, color="k", lw=0.8, ls="--", label="bound 1/(1−γ)")
    axes[0].axhline(runs[0]["evaluations"][0]["optimalStartValue"], color="k", lw=0.8, ls=":", label="V*(0)")
    axes[0].set_title("Q(0, π(0)) (solid) vs true value of π (dotted)")
    axes[1].axhline(bound, color="k", lw=0.8, ls="--")
    axes[1].set_title("mean Q(s', a'): edge-of-reach (solid) vs other (dotted)")
    axes[2].set_title("ensemble std: edge-of-reach (solid) vs other (dotted)")
    axes[3].set_title("episode return (H = %d)" % task["episodeSteps"])
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    print("wrote", out)


if __name__ == "__main__":
    args = sys.argv[1:]
    seed = None
    if "--seed" in args:     # maps of that seed (default: each method's first run)
        i = args.index("--seed")
        seed = int(args[i + 1])
        args = args[:i] + args[i + 2:]
    for path in args:
        with open(path) as f:
            runs = json.load(f)
        stem = os.path.splitext(path)[0]
        maps(runs, stem + (f"_maps_seed{seed}.png" if seed is not None else "_maps.png"), seed)
        curves(runs, stem + "_curves.png")
