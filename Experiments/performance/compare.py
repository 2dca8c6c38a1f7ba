#!/usr/bin/env python3
"""Side-by-side: `orl bench` (Swift) and the same updates in JAX jit, on this machine, now.

For each workload it runs our benchmark and, right after it, the JAX version
(jax_workloads.py), then prints a Markdown table. JAX's ratio uses the sgemm peak our run
measured moments before. Creates Experiments/performance/.venv with jax[cpu] and optax on
first use (git-ignored).

    python3 Experiments/performance/compare.py [--orl .build/release/orl] [--passes 2]
    python3 Experiments/performance/compare.py --train-loop hopper-medium-orl.hdf5 [--dynamics-cache F]

With --train-loop it times MOPO's whole training loop instead (`orl bench train --algo mopo`
against jax_train_loop.py, hopper's shapes, 2,000 updates, one after the other).
With --rollout it times the all-member rollout phase (`orl bench rollout`'s `rollout-mopo` row
against jax_rollout.py at JAX's best of three chunk sizes, one after the other).

    python3 Experiments/performance/compare.py --rollout [--passes 2]
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VENV = HERE / ".venv"
PY = VENV / "bin" / "python"

WORKLOADS = [
    ("sac-n2", ["sac-update", "--critics", "2"]),
    ("sac-n10", ["sac-update", "--critics", "10"]),
    ("edac-n10", ["sac-update", "--critics", "10", "--eta", "1", "--updates", "4"]),
    ("dynamics-step", ["dynamics-step"]),
]


def ensure_venv():
    if not PY.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    try:
        subprocess.check_call([str(PY), "-c", "import jax, optax"], stderr=subprocess.DEVNULL)
    except subprocess.CalledProcessError:
        subprocess.check_call([str(PY), "-m", "pip", "install", "-q", "jax[cpu]", "optax"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orl", default=str(ROOT / ".build" / "release" / "orl"))
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--out", default=str(HERE / "runs" / "results.jsonl"))
    ap.add_argument("--train-loop", metavar="DATASET", help="time MOPO's whole loop on this hopper dataset instead")
    ap.add_argument("--dynamics-cache", help="a dynamics.h5 for `orl bench train` (fitted for one epoch when absent)")
    ap.add_argument("--updates", type=int, default=2000)
    ap.add_argument("--rollout", action="store_true", help="time the all-member rollout phase instead")
    args = ap.parse_args()
    if not Path(args.orl).exists():
        subprocess.check_call(["swift", "build", "-c", "release", "--product", "orl"], cwd=ROOT)
    ensure_venv()
    env = dict(os.environ, OPENBLAS_NUM_THREADS=os.environ.get("OPENBLAS_NUM_THREADS", "2"))
    if args.train_loop:
        compare_train_loop(args, env)
        return
    if args.rollout:
        compare_rollout(args, env)
        return
    rows = []
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "a") as log:
        for p in range(args.passes):
            for name, cli in WORKLOADS:
                ours = json.loads(subprocess.check_output(
                    [args.orl, "bench", *cli, "--json", "--rounds", str(args.rounds)], env=env, text=True).splitlines()[-1])
                per_round = "4" if name.startswith("edac") else "20"
                theirs = json.loads(subprocess.check_output(
                    [str(PY), str(HERE / "jax_workloads.py"), name, "--gflop", str(ours["gflop"]),
                     "--rounds", str(args.rounds), "--per-round", per_round], env=env, text=True).splitlines()[-1])
                theirs["ratio"] = theirs["gflops"] / ours["peak_gflops"]
                for record, stack in ((ours, "swift"), (theirs, "jax")):
                    log.write(json.dumps(dict(record, stack=stack, pass_=p)) + "\n")
                rows.append((p, name, ours, theirs))
                print(f"pass {p} {name}: swift {ours['median_ms']:.2f} ms (ratio {ours['ratio']:.2f}), "
                      f"jax {theirs['median_ms']:.2f} ms (ratio {theirs['ratio']:.2f}), "
                      f"peak {ours['peak_gflops']:.0f} GFLOP/s", flush=True)
    print()
    print("| pass | workload | GFLOP | peak GFLOP/s | Swift ms | Swift ratio | JAX jit ms | JAX ratio | JAX / Swift time |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for p, name, ours, theirs in rows:
        print(f"| {p} | {name} | {ours['gflop']:.2f} | {ours['peak_gflops']:.0f} | {ours['median_ms']:.2f} | "
              f"{ours['ratio']:.2f} | {theirs['median_ms']:.2f} | {theirs['ratio']:.2f} | "
              f"{theirs['median_ms'] / ours['median_ms']:.2f} |")


def compare_train_loop(args, env):
    """`orl bench train --algo mopo` and jax_train_loop.py, `--passes` times each, alternating."""
    cache = ["--dynamics-cache", args.dynamics_cache] if args.dynamics_cache else []
    print("| pass | Swift ms/update | Swift rollout share | JAX jit ms/update | JAX rollout share | JAX / Swift time |")
    print("| --- | --- | --- | --- | --- | --- |")
    for p in range(args.passes):
        ours = json.loads(subprocess.check_output(
            [args.orl, "bench", "train", "--algo", "mopo", "--dataset", args.train_loop, "--updates", str(args.updates),
             *cache, "--json"], env=env, text=True, stderr=subprocess.DEVNULL).splitlines()[-1])
        theirs = json.loads(subprocess.check_output(
            [str(PY), str(HERE / "jax_train_loop.py"), "--updates", str(args.updates)], env=env, text=True).splitlines()[-1])
        print(f"| {p} | {ours['median_ms']:.2f} | {ours['share_rollout'] + ours['share_rollout_filter_penalty']:.2f} | "
              f"{theirs['median_ms']:.2f} | {theirs['share_rollout']:.2f} | {theirs['median_ms'] / ours['median_ms']:.2f} |", flush=True)


def compare_rollout(args, env):
    """`orl bench rollout` (its rollout-mopo row) and jax_rollout.py, `--passes` times each, alternating."""
    print("| pass | peak GFLOP/s | Swift ms | Swift ratio | Swift transitions/s | JAX jit ms (best chunk) | JAX transitions/s | JAX / Swift time |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for p in range(args.passes):
        rows = [json.loads(line) for line in subprocess.check_output(
            [args.orl, "bench", "rollout", "--json"], env=env, text=True).splitlines() if line.startswith("{")]
        ours = next(r for r in rows if r["workload"] == "rollout-mopo")
        theirs = min((json.loads(subprocess.check_output(
            [str(PY), str(HERE / "jax_rollout.py"), "--chunk", str(chunk)], env=env, text=True).splitlines()[-1])
            for chunk in (2000, 10000, 50000)), key=lambda r: r["median_ms"])
        print(f"| {p} | {ours['peak_gflops']:.0f} | {ours['median_ms']:.0f} | {ours['ratio']:.2f} | {ours['transitions_per_s']:.0f} | "
              f"{theirs['median_ms']:.0f} (chunk {theirs['chunk']}) | {theirs['transitions_per_s']:.0f} | "
              f"{theirs['median_ms'] / ours['median_ms']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
