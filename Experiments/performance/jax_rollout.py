"""MOPO's rollout phase in JAX (jit), at the shapes `orl bench rollout` times as `rollout-mopo`:
50,000 start states x 5 steps, a 7-member 4x200 SiLU ensemble (obs 17, action 6: HalfCheetah, so
no row terminates) with every member evaluated for MOPO's penalty (r - lambda * max_e ||sigma_e||),
a random 17 -> 256 -> 256 -> 12 ReLU tanh-Gaussian actor sampling every action, one elite picked per
row, and every transition written into a FIFO buffer (numpy, like jax_train_loop.py's).

Each chunk's whole horizon is one jit call (the steps unrolled), so XLA sees the chunk's every
product at once; `--chunk` picks the chunk size (the best of a few is what compare.py reports).

  Experiments/performance/.venv/bin/python Experiments/performance/jax_rollout.py --chunk 10000

Prints one JSON object: median ms of a whole rollout phase and transitions per second.
"""
import argparse
import json
import time

import numpy as np

import jax
import jax.numpy as jnp
from jax_workloads import mlp_params, mopo_model_step

OBS, ACT, D = 17, 6, 18            # halfcheetah: observation, action, target (delta-s and reward)
MEMBERS, ELITES = 7, 5


def make_chunk_rollout(horizon, penalty=1.0):
    @jax.jit
    def rollout(model, actor, s, key):
        out_s, out_a, out_r, out_s2 = [], [], [], []
        for _ in range(horizon):
            key, k = jax.random.split(key)
            a, s2, r = mopo_model_step(model, actor, s, k, OBS, D, ELITES, penalty)
            out_s.append(s); out_a.append(a); out_r.append(r); out_s2.append(s2)
            s = s2
        return jnp.stack(out_s), jnp.stack(out_a), jnp.stack(out_r), jnp.stack(out_s2)
    return rollout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--start-states", type=int, default=50_000)
    ap.add_argument("--horizon", type=int, default=5)
    ap.add_argument("--chunk", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    assert args.start_states % args.chunk == 0, "--chunk must divide --start-states (one compiled shape)"

    key = jax.random.PRNGKey(31)
    key, km, ka, ks = jax.random.split(key, 4)
    model = {"net": mlp_params(km, [OBS + ACT, 200, 200, 200, 200, 2 * D], members=MEMBERS),
             "mu": jnp.zeros(OBS + ACT), "sd": jnp.ones(OBS + ACT),
             "max_lv": jnp.full(D, 0.5), "min_lv": jnp.full(D, -10.0)}
    layers = mlp_params(ka, [OBS, 256, 256, 2 * ACT])
    actor = {"trunk": layers[:-1], "head": layers[-1]}
    starts = np.asarray(jax.random.normal(ks, (args.start_states, OBS)))
    rollout = make_chunk_rollout(args.horizon)

    n = args.start_states * args.horizon
    buf = {"s": np.zeros((n, OBS), np.float32), "a": np.zeros((n, ACT), np.float32),
           "r": np.zeros(n, np.float32), "s2": np.zeros((n, OBS), np.float32)}

    def phase(key):
        cursor = 0
        for c in range(0, args.start_states, args.chunk):
            key, k = jax.random.split(key)
            s, a, r, s2 = (np.asarray(t) for t in rollout(model, actor, jnp.asarray(starts[c:c + args.chunk]), k))
            m = r.size
            buf["s"][cursor:cursor + m] = s.reshape(-1, OBS); buf["a"][cursor:cursor + m] = a.reshape(-1, ACT)
            buf["r"][cursor:cursor + m] = r.reshape(-1); buf["s2"][cursor:cursor + m] = s2.reshape(-1, OBS)
            cursor += m
        return key, cursor

    key, _ = phase(key)                                       # compile and warm up
    times = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        key, added = phase(key)
        times.append(time.perf_counter() - t0)
    ms = float(np.median(times)) * 1000
    print(json.dumps({"workload": "rollout-mopo", "stack": "jax", "median_ms": ms, "chunk": args.chunk,
                      "transitions": added, "transitions_per_s": added / (ms / 1000),
                      "jax": jax.__version__, "devices": str(jax.devices())}))


if __name__ == "__main__":
    main()
