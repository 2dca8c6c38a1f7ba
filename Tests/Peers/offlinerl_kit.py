"""Numpy transcriptions of the reference computations this library follows, written from reading
OfflineRL-Kit (commit e3ce697: offlinerlkit/dynamics/ensemble_dynamics.py, offlinerlkit/modules/,
offlinerlkit/policy/model_based/mobile.py and mopo.py, offlinerlkit/utils/load_dataset.py) and
d4rl's qlearning_dataset, for Tests/PolicyLearningTests/KitTranscriptionTests.swift.

    python offlinerl_kit.py INPUT.h5 OUTPUT.h5

INPUT holds a library model's weights and the random draws the library made (noise, elite
choices), so every stochastic step is reproduced exactly; each group present in INPUT ("rollout",
"mobile_deterministic", "mobile_stochastic", "qlearning/<case>") gets its results in OUTPUT.
Everything is float32, as in Kit (torch float32 and the .astype(np.float32) of its step).
"""
import sys

import h5py
import numpy as np

f32 = np.float32


def softplus(x):
    return np.logaddexp(f32(0), x).astype(f32)


def sigmoid(x):
    return (1 / (1 + np.exp(-x))).astype(f32)


# --- networks ------------------------------------------------------------------------------

def layers(group, prefix):
    """The (weight, bias) pairs stored as prefix.layers.<l>.weight / .bias, input side first."""
    out, l = [], 0
    while f"{prefix}.layers.{l}.weight" in group:
        out.append((group[f"{prefix}.layers.{l}.weight"][()], group[f"{prefix}.layers.{l}.bias"][()]))
        l += 1
    return out


class Ensemble:
    """Kit's EnsembleDynamicsModel: per member, Swish hidden layers on the scaled [s, a], an
    output split into a mean half and a raw log-variance half, the log-variance softly clamped
    between the learned bounds (soft_clamp: upper bound first, then lower)."""

    def __init__(self, g):
        self.layers = layers(g, "network")
        self.max_logvar = g["maxLogVariance"][()]
        self.min_logvar = g["minLogVariance"][()]
        self.mu, self.std = g["inputMean"][()], g["inputStd"][()]
        self.elites = g["elites"][()].astype(np.int64)

    def forward(self, obs, act):
        h = (np.concatenate([obs, act], axis=-1) - self.mu) / self.std        # StandardScaler.transform
        h = np.broadcast_to(h, (self.layers[0][0].shape[0],) + h.shape)        # every member sees the batch
        for i, (w, b) in enumerate(self.layers):
            h = (np.einsum("ebi,eio->ebo", h, w) + b).astype(f32)
            if i < len(self.layers) - 1:
                h = h * sigmoid(h)                                             # Swish
        half = h.shape[-1] // 2
        mean, logvar = h[..., :half], h[..., half:]
        logvar = self.max_logvar - softplus(self.max_logvar - logvar)
        logvar = self.min_logvar + softplus(logvar - self.min_logvar)
        return mean.copy(), logvar

    def mean_std(self, obs, act):
        """Means of [s', r] (the observation added back to the predicted change) and σ = √exp(log σ²)."""
        mean, logvar = self.forward(obs, act)
        mean[..., :-1] += obs
        return mean, np.sqrt(np.exp(logvar)).astype(f32)


class Actor:
    """Kit's ActorProb with a TanhDiagGaussian head (conditioned σ, unbounded μ): a ReLU MLP,
    then μ and log σ (clamped), a = tanh(μ + σ·ε), log π = Σ log N(u; μ, σ) − Σ log(1 − a² + 1e-6)."""

    def __init__(self, g, log_std_range):
        self.trunk = layers(g, "trunk")
        self.head = (g["head.weight"][()], g["head.bias"][()])
        self.lo, self.hi = log_std_range

    def sample(self, obs, noise):
        h = obs
        for w, b in self.trunk:
            h = np.maximum(h @ w + b, 0)
        out = h @ self.head[0] + self.head[1]
        n = out.shape[1] // 2
        mu, log_std = out[:, :n], np.clip(out[:, n:], self.lo, self.hi)
        std = np.exp(log_std)
        raw = mu + std * noise
        action = np.tanh(raw)
        gauss = -0.5 * ((raw - mu) / std) ** 2 - log_std - 0.5 * np.log(2 * np.pi)
        log_prob = gauss.sum(-1) - np.log(1 - action ** 2 + 1e-6).sum(-1)
        return action.astype(f32), log_prob.astype(f32)


