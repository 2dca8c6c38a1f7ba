"""The same updates as `orl bench sac-update` / `orl bench dynamics-step`, in JAX (jit).

SAC-N / EDAC follows CORL's edac.py (workload W1 of Experiments/performance/README.md) with the same shapes and order
(alpha -> actor -> critic (+ eta * diversity) -> Polyak); like our Swift version, the EDAC
diversity term reuses the TD forward pass of the critics (actions repeated per member).
The dynamics step follows OfflineRL-Kit's ensemble (W2) with AdamW and per-layer weight decay.
Prints one JSON object per workload: {"workload", "median_ms", "gflop", "gflops"}.
"""
import argparse
import json
import os
import time

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=2")

import jax
import jax.numpy as jnp
import optax

LOG2 = float(jnp.log(2.0))


def uniform(key, shape, bound):
    return jax.random.uniform(key, shape, jnp.float32, -bound, bound)


def mlp_params(key, sizes, members=None):
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        key, kw, kb = jax.random.split(key, 3)
        bound = 1 / fan_in ** 0.5
        lead = () if members is None else (members,)
        bshape = (fan_out,) if members is None else (members, 1, fan_out)
        params.append((uniform(kw, lead + (fan_in, fan_out), bound), uniform(kb, bshape, bound)))
    return params


def ensemble_apply(params, x, act):
    h = x
    for i, (w, b) in enumerate(params):
        h = (jnp.einsum("nbi,nio->nbo", h, w) if h.ndim == 3 else jnp.einsum("bi,nio->nbo", h, w)) + b
        if i < len(params) - 1:
            h = act(h)
    return h


# ---------------------------------------------------------------- SAC-N / EDAC

def actor_apply(p, s):
    h = s
    for w, b in p["trunk"]:
        h = jax.nn.relu(h @ w + b)
    out = h @ p["head"][0] + p["head"][1]
    act = out.shape[1] // 2
    return out[:, :act], jnp.clip(out[:, act:], -5, 2)


def sample(p, s, key):
    mu, log_std = actor_apply(p, s)
    u = mu + jnp.exp(log_std) * jax.random.normal(key, mu.shape)
    logp = jnp.sum(-0.5 * ((u - mu) / jnp.exp(log_std)) ** 2 - log_std - 0.5 * jnp.log(2 * jnp.pi), -1)
    logp = logp - jnp.sum(2 * (LOG2 - u - jax.nn.softplus(-2 * u)), -1)
    return jnp.tanh(u), logp


def critic_q(p, s, a):
    return ensemble_apply(p, jnp.concatenate([s, a], -1), jax.nn.relu)[..., 0]   # [N, B]


def make_sac(n, eta, key, obs=17, act=6, hidden=(256, 256, 256)):
    k1, k2, k3 = jax.random.split(key, 3)
    actor = {"trunk": mlp_params(k1, [obs, *hidden]), "head": mlp_params(k2, [hidden[-1], 2 * act])[0]}
    critic = mlp_params(k3, [obs + act, *hidden, 1], members=n)
    opt = optax.adam(3e-4)
    state = dict(actor=actor, critic=critic, target=critic, log_alpha=jnp.zeros(()),
                 actor_opt=opt.init(actor), critic_opt=opt.init(critic), alpha_opt=opt.init(jnp.zeros(())))

    def update(state, batch, key):
        s, a, r, s2, nd = batch
        ka, kb, kc = jax.random.split(key, 3)
        # alpha
        _, logp = sample(jax.lax.stop_gradient(state["actor"]), s, ka)
        logp = jax.lax.stop_gradient(logp)
        g_alpha = jax.grad(lambda la: -(la * (logp - float(act))).mean())(state["log_alpha"])
        upd, alpha_opt = opt.update(g_alpha, state["alpha_opt"])
        log_alpha = optax.apply_updates(state["log_alpha"], upd)
        alpha = jnp.exp(log_alpha)
        # actor
        critic = state["critic"]

        def actor_loss(ap):
            act, lp = sample(ap, s, kb)
            return (alpha * lp - critic_q(critic, s, act).min(0)).mean()

        g_actor = jax.grad(actor_loss)(state["actor"])
        upd, actor_opt = opt.update(g_actor, state["actor_opt"])
        actor = optax.apply_updates(state["actor"], upd)
        # critic
        a2, lp2 = sample(actor, s2, kc)
        y = r + 0.99 * nd * (critic_q(state["target"], s2, a2).min(0) - alpha * lp2)
        y = jax.lax.stop_gradient(y)

        def critic_loss(cp):
            if eta == 0:
                q = critic_q(cp, s, a)
                return ((q - y) ** 2).mean(1).sum()
            a_rep = jnp.broadcast_to(a, (n,) + a.shape)
            s_rep = jnp.broadcast_to(s, (n,) + s.shape)

            def q_sum(ar):
                q = ensemble_apply(cp, jnp.concatenate([s_rep, ar], -1), jax.nn.relu)[..., 0]
                return q.sum(), q

            g, q = jax.grad(q_sum, has_aux=True)(a_rep)
            u = g / (jnp.linalg.norm(g, axis=-1, keepdims=True) + 1e-10)
            div = ((u.sum(0) ** 2).sum(-1) - (u ** 2).sum(-1).sum(0)).mean() / (n - 1)
            return ((q - y) ** 2).mean(1).sum() + eta * div

        g_critic = jax.grad(critic_loss)(critic)
        upd, critic_opt = opt.update(g_critic, state["critic_opt"])
        critic = optax.apply_updates(critic, upd)
        target = jax.tree_util.tree_map(lambda t, c: 0.995 * t + 0.005 * c, state["target"], critic)
        return dict(actor=actor, critic=critic, target=target, log_alpha=log_alpha,
                    actor_opt=actor_opt, critic_opt=critic_opt, alpha_opt=alpha_opt)

    return state, jax.jit(update)


