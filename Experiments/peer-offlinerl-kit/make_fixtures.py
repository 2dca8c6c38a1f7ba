#!/usr/bin/env python3
"""Writes the OfflineRL-Kit reference numbers that Tests/PolicyLearningTests/OfflineRLKitFixtureTests.swift
checks this library against (issue 28, "a small slice of the comparison without Kit").

  python make_fixtures.py --kit /work/kit [--out Tests/Fixtures/offlinerl-kit]

writes, as JSON (committed numbers, not data files: every float32 is written as the shortest
decimal that reads back to the same float32, also through a float64),
  tiny-d4rl.json      a tiny hopper-shaped dataset's D4RL keys (made here with numpy; 300 rows,
                      episodes ending by termination, by timeout and one cut by the file's end);
                      the test writes it to a D4RL-layout HDF5 file and loads that,
  kit-reference.json  Kit's numbers on it, computed with Kit's own code (commit e3ce697):
    qlearning/*    offlinerlkit.utils.load_dataset.qlearning_dataset(env, dataset): observations,
                   actions, next_observations, rewards, terminals (float 0/1);
    mopo/*         an EnsembleDynamicsModel (7 members, 5 elites, hidden 2x16; weights from torch's
                   initialisation with seed 0, biases and log-variance bounds perturbed so the soft
                   clamp matters) with Kit's StandardScaler fitted on the view's inputs: its weights
                   (layer_L_weight [E,in,out], layer_L_bias [E,1,out], max_logvar, min_logvar,
                   scaler_mu, scaler_std, elites), 40 query rows (obs, actions), the member means
                   of [s', r] (Δs + s, as EnsembleDynamics.step makes them) and standard deviations
                   [E,B,D], Kit's MOPO penalty info["penalty"] from EnsembleDynamics.step
                   (uncertainty_mode "aleatoric", coefficient 0.5), raw and penalised rewards;
                   termination/next_obs and termination/terminals from Kit's hopper termination_fn;
    mobile/*       MOBILEPolicy.compute_lcb and the critic target of MOBILEPolicy.learn
                   (deterministic backup, β = 0.5, γ = 0.99, 10 samples) on a 32-row mixed batch
                   (8 real rows first) with the ensemble above and fresh Kit critics/actor: the
                   values Kit reduced (next_q_samples [N,K,B] = min over target critics of
                   Q(s'_{n,k}, a'_{n,k}), captured from the critics' forward), its penalty [B],
                   rewards, terminals, next_q (min over target critics at (s', a')), the target.
                   The random draws (next-state noise, actions) are Kit's own, made under
                   torch.manual_seed(0); what is compared is everything computed from them.
"""
import argparse
import os
import sys

import numpy as np

OBS, ACT = 11, 3


def write_json(path, note, arrays):
    """{"note": note, "arrays": {key: {"dtype", "shape", "values"}}}, floats as shortest float32 decimals."""
    import json
    out = {}
    for key, value in arrays.items():
        a = np.asarray(value)
        if a.dtype == np.bool_:
            dtype, values = "bool", a.reshape(-1).tolist()
        elif np.issubdtype(a.dtype, np.integer):
            dtype, values = "int32", a.astype(np.int64).reshape(-1).tolist()
        else:
            f = a.astype(np.float32).reshape(-1)
            texts = [np.format_float_positional(x, unique=True, trim="-") if abs(x) >= 1e-4 or x == 0
                     else np.format_float_scientific(x, unique=True, trim="-") for x in f]
            assert all(np.float32(float(t)) == x for t, x in zip(texts, f)), key   # exact through float64 too
            dtype, values = "float32", [json.loads(t) if "e" not in t else float(t) for t in texts]
        out[key] = {"dtype": dtype, "shape": list(a.shape), "values": values}
    with open(path, "w") as f:
        json.dump({"note": note, "arrays": out}, f, separators=(",", ":"))


