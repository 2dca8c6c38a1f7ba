#!/usr/bin/env python3
"""Issue 28, item 4: OfflineRL-Kit's components timed on one core, with the workloads of this
library's `orl bench` commands, to be run in the same sitting and on the same core as they are:

  taskset -c 1 python time_kit.py --kit /work/kit > kit-timing.json
  taskset -c 1 orl bench dynamics-step --json; taskset -c 1 orl bench sac-update --critics 2 --json
  taskset -c 1 orl bench mobile-update --json;  taskset -c 1 orl bench rollout --start-states 10000 --json

Workloads (median of --rounds timed rounds, after one warm-up round), with Kit's own classes on
random data of the stated widths (timing does not depend on the data):
  dynamics_step   EnsembleDynamics.learn on one 256-row mini-batch per member (7 members, 4x200,
                  obs 17, act 6); a dynamics epoch on the 998,000 training rows is 3,899 of them
                  plus the holdout pass (reported as dynamics_epoch_estimate);
  sac_update      MOPOPolicy.learn (SAC, 2 critics, hidden --sac-hidden, obs 17, act 6, batch 256:
                  12 real + 244 model rows); reported per 1,000 updates;
  mobile_update   MOBILEPolicy.learn at hopper widths (obs 11, act 3; 10 samples x 5 elites of
                  next states for the 244 model rows), as `orl bench mobile-update`;
  rollout         MOPOPolicy.rollout: --start-states start states x 5 steps (obs 17, act 6),
                  all members evaluated for MOPO's penalty.
"""
import argparse
import json
import os
import sys
import time

import numpy as np


def median_time(fn, rounds):
    fn()
    ts = []
    for _ in range(rounds):
        t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    return float(np.median(ts))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kit", required=True)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--sac-hidden", type=int, nargs="*", default=[256, 256])
    p.add_argument("--start-states", type=int, default=10_000)
    a = p.parse_args()
    sys.path.insert(0, os.path.abspath(a.kit))
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(0); np.random.seed(0)
    from offlinerlkit.nets import MLP
    from offlinerlkit.modules import ActorProb, Critic, TanhDiagGaussian, EnsembleDynamicsModel
    from offlinerlkit.dynamics import EnsembleDynamics
    from offlinerlkit.utils.scaler import StandardScaler
    from offlinerlkit.utils.termination_fns import get_termination_fn
    from offlinerlkit.policy import MOPOPolicy, MOBILEPolicy

    def ensemble(o, act, task, coef=0.0):
        m = EnsembleDynamicsModel(obs_dim=o, action_dim=act, hidden_dims=[200] * 4, num_ensemble=7, num_elites=5,
                                  weight_decays=[2.5e-5, 5e-5, 7.5e-5, 7.5e-5, 1e-4], device="cpu")
        s = StandardScaler(); s.fit(np.random.randn(1000, o + act).astype(np.float32))
        return EnsembleDynamics(m, torch.optim.Adam(m.parameters(), lr=1e-3), s, get_termination_fn(task), penalty_coef=coef)

    def actor(o, act, hidden):
        bb = MLP(input_dim=o, hidden_dims=hidden)
        return ActorProb(bb, TanhDiagGaussian(latent_dim=hidden[-1], output_dim=act, unbounded=True,
                                              conditioned_sigma=True, max_mu=1.0), "cpu")

    def alpha(act):
        la = torch.zeros(1, requires_grad=True)
        return (-act, la, torch.optim.Adam([la], lr=1e-4))

    def batch(o, act, n):
        return {"observations": torch.randn(n, o), "actions": torch.rand(n, act) * 2 - 1,
                "next_observations": torch.randn(n, o), "rewards": torch.randn(n, 1), "terminals": torch.zeros(n, 1)}

    out = {"torch": torch.__version__, "threads": 1, "rounds": a.rounds}
    o, act = 17, 6
    dyn = ensemble(o, act, "halfcheetah", 0.5)
    x = np.random.randn(7, 256, o + act).astype(np.float32)
    y = np.random.randn(7, 256, o + 1).astype(np.float32)
    out["dynamics_step_s"] = median_time(lambda: dyn.learn(x, y, 256), a.rounds)
    hx = np.random.randn(1000, o + act).astype(np.float32); hy = np.random.randn(1000, o + 1).astype(np.float32)
    out["dynamics_epoch_estimate_s"] = out["dynamics_step_s"] * 3899 + median_time(lambda: dyn.validate(hx, hy), a.rounds)

    ac = actor(o, act, a.sac_hidden)
    c1, c2 = (Critic(MLP(input_dim=o + act, hidden_dims=a.sac_hidden), "cpu") for _ in range(2))
    mopo = MOPOPolicy(dyn, ac, c1, c2, torch.optim.Adam(ac.parameters(), 1e-4), torch.optim.Adam(c1.parameters(), 3e-4),
                      torch.optim.Adam(c2.parameters(), 3e-4), alpha=alpha(act))
    real, fake = batch(o, act, 12), batch(o, act, 244)
    out["sac_update_s"] = median_time(lambda: [mopo.learn({"real": real, "fake": fake}) for _ in range(20)], a.rounds) / 20
    out["sac_1000_updates_s"] = out["sac_update_s"] * 1000
    starts = np.random.randn(a.start_states, o).astype(np.float32)
    out["rollout_start_states"] = a.start_states
    out["rollout_s"] = median_time(lambda: mopo.rollout(starts, 5), max(1, a.rounds // 2))

    o, act = 11, 3
    dh = ensemble(o, act, "hopper")
    ah = actor(o, act, [256, 256])
    critics = torch.nn.ModuleList([Critic(MLP(input_dim=o + act, hidden_dims=[256, 256]), "cpu") for _ in range(2)])
    mobile = MOBILEPolicy(dh, ah, critics, torch.optim.Adam(ah.parameters(), 1e-4), torch.optim.Adam(critics.parameters(), 3e-4),
                          alpha=alpha(act), penalty_coef=1.5, num_samples=10, deterministic_backup=True)
    real, fake = batch(o, act, 12), batch(o, act, 244)
    out["mobile_update_s"] = median_time(lambda: mobile.learn({"real": real, "fake": fake}), a.rounds)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