def sac_batch(key):
    k = jax.random.split(key, 5)
    return (jax.random.normal(k[0], (256, 17)), jax.random.uniform(k[1], (256, 6), minval=-0.99, maxval=0.99),
            jax.random.normal(k[2], (256,)), jax.random.normal(k[3], (256, 17)),
            (jax.random.uniform(k[4], (256,)) > 0.01).astype(jnp.float32))


# ---------------------------------------------------------------- dynamics ensemble

def make_dynamics(key):
    net = mlp_params(key, [23, 200, 200, 200, 200, 36], members=7)
    params = dict(net=net, max_lv=jnp.full((18,), 0.5), min_lv=jnp.full((18,), -10.0))
    decays = [2.5e-5, 5e-5, 7.5e-5, 7.5e-5, 1e-4]
    labels = dict(net=[(f"l{i}", f"l{i}") for i in range(5)], max_lv="bounds", min_lv="bounds")
    transforms = {f"l{i}": optax.adamw(1e-3, weight_decay=d) for i, d in enumerate(decays)}
    transforms["bounds"] = optax.adamw(1e-3, weight_decay=0.0)
    opt = optax.multi_transform(transforms, labels)
    state = dict(params=params, opt=opt.init(params))

    def loss(p, x, y):
        out = ensemble_apply(p["net"], x, jax.nn.silu)
        mean, raw = out[..., :18], out[..., 18:]
        lv = p["max_lv"] - jax.nn.softplus(p["max_lv"] - raw)
        lv = p["min_lv"] + jax.nn.softplus(lv - p["min_lv"])
        nll = (((mean - y) ** 2) * jnp.exp(-lv) + lv).reshape(7, -1).mean(1).sum()
        return nll + 0.01 * (p["max_lv"].sum() - p["min_lv"].sum())

    def step(state, x, y):
        g = jax.grad(loss)(state["params"], x, y)
        upd, o = opt.update(g, state["opt"], state["params"])
        return dict(params=optax.apply_updates(state["params"], upd), opt=o)

    return state, jax.jit(step)


def mopo_model_step(model, actor, s, key, obs, d, elites=5, penalty=1.0):
    """One rollout step as MOPO takes it (jax_rollout.py, jax_train_loop.py): the actor samples, every
    member predicts (Kit's soft log-variance bounds), one elite per row is sampled, and the reward
    is penalised by the largest member's ||sigma||. Returns (action, next state, penalised reward)."""
    k1, k2, k3 = jax.random.split(key, 3)
    a, _ = sample(actor, s, k1)
    x = (jnp.concatenate([s, a], -1) - model["mu"]) / model["sd"]
    out = ensemble_apply(model["net"], x, jax.nn.silu)                              # [7, C, 2D]
    mean, raw = out[..., :d], out[..., d:]
    lv = model["max_lv"] - jax.nn.softplus(model["max_lv"] - raw)
    lv = model["min_lv"] + jax.nn.softplus(lv - model["min_lv"])
    std = jnp.exp(0.5 * lv)
    mean = mean.at[..., :obs].add(s)
    rows = jnp.arange(s.shape[0])
    member = jax.random.randint(k2, (s.shape[0],), 0, elites)
    picked = mean[member, rows] + jax.random.normal(k3, (s.shape[0], d)) * std[member, rows]
    s2, r = picked[:, :obs], picked[:, obs]
    return a, s2, r - penalty * jnp.linalg.norm(std, axis=-1).max(0)


# ---------------------------------------------------------------- timing

def time_updates(step, state, args_for, rounds, per_round, warmup=30):
    i = 0
    for _ in range(warmup):
        state = step(state, *args_for(i)); i += 1
    jax.block_until_ready(state)
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(per_round):
            state = step(state, *args_for(i)); i += 1
        jax.block_until_ready(state)
        samples.append((time.perf_counter() - t0) * 1000 / per_round)
    samples.sort()
    return samples[len(samples) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workload", choices=["sac-n2", "sac-n10", "edac-n10", "dynamics-step"])
    ap.add_argument("--gflop", type=float, required=True)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--per-round", type=int, default=20)
    args = ap.parse_args()
    key = jax.random.PRNGKey(0)
    if args.workload == "dynamics-step":
        state, step = make_dynamics(key)
        xs = [jax.random.normal(jax.random.PRNGKey(i), (7, 256, 23)) for i in range(4)]
        ys = [jax.random.normal(jax.random.PRNGKey(10 + i), (7, 256, 18)) for i in range(4)]
        ms = time_updates(step, state, lambda i: (xs[i % 4], ys[i % 4]), args.rounds, args.per_round)
    else:
        n = 2 if args.workload == "sac-n2" else 10
        eta = 1.0 if args.workload.startswith("edac") else 0.0
        state, step = make_sac(n, eta, key)
        batches = [sac_batch(jax.random.PRNGKey(100 + i)) for i in range(4)]
        keys = [jax.random.PRNGKey(1000 + i) for i in range(64)]
        ms = time_updates(step, state, lambda i: (batches[i % 4], keys[i % 64]), args.rounds, args.per_round)
    print(json.dumps({"workload": args.workload, "median_ms": ms, "gflop": args.gflop,
                      "gflops": args.gflop / (ms / 1000), "jax": jax.__version__}))


if __name__ == "__main__":
    main()