def make_tiny_dataset(path, rng):
    """300 rows of hopper-shaped data: episodes of lengths 40 (terminal), 60 (timeout), 25 (terminal),
    100 (timeout), 75 (cut by the file's end, no flag)."""
    lengths = [(40, "terminal"), (60, "timeout"), (25, "terminal"), (100, "timeout"), (75, "cut")]
    obs, nxt, act, rew, term, tout = [], [], [], [], [], []
    for n, end in lengths:
        s = rng.normal(size=OBS).astype(np.float32) * 0.1 + np.array([1.25] + [0] * (OBS - 1), np.float32)
        for t in range(n):
            a = rng.uniform(-1, 1, size=ACT).astype(np.float32)
            s2 = (s + 0.05 * rng.normal(size=OBS)).astype(np.float32)
            obs.append(s); act.append(a); nxt.append(s2)
            rew.append(np.float32(1 + rng.normal() * 0.1))
            term.append(end == "terminal" and t == n - 1)
            tout.append(end == "timeout" and t == n - 1)
            s = s2
    data = dict(observations=np.array(obs, np.float32), next_observations=np.array(nxt, np.float32),
                actions=np.array(act, np.float32), rewards=np.array(rew, np.float32),
                terminals=np.array(term, bool), timeouts=np.array(tout, bool))
    write_json(path, "tiny fixture made by Experiments/peer-offlinerl-kit/make_fixtures.py; not D4RL's data", data)
    return data


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kit", required=True)
    p.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  "..", "..", "Tests", "Fixtures", "offlinerl-kit"))
    a = p.parse_args()
    sys.path.insert(0, os.path.abspath(a.kit))
    import torch
    torch.set_num_threads(1)
    from offlinerlkit.utils.load_dataset import qlearning_dataset
    from offlinerlkit.modules import EnsembleDynamicsModel, ActorProb, Critic, TanhDiagGaussian
    from offlinerlkit.dynamics import EnsembleDynamics
    from offlinerlkit.utils.scaler import StandardScaler
    from offlinerlkit.utils.termination_fns import get_termination_fn
    from offlinerlkit.nets import MLP
    from offlinerlkit.policy import MOBILEPolicy

    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(28)
    raw = make_tiny_dataset(os.path.join(out, "tiny-d4rl.json"), rng)

    class Env:  # qlearning_dataset reads env only without a timeouts key
        _max_episode_steps = 1000
    view = qlearning_dataset(Env(), dataset=raw)

    ref = {}
    for k in ["observations", "actions", "next_observations", "rewards"]:
        ref[f"qlearning/{k}"] = view[k].astype(np.float32)
    ref["qlearning/terminals"] = view["terminals"].astype(np.float32)

    # ---- the ensemble and MOPO's penalty ----
    torch.manual_seed(0)
    hidden = [16, 16]
    model = EnsembleDynamicsModel(obs_dim=OBS, action_dim=ACT, hidden_dims=hidden, num_ensemble=7, num_elites=5,
                                  weight_decays=[2.5e-5, 5e-5, 1e-4], device="cpu")
    with torch.no_grad():
        for layer in list(model.backbones) + [model.output_layer]:
            layer.bias.copy_(torch.randn_like(layer.bias) * 0.1)
        model.max_logvar.copy_(0.5 + 0.3 * torch.randn_like(model.max_logvar))
        model.min_logvar.copy_(-10 + 0.5 * torch.randn_like(model.min_logvar))
        # make the raw log-variances reach both bounds on some rows
        model.output_layer.weight[..., OBS + 1:] *= 12
    model.set_elites([5, 1, 3, 6, 0])
    model.eval()
    scaler = StandardScaler()
    inputs = np.concatenate([view["observations"], view["actions"]], axis=-1)
    scaler.fit(inputs)
    term_fn = get_termination_fn("hopper")
    lam = 0.5
    dyn = EnsembleDynamics(model, torch.optim.Adam(model.parameters(), lr=1e-3), scaler, term_fn, penalty_coef=lam)

    layers = list(model.backbones) + [model.output_layer]
    for l, layer in enumerate(layers):
        ref[f"mopo/layer_{l}_weight"] = layer.weight.detach().numpy()
        ref[f"mopo/layer_{l}_bias"] = layer.bias.detach().numpy()
    ref["mopo/hidden_sizes"] = np.array(hidden, np.int32)
    ref["mopo/max_logvar"] = model.max_logvar.detach().numpy()
    ref["mopo/min_logvar"] = model.min_logvar.detach().numpy()
    ref["mopo/scaler_mu"] = scaler.mu.reshape(-1).astype(np.float32)
    ref["mopo/scaler_std"] = scaler.std.reshape(-1).astype(np.float32)
    ref["mopo/elites"] = model.elites.data.numpy().astype(np.float32)
    ref["mopo/coefficient"] = np.float32(lam)

    q_idx = rng.choice(len(view["observations"]), size=40, replace=False)
    obs = view["observations"][q_idx]
    act = view["actions"][q_idx]
    obs[:5] += rng.normal(size=(5, OBS)).astype(np.float32) * 2   # some rows off the data
    with torch.no_grad():
        mean, logvar = model(scaler.transform(np.concatenate([obs, act], -1)))
    mean = mean.numpy(); mean[..., :-1] += obs
    std = np.sqrt(np.exp(logvar.numpy()))
    np.random.seed(0)
    next_obs, reward, terminal, info = dyn.step(obs, act)
    ref["mopo/observations"] = obs
    ref["mopo/actions"] = act
    ref["mopo/member_means"] = mean.astype(np.float32)
    ref["mopo/member_stds"] = std.astype(np.float32)
    ref["mopo/penalty"] = info["penalty"].reshape(-1).astype(np.float32)
    ref["mopo/raw_rewards"] = info["raw_reward"].reshape(-1).astype(np.float32)
    ref["mopo/penalized_rewards"] = reward.reshape(-1).astype(np.float32)
    # termination on given next observations (healthy rows and a few made to terminate)
    tn = (rng.normal(size=next_obs.shape) * 0.05).astype(np.float32)
    tn[:, 0] = 1.25           # healthy unless changed below
    tn[:3, 0] = 0.5           # height below 0.7
    tn[3:6, 1] = 0.5          # angle above 0.2
    tn[6:9, 5] = 150.0        # a state entry above 100
    ref["termination/next_observations"] = tn.astype(np.float32)
    ref["termination/terminals"] = term_fn(obs, act, tn).reshape(-1).astype(np.float32)

    # ---- MOBILE's penalty and target ----
    torch.manual_seed(0)
    actor_backbone = MLP(input_dim=OBS, hidden_dims=[32, 32])
    dist = TanhDiagGaussian(latent_dim=32, output_dim=ACT, unbounded=True, conditioned_sigma=True, max_mu=1.0)
    actor = ActorProb(actor_backbone, dist, "cpu")
    critics = torch.nn.ModuleList([Critic(MLP(input_dim=OBS + ACT, hidden_dims=[32, 32]), "cpu") for _ in range(2)])
    beta, gamma = 0.5, 0.99
    mobile = MOBILEPolicy(EnsembleDynamics(model, None, scaler, term_fn), actor, critics,
                          torch.optim.Adam(actor.parameters()), torch.optim.Adam(critics.parameters()),
                          tau=0.005, gamma=gamma, alpha=0.2, penalty_coef=beta, num_samples=10,
                          deterministic_backup=True, max_q_backup=False)
    b, real = 32, 8
    idx = rng.choice(len(view["observations"]), size=b, replace=False)
    batch = {k: torch.as_tensor(view[k][idx], dtype=torch.float32) for k in ["observations", "actions", "next_observations"]}
    batch["rewards"] = torch.as_tensor(view["rewards"][idx], dtype=torch.float32).reshape(-1, 1)
    term = view["terminals"][idx].astype(np.float32).reshape(-1, 1)
    term[[3, 12, 20]] = 1.0
    batch["terminals"] = torch.as_tensor(term)
    # Kit's learn() on the mixed batch, capturing what it computes: the target critics' outputs
    # (compute_lcb's N*K*B next-state values, then the B values at (s', a')), compute_lcb's penalty
    # and the clamped target (the one torch.clamp(x, 0, None) call).
    captured, lcb, clamps = [], [], []
    for c in mobile.critics_old:
        orig = c.forward
        def fwd(o, a_, _orig=orig):
            q = _orig(o, a_)
            captured.append(q.detach().clone())
            return q
        c.forward = fwd
    orig_lcb = mobile.compute_lcb
    def compute_lcb(o, a_):
        u = orig_lcb(o, a_)
        lcb.append(u.detach().clone())
        return u
    mobile.compute_lcb = compute_lcb
    orig_clamp = torch.clamp
    def clamp(x, *args, **kw):
        y = orig_clamp(x, *args, **kw)
        if args == (0, None):
            clamps.append(y.detach().clone())
        return y
    torch.clamp = clamp
    torch.manual_seed(0)
    mobile.learn({"real": {k: v[:real] for k, v in batch.items()}, "fake": {k: v[real:] for k, v in batch.items()}})
    torch.clamp = orig_clamp
    n, k = 10, 5
    assert len(captured) == 4 and len(lcb) == 1 and len(clamps) == 1, (len(captured), len(lcb), len(clamps))
    next_q_samples = torch.min(torch.cat(captured[:2], 1), 1)[0].reshape(n, k, b)
    assert torch.allclose(next_q_samples.mean(0).std(0), lcb[0].reshape(-1))
    penalty = lcb[0].clone(); penalty[:real] = 0.0
    next_q = torch.min(torch.cat(captured[2:4], 1), 1)[0].reshape(-1, 1)
    target = clamps[0]
    ref["mobile/penalty_before_real_rows"] = lcb[0].reshape(-1).numpy().astype(np.float32)
    ref["mobile/next_q_samples"] = next_q_samples.numpy().astype(np.float32)
    ref["mobile/penalty"] = penalty.reshape(-1).numpy().astype(np.float32)
    ref["mobile/real_rows"] = np.int32(real)
    ref["mobile/rewards"] = batch["rewards"].reshape(-1).numpy()
    ref["mobile/terminals"] = batch["terminals"].reshape(-1).numpy()
    ref["mobile/next_q"] = next_q.reshape(-1).numpy()
    ref["mobile/target"] = target.reshape(-1).numpy()
    ref["mobile/beta"] = np.float32(beta)
    ref["mobile/gamma"] = np.float32(gamma)
    write_json(os.path.join(out, "kit-reference.json"),
               "OfflineRL-Kit e3ce697 outputs on tiny-d4rl.json; regenerate with make_fixtures.py", ref)
    total = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    print(f"wrote {out}: {total} bytes; q-learning view {len(view['observations'])} of {len(raw['rewards'])} rows")


if __name__ == "__main__":
    main()
