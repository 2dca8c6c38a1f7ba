"""Prints the toy's final numbers per method (mean ± std over seeds) from results JSON files.

    python3 Experiments/ravl-toy/summarize.py Experiments/ravl-toy/results-origin.json
"""
import json
import math
import sys
from collections import defaultdict


def ms(values):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    m = sum(values) / len(values)
    s = math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else 0.0
    return f"{m:.2f} ± {s:.2f}" if abs(m) < 10 else f"{m:.1f} ± {s:.1f}"


for path in sys.argv[1:]:
    runs = json.load(open(path))
    by = defaultdict(list)
    for r in runs:
        by[r["configuration"]["method"]].append(r)
    task = runs[0]["configuration"]["task"]
    print(f"\n{path}: reward {task.get('rewardKind', 'goal')}, k = {task['rolloutHorizon']}, start half-width "
          f"{task.get('startHalfWidth', 0)}, bound 1/(1−γ) = {1 / (1 - task['discount']):.1f}")
    print("| method | seeds | Q(0, π(0)) | true value of π from 0 | V*(0) | episode return | max ‖s‖∞ in episode | "
          "edge-of-reach rows / 2048 (whole run) | max fraction of rows with Q > bound | ensemble std, edge cells | interior cells | edge/interior | targets patched | wall s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for method, rs in by.items():
        last = [r["evaluations"][-1] for r in rs]
        edge_rows = [sum(e["edgeRows"] for e in r["evaluations"]) for r in rs]
        over = [max(e["fractionOverBound"] for e in r["evaluations"]) for r in rs]
        se = [r["valueMap"]["stdEdgeCells"] for r in rs]
        si = [r["valueMap"]["stdInteriorCells"] for r in rs]
        print(f"| {method} | {len(rs)} | {ms([e['qStartMean'] for e in last])} | {ms([e['trueStartValue'] for e in last])} | "
              f"{last[0]['optimalStartValue']:.1f} | {ms([e['episodeReturn'] for e in last])} | {ms([e['maxInfinityNorm'] for e in last])} | "
              f"{ms(edge_rows)} | {ms(over)} | {ms(se)} | {ms(si)} | {ms([a / b for a, b in zip(se, si)])} | "
              f"{ms([r.get('patchedFraction') for r in rs])} | {ms([r['wallSeconds'] for r in rs])} |")
