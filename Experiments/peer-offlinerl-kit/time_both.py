#!/usr/bin/env python3
"""Issue 28, item 4: the same components of OfflineRL-Kit and of this library timed on one core,
alternating side by side for several passes in one sitting, printed as a Markdown table.

  taskset is applied here (--core); run it with nothing else on that core:
  python3 Experiments/peer-offlinerl-kit/time_both.py --kit /work/kit --python /work/kit-venv/bin/python \
      --orl .build/release/orl --core 1 --passes 3 --json-out timing.json

Components (Kit's classes through time_kit.py; this library's `orl bench` workloads, same shapes):
  dynamics step   7-member 4x200 ensemble, one 256-row batch per member (obs 17, act 6)
  dynamics epoch  3,899 such steps (998,000 training rows / 256), the holdout pass left out on both sides
  SAC update      2 critics and actor of 3x256, batch 256, obs 17, act 6; and 1,000 of them
  rollout phase   10,000 start states x 5 steps, all 7 members evaluated (MOPO's penalty)
  MOBILE update   hopper widths, 10 samples x 5 elites of next states for the model rows
Each pass runs Kit's script once (median of its --rounds) and each `orl bench` once (median of its
--rounds); the table gives the median over passes and the ratio Kit / this library.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json_lines(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kit", required=True)
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--orl", default=".build/release/orl")
    p.add_argument("--core", type=int, default=1)
    p.add_argument("--passes", type=int, default=3)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--json-out")
    a = p.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    pin = ["taskset", "-c", str(a.core)]
    samples = {k: {"kit": [], "ours": []} for k in ["dynamics_step_ms", "sac_update_ms", "rollout_s", "mobile_update_ms"]}
    meta = {}
    for _ in range(a.passes):
        kit = json.loads(subprocess.run(pin + [a.python, os.path.join(HERE, "time_kit.py"), "--kit", a.kit, "--rounds", str(a.rounds),
                                               "--sac-hidden", "256", "256", "256", "--start-states", "10000"],
                                        check=True, capture_output=True, text=True, env=env).stdout)
        meta["torch"] = kit["torch"]
        samples["dynamics_step_ms"]["kit"].append(kit["dynamics_step_s"] * 1000)
        samples["sac_update_ms"]["kit"].append(kit["sac_update_s"] * 1000)
        samples["rollout_s"]["kit"].append(kit["rollout_s"])
        samples["mobile_update_ms"]["kit"].append(kit["mobile_update_s"] * 1000)
        bench = lambda *args: run_json_lines(pin + [a.orl, "bench", *args, "--json", "--rounds", str(a.rounds)])
        rows = {r["workload"]: r for r in bench("dynamics-step", "--weight-decay", "loss")}   # Kit's step: decay in the loss, Adam
        rows.update({r["workload"]: r for r in bench("sac-update", "--critics", "2")})
        rows.update({r["workload"]: r for r in bench("mobile-update")})
        rows.update({r["workload"]: r for r in bench("rollout", "--start-states", "10000")})
        meta["kernel"] = rows["dynamics-step"].get("kernel")
        meta["workers"] = rows["dynamics-step"].get("workers")
        samples["dynamics_step_ms"]["ours"].append(rows["dynamics-step"]["median_ms"])
        samples["sac_update_ms"]["ours"].append(rows["sac-n2"]["median_ms"])
        samples["rollout_s"]["ours"].append(rows["rollout-mopo"]["median_ms"] / 1000)
        samples["mobile_update_ms"]["ours"].append(rows["mobile-update"]["median_ms"])
    med = {k: {side: statistics.median(v) for side, v in sides.items()} for k, sides in samples.items()}
    table = [
        ("dynamics step (ms)", med["dynamics_step_ms"]["kit"], med["dynamics_step_ms"]["ours"]),
        ("dynamics epoch, 3,899 steps (s)", med["dynamics_step_ms"]["kit"] * 3.899, med["dynamics_step_ms"]["ours"] * 3.899),
        ("SAC update (ms)", med["sac_update_ms"]["kit"], med["sac_update_ms"]["ours"]),
        ("1,000 SAC updates (s)", med["sac_update_ms"]["kit"], med["sac_update_ms"]["ours"]),
        ("rollout phase, 10,000 starts x 5 steps, 7 members (s)", med["rollout_s"]["kit"], med["rollout_s"]["ours"]),
        ("MOBILE update (ms)", med["mobile_update_ms"]["kit"], med["mobile_update_ms"]["ours"]),
    ]
    print(f"core {a.core}, {a.passes} passes, torch {meta.get('torch')} (1 thread), OpenBLAS {meta.get('kernel')} (1 thread, {meta.get('workers')} worker)\n")
    print("| component | OfflineRL-Kit | this library | Kit / ours |")
    print("| --- | --- | --- | --- |")
    for name, kit, ours in table:
        print(f"| {name} | {kit:.3g} | {ours:.3g} | {kit / ours:.2f} |")
    spread = {k: {side: (min(v), max(v)) for side, v in sides.items()} for k, sides in samples.items()}
    print("\nper-pass ranges:", json.dumps(spread))
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump({"samples": samples, "medians": med, "meta": meta, "core": a.core}, f, indent=1)


if __name__ == "__main__":
    main()