class Critics:
    """Kit's Critic list: each a ReLU MLP on [s, a] with a linear output; the library stores the
    N critics as one ensemble ([N, in, out] weights), which is the same N networks."""

    def __init__(self, g):
        self.layers = layers(g, "network")

    def min_q(self, obs, act):
        h = np.concatenate([obs, act], axis=-1)
        h = np.broadcast_to(h, (self.layers[0][0].shape[0],) + h.shape)
        for i, (w, b) in enumerate(self.layers):
            h = np.einsum("ebi,eio->ebo", h, w) + b
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0)
        return h[..., 0].min(axis=0).astype(f32)                              # min over critics


# --- EnsembleDynamics.step with MOPO's penalty, inside MOPOPolicy.rollout --------------------------

def terminal_fn(rule, next_obs):
    """The test's termination rule (a threshold on one entry); the tasks' rules are compared elsewhere."""
    index, threshold = int(rule[0]), rule[1]
    return next_obs[:, index] > threshold


def kit_step(model, obs, act, member_noise, chosen, penalty_coef, rule):
    """One imagined step: every member's Gaussian is sampled (noise [E, B, D]), each row keeps its
    randomly chosen elite's sample; the reward is lowered by λ times the largest norm, over all
    members, of the predicted standard deviation ("aleatoric" mode)."""
    mean, std = model.mean_std(obs, act)
    samples = (mean + member_noise * std).astype(f32)
    picked = samples[chosen, np.arange(obs.shape[0])]
    next_obs, reward = picked[:, :-1], picked[:, -1]
    terminal = terminal_fn(rule, next_obs)
    penalty = np.linalg.norm(std, axis=2).max(axis=0)
    return next_obs, reward - f32(penalty_coef) * penalty, terminal, penalty


def rollout(g, out):
    """MOPOPolicy.rollout: act, step, record every row, continue only the rows that did not end."""
    model, actor = Ensemble(g["ensemble"]), Actor(g["actor"], g["log_std_range"][()])
    obs, horizon = g["start_observations"][()], int(g["horizon"][()])
    records = {k: [] for k in ("observations", "actions", "rewards", "next_observations", "terminals", "penalties")}
    members = model.layers[0][0].shape[0]
    for t in range(horizon):
        if obs.shape[0] == 0:
            break
        action, _ = actor.sample(obs, g[f"actor_noise/{t}"][()])
        chosen = g[f"chosen/{t}"][()].astype(np.int64)
        # Kit draws noise for every member and keeps the chosen one's; the library draws only the
        # chosen member's, which is put where Kit would read it (the other members' is unused).
        full = np.zeros((members,) + g[f"model_noise/{t}"].shape, dtype=f32)
        full[chosen, np.arange(obs.shape[0])] = g[f"model_noise/{t}"][()]
        next_obs, reward, terminal, penalty = kit_step(model, obs, action, full, chosen, g["penalty_coef"][()], g["rule"][()])
        for k, v in zip(records, (obs, action, reward, next_obs, terminal.astype(f32), penalty)):
            records[k].append(v)
        obs = next_obs[~terminal]
    for k, v in records.items():
        out.create_dataset(k, data=np.concatenate(v, axis=0))


# --- MOBILEPolicy.compute_lcb and the critic target of MOBILEPolicy.learn -------------------------

