#!/usr/bin/env python3
"""Writes a fitted OfflineRL-Kit dynamics model as a dynamics cache of this library (issue 28, item 5).

  python kit_model_to_orl.py --kit /work/kit --kit-model RUN/kit-log/model --template OURS.h5 --out KIT_AS_ORL.h5

`--kit-model` is the folder Kit's `EnsembleDynamics.save` writes (dynamics.pth, mu.npy, std.npy);
`--template` is any dynamics cache of this library with the same widths (`orl train
--dynamics-cache FILE` writes one): it is copied and its parameters are overwritten by Kit's
(network.layers.L.weight [E, in, out] and .bias [E, 1, out] from Kit's backbones and output layer,
maxLogVariance / minLogVariance from max_logvar / min_logvar, inputMean / inputStd from the scaler,
elites). The Adam state is the template's; it is not used by a run that loads the cache. The same
correspondence is what `OfflineRLKitFixtureTests` checks against Kit's own member means and σ.

A run of this library with `--dynamics-cache KIT_AS_ORL.h5` then trains its agent on Kit's model:
set beside Kit's runs on the same model, it separates a difference of the models from one of the
agents and loops.
"""
import argparse
import os
import shutil
import sys

import h5py
import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kit", required=True, help="OfflineRL-Kit checkout (for torch.load of its state dict)")
    p.add_argument("--kit-model", required=True)
    p.add_argument("--template", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    sys.path.insert(0, a.kit)
    import torch

    state = torch.load(os.path.join(a.kit_model, "dynamics.pth"), map_location="cpu")
    mu = np.load(os.path.join(a.kit_model, "mu.npy")).reshape(-1).astype(np.float32)
    std = np.load(os.path.join(a.kit_model, "std.npy")).reshape(-1).astype(np.float32)
    backbones = sorted({int(k.split(".")[1]) for k in state if k.startswith("backbones.")})
    layers = [f"backbones.{i}" for i in backbones] + ["output_layer"]
    values = {}
    for index, name in enumerate(layers):
        values[f"network.layers.{index}.weight"] = state[f"{name}.weight"].numpy()
        values[f"network.layers.{index}.bias"] = state[f"{name}.bias"].numpy()
    values["maxLogVariance"] = state["max_logvar"].numpy().reshape(-1)
    values["minLogVariance"] = state["min_logvar"].numpy().reshape(-1)
    values["inputMean"], values["inputStd"] = mu, std
    values["elites"] = state["elites"].numpy().astype(np.float32).reshape(-1)

    tmp = a.out + ".tmp"
    shutil.copyfile(a.template, tmp)
    with h5py.File(tmp, "r+") as f:
        group = f["dynamics/parameters"]
        missing = sorted(set(group.keys()) - set(values))
        if missing:
            sys.exit(f"the template has parameters Kit's model does not: {missing}")
        for key, value in values.items():
            if key not in group:
                sys.exit(f"the template has no parameter {key}: not a dynamics cache of this library?")
            if group[key].shape != value.shape:
                sys.exit(f"{key}: Kit's model has shape {value.shape}, the template {group[key].shape} (other widths?)")
            group[key][...] = value.astype(np.float32)
    os.replace(tmp, a.out)
    print(f"wrote {a.out}: Kit's {len(layers)} layers, elites {values['elites'].astype(int).tolist()}")
    print(f"check: largest |difference| of Kit's mean and log-variance and the written file's, on 200 rows: "
          f"{check(a.out, state, mu, std, len(backbones)):.2e}")


def check(path, state, mu, std, hidden_layers):
    """Kit's EnsembleDynamicsModel (its state dict loaded) against compare_dynamics.py's numpy
    forward of the written file, on inputs drawn around the scaler's mean."""
    import torch
    from offlinerlkit.modules import EnsembleDynamicsModel
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from compare_dynamics import forward
    w0, wl = state["backbones.0.weight"], state["output_layer.weight"]
    members, inputs_width, target = w0.shape[0], w0.shape[1], wl.shape[2] // 2
    hidden = [state[f"backbones.{i}.weight"].shape[2] for i in range(hidden_layers)]
    model = EnsembleDynamicsModel(obs_dim=target - 1, action_dim=inputs_width - target + 1, hidden_dims=hidden,
                                  num_ensemble=members, num_elites=len(state["elites"]), device="cpu",
                                  weight_decays=[0.0] * (hidden_layers + 1))
    model.load_state_dict(state)
    x = (mu + std * np.random.default_rng(0).standard_normal((200, inputs_width))).astype(np.float32)
    with torch.no_grad():
        kit_mean, kit_lv = (t.numpy() for t in model((x - mu) / std))
    with h5py.File(path, "r") as f:
        g = f["dynamics/parameters"]
        layers = [(g[f"network.layers.{i}.weight"][()], g[f"network.layers.{i}.bias"][()]) for i in range(hidden_layers + 1)]
        mean, lv = forward(layers, g["maxLogVariance"][()], g["minLogVariance"][()], g["inputMean"][()],
                           g["inputStd"][()], x)
    return float(max(np.abs(mean - kit_mean).max(), np.abs(lv - kit_lv).max()))


if __name__ == "__main__":
    main()
