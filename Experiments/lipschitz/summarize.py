#!/usr/bin/env python3
"""Table of Experiments/lipschitz: single model + Lipschitz critic vs MOPO's 7-member ensemble.

Reads every run directory under Experiments/runs/<dataset>/<algo>-seed<S>/ (mopo and lipschitz-mopo) (progress.jsonl,
config.json, dynamics.json) and prints, per dataset and algorithm, mean ± std over seeds of:
the final normalized score and the mean of the last 3 evaluations, the critic's Lipschitz
estimates at the last evaluation (upper bound Π‖W‖ and empirical max ‖∇Q‖, max over members),
and the dynamics model's fit time in seconds. Writes results.md and results.csv beside itself.

Usage (from the repository root):  python3 Experiments/lipschitz/summarize.py [--runs runs/lipschitz]
"""
import argparse, csv, json, math, os, re, statistics, sys

HERE = os.path.dirname(os.path.abspath(__file__))


def mean_std(values):
    values = [v for v in values if v is not None and not math.isnan(v)]
    if not values:
        return None, None
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def fmt(pair, digits=1):
    m, s = pair
    return "n/a" if m is None else f"{m:.{digits}f} ± {s:.{digits}f}"


def read_run(path):
    rows = []
    progress = os.path.join(path, "progress.jsonl")
    if not os.path.exists(progress):
        return None
    with open(progress) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    if not rows:
        return None
    config = json.load(open(os.path.join(path, "config.json")))
    dynamics = os.path.join(path, "dynamics.json")
    fit = json.load(open(dynamics)) if os.path.exists(dynamics) else {}
    last = rows[-1]
    scores = [r.get("normalized_score") for r in rows if "normalized_score" in r]
    return {
        "seed": config["seed"], "step": int(last["step"]), "total": config["totalSteps"],
        "members": config["dynamics"]["members"],
        "score": scores[-1] if scores else None,
        "score_last3": statistics.fmean(scores[-3:]) if scores else None,
        "upper": last.get("lipschitz_upper_max"), "empirical": last.get("lipschitz_empirical_max"),
        "empirical_state": last.get("lipschitz_empirical_state_max"),
        "fit_seconds": float(fit["seconds"]) if "seconds" in fit else None,
        "wall_seconds": last.get("wall_seconds"),
    }


def fastest_fit(runs):
    """The fastest of the arm's dynamics fits (runs sharing a cache fit once per machine). Fits
    share the machine with other jobs, so wall times only grow with contention; the fastest is the
    least disturbed measurement."""
    times = [r["fit_seconds"] for r in runs if r["fit_seconds"] is not None]
    return min(times) if times else None


def comparison(groups):
    """One line per dataset: the Lipschitz arm's score minus the ensemble's (with its standard
    error over seeds) and the ratio of dynamics fit times, the two halves of the paper's claim."""
    out = []
    for dataset in sorted({d for d, _ in groups}):
        ens, lip = groups.get((dataset, "mopo")), groups.get((dataset, "lipschitz-mopo"))
        # With a shared --dynamics-cache only the run that fitted the model has its fit time.
        if not ens or not lip:
            continue
        (ms, ss), (ml, sl) = mean_std([r["score"] for r in ens]), mean_std([r["score"] for r in lip])
        fe, fl = fastest_fit(ens), fastest_fit(lip)
        if ms is None or ml is None:
            continue
        se = math.sqrt(ss ** 2 / len(ens) + sl ** 2 / len(lip))
        ratio = f"{fe / fl:.1f}x" if fe and fl else "n/a"
        out.append(f"{dataset}: lipschitz-mopo minus mopo (7 members), final score {ml - ms:+.1f} (standard error {se:.1f}); "
                   f"dynamics fit time ensemble/single {ratio}")
    return "\n".join(out)


def fit_cell(runs):
    times = [r["fit_seconds"] for r in runs if r["fit_seconds"] is not None]
    return f"{min(times):.0f} (fastest of {len(times)})" if times else "n/a"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", nargs="+", default=["Experiments/runs", "Experiments/run-records"],
                        help="run stores: the live one and the committed archive (archived by `orl reproduce`)")
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(HERE))
    import summarize_runs as store
    groups = {}
    for _, path in store.run_directories(args.runs):
        dataset, name = os.path.basename(os.path.dirname(path)), os.path.basename(path)
        match = re.fullmatch(r"(mopo|lipschitz-mopo(?:-c\d+)?)-seed(\d+)", name)   # -cN: the scale ablation
        run = read_run(path) if match and store.finished(path) else None   # finished runs only
        if run:
            groups.setdefault((dataset, match.group(1)), []).append(run)
    if not groups:
        sys.exit(f"no runs under {args.runs}; run `orl reproduce mopo-mobile lipschitz` first")
    header = ["dataset (self-made, -orl)", "algorithm", "model members", "seeds (steps done)",
              "final score", "score, last 3 evals", "Lipschitz upper bound", "Lipschitz empirical",
              "empirical, state block", "dynamics fit s", "agent wall s"]
    table = []
    for (dataset, algo), runs in sorted(groups.items()):
        steps = ",".join(str(r["step"]) for r in runs)
        table.append([dataset, algo, str(runs[0]["members"]), f"{len(runs)} ({steps})",
                      fmt(mean_std([r["score"] for r in runs])), fmt(mean_std([r["score_last3"] for r in runs])),
                      fmt(mean_std([r["upper"] for r in runs]), 3 if algo.startswith("lipschitz") else 0),
                      fmt(mean_std([r["empirical"] for r in runs]), 2),
                      fmt(mean_std([r["empirical_state"] for r in runs]), 2),
                      fit_cell(runs),
                      fmt(mean_std([r["wall_seconds"] for r in runs]), 0)])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in table]
    lines += ["", comparison(groups)]
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(HERE, "results.md"), "w") as f:
        f.write("Scores are D4RL-normalized returns on datasets this project generated (-orl), mean ± std over seeds.\n\n")
        f.write(text + "\n")
    with open(os.path.join(HERE, "results.csv"), "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["dataset", "algorithm", "seed", "step", "members", "score", "score_last3",
                         "lipschitz_upper_max", "lipschitz_empirical_max", "lipschitz_empirical_state_max",
                         "dynamics_fit_seconds", "wall_seconds"])
        for (dataset, algo), runs in sorted(groups.items()):
            for r in runs:
                writer.writerow([dataset, algo, r["seed"], r["step"], r["members"], r["score"], r["score_last3"], r["upper"],
                                 r["empirical"], r["empirical_state"], r["fit_seconds"], r["wall_seconds"]])


if __name__ == "__main__":
    main()