def mobile(g, out):
    model, actor, critics = Ensemble(g["ensemble"]), Actor(g["actor"], g["log_std_range"][()]), Critics(g["target_critics"])
    obs, act, next_obs = g["observations"][()], g["actions"][()], g["next_observations"][()]
    rewards, terminals = g["rewards"][()], g["terminals"][()]
    real, beta, gamma, alpha = int(g["real_rows"][()]), g["beta"][()], g["gamma"][()], g["alpha"][()]
    deterministic = bool(g["deterministic_backup"][()])
    b = obs.shape[0]

    # compute_lcb on every row (Kit does; the real rows' values are then zeroed): N samples from
    # each elite's Gaussian, an action from the current actor at each, the smaller target-critic
    # value, its mean over samples, and the unbiased standard deviation over elites (torch .std).
    mean, std = model.mean_std(obs, act)
    mean, std = mean[model.elites], std[model.elites]                           # [K, B, D]
    lib_noise = g["elite_noise"][()]                                           # [N, K, B − real, D]
    n, k = lib_noise.shape[:2]
    noise = np.zeros((n, k, b, mean.shape[-1]), dtype=f32)
    noise[:, :, real:] = lib_noise
    samples = np.stack([mean + noise[i] * std for i in range(n)])              # [N, K, B, D]
    candidates = samples[..., :-1].reshape(-1, obs.shape[1])
    lib_actor_noise = g["candidate_actor_noise"][()].reshape(n, k, b - real, -1)
    actor_noise = np.zeros((n, k, b, lib_actor_noise.shape[-1]), dtype=f32)
    actor_noise[:, :, real:] = lib_actor_noise
    cand_actions, _ = actor.sample(candidates, actor_noise.reshape(-1, actor_noise.shape[-1]))
    q = critics.min_q(candidates, cand_actions).reshape(n, k, b)
    penalty = q.mean(axis=0).std(axis=0, ddof=1).astype(f32)
    penalty[:real] = 0

    # The target: an action at s' from the actor, the smaller target value, the entropy term unless
    # the backup is deterministic; r − β·u + γ(1 − d)·Q̄, clamped at 0.
    next_actions, next_log_probs = actor.sample(next_obs, g["next_action_noise"][()])
    next_q = critics.min_q(next_obs, next_actions)
    if not deterministic:
        next_q = next_q - alpha * next_log_probs
    target = (rewards - beta * penalty) + gamma * (1 - terminals) * next_q
    out.create_dataset("penalty", data=penalty)
    out.create_dataset("target", data=np.maximum(target, 0).astype(f32))


# --- d4rl's qlearning_dataset, and OfflineRL-Kit's variant of it -------------------------------------

def qlearning(g, out):
    """Walks rows 0 … N−2. A row flagged as an episode's last step (the timeouts key, or a step
    counter reaching max_episode_steps − 1 when the key is missing) is dropped unless
    terminate_on_end; the counter restarts after a terminal or a last step. d4rl takes s' from the
    next row; Kit takes the stored next_observations when the file has them, and otherwise also
    drops terminal and last-step rows (their successor is unknown)."""
    terminate_on_end, max_steps, kit = bool(g["terminate_on_end"][()]), int(g["max_episode_steps"][()]), bool(g["kit"][()])
    path = g["dataset"][()]
    with h5py.File(path.decode() if isinstance(path, bytes) else path, "r") as data:   # the D4RL file itself
        d = {key: data[key][()] for key in data if isinstance(data[key], h5py.Dataset)}
    observations, terminals = d["observations"], d["terminals"]
    timeouts = d.get("timeouts")
    stored_next = d.get("next_observations") if kit else None
    rows, step = [], 0
    for i in range(len(terminals) - 1):
        done = bool(terminals[i])
        last = bool(timeouts[i]) if timeouts is not None else step == max_steps - 1
        if last and not terminate_on_end:
            step = 0
            continue
        if done or last:
            step = 0
            if kit and stored_next is None:
                continue
        rows.append(i)
        step += 1
    rows = np.array(rows, dtype=np.int64)
    nxt = stored_next[rows] if stored_next is not None else observations[rows + 1]
    out.create_dataset("rows", data=rows)
    out.create_dataset("observations", data=observations[rows])
    out.create_dataset("actions", data=d["actions"][rows])
    out.create_dataset("rewards", data=d["rewards"][rows])
    out.create_dataset("next_observations", data=nxt)
    out.create_dataset("terminals", data=terminals[rows].astype(f32))


if __name__ == "__main__":
    with h5py.File(sys.argv[1], "r") as inp, h5py.File(sys.argv[2], "w") as out:
        if "rollout" in inp:
            rollout(inp["rollout"], out.create_group("rollout"))
        for name in ("mobile_deterministic", "mobile_stochastic"):
            if name in inp:
                mobile(inp[name], out.create_group(name))
        for name in inp.get("qlearning", {}):
            qlearning(inp["qlearning"][name], out.create_group(f"qlearning/{name}"))
