"""MOPO's whole training loop in JAX (jit), at the shapes `orl bench train --algo mopo` times on
hopper-medium: SAC with 2 critics and an actor of 2x256 (obs 11, action 3), batches of 256 rows
(5% real, 95% model), and every 1,000 updates a rollout of 50,000 start states x 5 steps in a
7-member 4x200 SiLU ensemble with every member evaluated for MOPO's penalty
(r - lambda * max_e ||sigma_e||), Kit's hopper termination, a FIFO model buffer of 5 rollouts.

Same work, JAX's way: the rollout keeps fixed shapes (terminated rows are masked, not dropped,
so it never re-traces), the buffer and batch sampling are numpy. The model's weights are random
(the cost does not depend on them; with random weights rows terminate like an unfitted model's).

  .venv-test/bin/python Experiments/performance/jax_train_loop.py --updates 2000
  orl bench train --algo mopo --dataset hopper-medium-orl.hdf5 --updates 2000 --json    # the same sitting

Prints one JSON object: ms per update of the whole loop, its rollout share, projected hours of 3M updates.
"""
import argparse
import json
import time

import numpy as np

import jax
import jax.numpy as jnp
from jax_workloads import make_sac, mlp_params, mopo_model_step

OBS, ACT, D = 11, 3, 12            # hopper: observation, action, target (delta-s and reward)


def make_rollout_step(penalty=1.0, elites=5):
    @jax.jit
    def step(model, actor, s, alive, key):
        a, s2, r = mopo_model_step(model, actor, s, key, OBS, D, elites, penalty)
        healthy = (jnp.isfinite(s2).all(-1) & (jnp.abs(s2[:, 1:]) < 100).all(-1)
                   & (s2[:, 0] > 0.7) & (jnp.abs(s2[:, 1]) < 0.2))
        return a, s2, r, ~healthy, alive & healthy
    return step


class FIFOBuffer:
    def __init__(self, capacity):
        self.s = np.zeros((capacity, OBS), np.float32); self.a = np.zeros((capacity, ACT), np.float32)
        self.r = np.zeros(capacity, np.float32); self.s2 = np.zeros((capacity, OBS), np.float32)
        self.d = np.zeros(capacity, np.float32); self.capacity, self.next, self.count = capacity, 0, 0

    def add(self, s, a, r, s2, d):
        idx = (self.next + np.arange(len(r))) % self.capacity
        self.s[idx], self.a[idx], self.r[idx], self.s2[idx], self.d[idx] = s, a, r, s2, d
        self.next = (self.next + len(r)) % self.capacity
        self.count = min(self.count + len(r), self.capacity)

    def sample(self, rng, n):
        i = rng.integers(0, self.count, n)
        return self.s[i], self.a[i], self.r[i], self.s2[i], self.d[i]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--updates", type=int, default=2000)
    ap.add_argument("--rollout-starts", type=int, default=50_000)
    ap.add_argument("--horizon", type=int, default=5)
    ap.add_argument("--chunk", type=int, default=10_000)
    args = ap.parse_args()
    key = jax.random.PRNGKey(0)
    rng = np.random.default_rng(0)
    state, update = make_sac(2, 0.0, key, obs=OBS, act=ACT, hidden=(256, 256))
    model = dict(net=mlp_params(jax.random.PRNGKey(1), [OBS + ACT, 200, 200, 200, 200, 2 * D], members=7),
                 max_lv=jnp.full((D,), 0.5), min_lv=jnp.full((D,), -10.0),
                 mu=jnp.zeros(OBS + ACT), sd=jnp.ones(OBS + ACT))
    rollout_step = make_rollout_step()
    real = FIFOBuffer(1_000_000)
    real.add(rng.normal(size=(1_000_000, OBS)).astype(np.float32) + np.array([1.25] + [0] * (OBS - 1), np.float32),
             rng.uniform(-1, 1, (1_000_000, ACT)).astype(np.float32), rng.normal(size=1_000_000).astype(np.float32),
             rng.normal(size=(1_000_000, OBS)).astype(np.float32), np.zeros(1_000_000, np.float32))
    fake = FIFOBuffer(args.rollout_starts * args.horizon * 5)

    def rollout(key):
        for c0 in range(0, args.rollout_starts, args.chunk):
            s = jnp.asarray(real.sample(rng, min(args.chunk, args.rollout_starts - c0))[0])
            alive = jnp.ones(s.shape[0], bool)
            for _ in range(args.horizon):
                key, k = jax.random.split(key)
                a, s2, r, done, still = rollout_step(model, state["actor"], s, alive, k)
                keep = np.asarray(alive)
                fake.add(np.asarray(s)[keep], np.asarray(a)[keep], np.asarray(r)[keep], np.asarray(s2)[keep],
                         np.asarray(done, np.float32)[keep])
                s, alive = s2, still      # all h steps run, as for a model whose rows never terminate
        return key

    def batch():
        r_rows = real.sample(rng, 12) if fake.count else None
        f_rows = fake.sample(rng, 244)
        s, a, r, s2, d = (np.concatenate([x, y]) for x, y in zip(r_rows, f_rows))
        return tuple(jnp.asarray(x) for x in (s, a, r, s2, 1 - d))

    # Warm-up: compile the rollout step and the update.
    key = rollout(key)
    for i in range(30):
        key, k = jax.random.split(key)
        state = update(state, batch(), k)
    jax.block_until_ready(state)

    rollout_seconds = 0.0
    t0 = time.perf_counter()
    for i in range(args.updates):
        if i % 1000 == 0:
            r0 = time.perf_counter(); key = rollout(key); rollout_seconds += time.perf_counter() - r0
        key, k = jax.random.split(key)
        state = update(state, batch(), k)
    jax.block_until_ready(state)
    total = time.perf_counter() - t0
    ms = total * 1000 / args.updates
    print(json.dumps({"workload": "jax-train-mopo", "median_ms": ms, "share_rollout": rollout_seconds / total,
                      "updates": args.updates, "projected_paper_hours": 3_000_000 * ms / 1000 / 3600,
                      "jax": jax.__version__}))


if __name__ == "__main__":
    main()
