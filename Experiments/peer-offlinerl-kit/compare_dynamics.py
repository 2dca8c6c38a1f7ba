#!/usr/bin/env python3
"""Issue 28, item 2: the dynamics ensembles of both sides fitted on the same training rows and
evaluated on the same holdout rows.

  python compare_dynamics.py --kit /work/kit --orl /work/bin/orl-head \
      --dataset /work/data/halfcheetah-medium-orl.hdf5 --env halfcheetah --out /work/kit-runs/dynamics-compare

1. The dynamics view (Kit's qlearning_dataset, which is this library's dynamicsTransitions row
   for row: Tests/PolicyLearningTests/OfflineRLKitFixtureTests.swift) of FILE; 1,000 rows H drawn
   with numpy seed --split-seed are set aside (OUT/split.npz) and touched by neither fit.
2. OUT/train.hdf5: the other rows as a D4RL-format file (timeouts all false, one dummy last row
   that both views drop), so both sides' views of it are exactly those rows.
3. Kit fits on it with EnsembleDynamics.train (its own 1,000-row early-stopping holdout drawn from
   the training rows, 30-epoch cap, max_epochs_since_update 5), seed --seed;
   this library fits on it through `orl train --preset short --dynamics-cache` (same cap and
   rules; its own early-stopping draw), seed --seed, and stops after 1 SAC update.
4. Both models are evaluated on H with the same numpy code (float64): per member, the MSE of the
   mean over all outputs and per output dimension, and the Gaussian NLL per dimension
   (½(log 2π + log σ² + (y − μ)²/σ²)); plus the mean over each side's 5 elites, which is the
   holdout loss both sides log. Results: OUT/compare.json and a printed table.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np


def load(path):
    import h5py
    with h5py.File(path, "r") as f:
        d = {k: f[k][()] for k in ["observations", "actions", "next_observations", "rewards", "terminals", "timeouts"]}
        env = f["metadata/environment"][()] if "metadata/environment" in f else None
    return d, env


def silu(x):
    return x / (1 + np.exp(-x))


def softplus(x):
    return np.logaddexp(0, x)


def forward(layers, max_lv, min_lv, mu, std, inputs):
    """Both sides' ensemble: standardised input, SiLU MLP per member, Kit's soft log-variance clamp."""
    x = (inputs - mu) / std
    h = np.broadcast_to(x, (layers[0][0].shape[0],) + x.shape)
    for i, (w, b) in enumerate(layers):
        h = np.einsum("ebi,eio->ebo", h, w) + b
        if i < len(layers) - 1:
            h = silu(h)
    d = h.shape[-1] // 2
    mean, lv = h[..., :d], h[..., d:]
    lv = max_lv - softplus(max_lv - lv)
    lv = min_lv + softplus(lv - min_lv)
    return mean, lv


def metrics(mean, lv, targets, elites):
    err = (mean - targets) ** 2                                 # [E, H, D]
    nll = 0.5 * (np.log(2 * np.pi) + lv + err / np.exp(lv))    # [E, H, D]
    mse = err.mean(axis=(1, 2))
    return {"member_mse": mse.tolist(), "member_nll": nll.mean(axis=(1, 2)).tolist(),
            "member_mse_per_dim": err.mean(axis=1).tolist(), "member_nll_per_dim": nll.mean(axis=1).tolist(),
            "elites": [int(e) for e in elites], "elite_mean_mse": float(mse[list(elites)].mean()),
            "best5_mean_mse": float(np.sort(mse)[:5].mean()),
            "elite_mean_nll": float(nll.mean(axis=(1, 2))[list(elites)].mean())}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kit", required=True)
    p.add_argument("--orl", required=True)
    p.add_argument("--dataset", required=True)
    p.add_argument("--env", choices=["halfcheetah", "hopper"], required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--split-seed", type=int, default=28)
    p.add_argument("--max-epochs", type=int, default=30)
    p.add_argument("--side", choices=["both", "kit", "ours"], default="both")
    a = p.parse_args()
    sys.path.insert(0, os.path.abspath(a.kit))
    import h5py
    import torch
    torch.set_num_threads(1)
    from offlinerlkit.utils.load_dataset import qlearning_dataset

    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    raw, env_name = load(a.dataset)

    class Env:
        _max_episode_steps = 1000
    view = qlearning_dataset(Env(), dataset=raw)
    n = len(view["observations"])
    rng = np.random.default_rng(a.split_seed)
    holdout = np.sort(rng.choice(n, size=1000, replace=False))
    train = np.setdiff1d(np.arange(n), holdout)
    np.savez_compressed(os.path.join(out, "split.npz"), holdout=holdout, train=train, view_rows=n)
    hold_inputs = np.concatenate([view["observations"][holdout], view["actions"][holdout]], -1).astype(np.float64)
    hold_targets = np.concatenate([view["next_observations"][holdout] - view["observations"][holdout],
                                   view["rewards"][holdout][:, None]], -1).astype(np.float64)

    train_file = os.path.join(out, "train.hdf5")
    if not os.path.exists(train_file):
        tmp = train_file + ".tmp"
        with h5py.File(tmp, "w") as f:
            for k in ["observations", "actions", "next_observations", "rewards"]:
                v = view[k][train]
                f[k] = np.concatenate([v, v[-1:]], 0).astype(np.float32)
            f["terminals"] = np.concatenate([view["terminals"][train], [False]])
            f["timeouts"] = np.zeros(len(train) + 1, bool)
            f["metadata/environment"] = env_name if env_name is not None else a.env
            f["metadata/note"] = "training rows of compare_dynamics.py; not D4RL's data"
        os.replace(tmp, train_file)
    result_path = os.path.join(out, "compare.json")
    result = json.load(open(result_path)) if os.path.exists(result_path) else {}
    result.update({"dataset": os.path.abspath(a.dataset), "view_rows": int(n), "train_rows": int(len(train)),
                   "holdout_rows": 1000, "split_seed": a.split_seed, "seed": a.seed})

    if a.side in ("both", "kit"):
        from offlinerlkit.modules import EnsembleDynamicsModel
        from offlinerlkit.dynamics import EnsembleDynamics
        from offlinerlkit.utils.scaler import StandardScaler
        from offlinerlkit.utils.termination_fns import get_termination_fn
        from offlinerlkit.utils.logger import Logger
        tr, _ = load(train_file)
        tview = qlearning_dataset(Env(), dataset=tr)
        assert len(tview["observations"]) == len(train)
        np.random.seed(a.seed); torch.manual_seed(a.seed)
        o, act = tview["observations"].shape[1], tview["actions"].shape[1]
        model = EnsembleDynamicsModel(obs_dim=o, action_dim=act, hidden_dims=[200] * 4, num_ensemble=7, num_elites=5,
                                      weight_decays=[2.5e-5, 5e-5, 7.5e-5, 7.5e-5, 1e-4], device="cpu")
        dyn = EnsembleDynamics(model, torch.optim.Adam(model.parameters(), lr=1e-3), StandardScaler(),
                               get_termination_fn(a.env))
        os.makedirs(os.path.join(out, "kit-log"), exist_ok=True)
        logger = Logger(os.path.join(out, "kit-log"), {"consoleout_backup": "stdout", "dynamics_training_progress": "csv"})
        data = {k: tview[k] for k in tview}
        data["rewards"] = data["rewards"].reshape(-1, 1)
        t = time.time()
        dyn.train(data, logger, max_epochs=a.max_epochs, max_epochs_since_update=5)
        kit_seconds = time.time() - t
        layers = [(l.weight.detach().numpy().astype(np.float64), l.bias.detach().numpy().astype(np.float64))
                  for l in list(model.backbones) + [model.output_layer]]
        mean, lv = forward(layers, model.max_logvar.detach().numpy(), model.min_logvar.detach().numpy(),
                           dyn.scaler.mu, dyn.scaler.std, hold_inputs)
        result["kit"] = metrics(mean, lv, hold_targets, model.elites.data.numpy())
        result["kit"]["fit_seconds"] = kit_seconds
        json.dump(result, open(result_path, "w"), indent=1)

    if a.side in ("both", "ours"):
        cache = os.path.join(out, "ours-dynamics.h5")
        run = os.path.join(out, "ours-run")
        t = time.time()
        if not os.path.exists(cache):
            config = os.path.join(out, "ours-config.json")
            json.dump({"dynamics": {"maxEpochs": a.max_epochs}}, open(config, "w"))
            subprocess.run([a.orl, "train", "--algo", "mopo", "--dataset", train_file, "--preset", "short",
                            "--config", config,
                            "--steps", "1", "--evaluation-interval", "1", "--evaluation-episodes", "1",
                            "--seed", str(a.seed), "--dynamics-seed", str(a.seed), "--dynamics-cache", cache,
                            "--out", run], check=True)
        ours_seconds = time.time() - t
        with h5py.File(cache, "r") as f:
            g = f["dynamics/parameters"]
            nl = len([k for k in g.keys() if k.startswith("network.layers.") and k.endswith(".weight")])
            layers = [(g[f"network.layers.{l}.weight"][()].astype(np.float64), g[f"network.layers.{l}.bias"][()].astype(np.float64))
                      for l in range(nl)]
            mean, lv = forward(layers, g["maxLogVariance"][()], g["minLogVariance"][()], g["inputMean"][()],
                               g["inputStd"][()], hold_inputs)
            result["ours"] = metrics(mean, lv, hold_targets, g["elites"][()].astype(int))
        result["ours"]["fit_seconds"] = ours_seconds
        json.dump(result, open(result_path, "w"), indent=1)

    for side in ("kit", "ours"):
        if side in result:
            r = result[side]
            print(f"{side:5s} elites {r['elites']} elite-mean holdout MSE {r['elite_mean_mse']:.4f} "
                  f"NLL {r['elite_mean_nll']:.3f}  members MSE " + " ".join(f"{x:.4f}" for x in r["member_mse"]))


if __name__ == "__main__":
    main()
