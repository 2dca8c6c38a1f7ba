#!/usr/bin/env python3
"""Runs OfflineRL-Kit's MOPO or MOBILE on one of this library's generated D4RL-format files with the
settings and budget of `orl train --preset short` (issue 28).

Kit's own code does all the learning: this driver builds the same objects as Kit's
run_example/run_mopo.py and run_mobile.py, in the same order, and calls Kit's
EnsembleDynamics.train and MBPolicyTrainer.train. It differs from those scripts only in
  * data loading: an h5py read of FILE passed to Kit's own `qlearning_dataset` (d4rl is not
    installable here; D4RL's get_dataset would return the same keys);
  * the environment: Gymnasium's HalfCheetah-v4 / Hopper-v4 behind the old gym API
    (reset -> obs, step -> 4-tuple with done = terminated or truncated, get_normalized_score with
    D4RL's reference returns from Datasets/manifest.json);
  * the arguments, set to the short preset (see README.md, settings table);
  * instrumentation that changes no random stream: timings, per-member holdout losses, the
    holdout split, and Q(s, pi(s)) on 1,000 dataset states per evaluation (drawn with a separate
    numpy generator; torch's RNG state is saved and restored around it).

Usage:
  python run_kit.py --kit /work/kit --algo mopo --dataset halfcheetah-medium-orl.hdf5 \
      --env halfcheetah --seed 1 --out /work/kit-runs/halfcheetah-medium-orl/mopo-seed1

The run is finished when OUT/result.json exists (written atomically at the end). A killed run
cannot resume (Kit has no resume); the queue restarts it from scratch.
"""
import argparse
import csv
import json
import os
import random
import sys
import time

import numpy as np

# D4RL reference returns (Datasets/manifest.json: the -orl sets use D4RL's per environment).
REF = {"halfcheetah": (-280.178953, 12135.0), "hopper": (-20.272305, 3234.3)}
GYM_ID = {"halfcheetah": "HalfCheetah-v4", "hopper": "Hopper-v4"}

# Per-task settings: Kit's run_mopo.py / official MOBILE configs, as this library's
# MOPOConfiguration.tasks / MOBILEConfiguration.tasks hold them for the -medium tasks.
MOPO_TASK = {"halfcheetah": dict(rollout_length=5, penalty_coef=0.5),
             "hopper": dict(rollout_length=5, penalty_coef=5.0)}
MOBILE_TASK = {"halfcheetah": dict(rollout_length=5, penalty_coef=0.5, auto_alpha=True),
               "hopper": dict(rollout_length=5, penalty_coef=1.5, auto_alpha=False)}


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--kit", required=True, help="OfflineRL-Kit checkout (commit e3ce697)")
    p.add_argument("--algo", choices=["mopo", "mobile"], required=True)
    p.add_argument("--dataset", required=True, help="D4RL-format HDF5 file made by `orl dataset generate`")
    p.add_argument("--env", choices=["halfcheetah", "hopper"], required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--out", required=True)
    # the short preset's budget (OfflineTrainingConfiguration.apply(.short))
    p.add_argument("--updates", type=int, default=50_000)
    p.add_argument("--eval-interval", type=int, default=2_500)
    p.add_argument("--eval-episodes", type=int, default=10)
    p.add_argument("--rollout-batch-size", type=int, default=10_000)
    p.add_argument("--rollout-freq", type=int, default=1_000)
    p.add_argument("--model-retain-epochs", type=int, default=5)
    p.add_argument("--dynamics-max-epochs", type=int, default=30)
    p.add_argument("--schedule-epochs", type=int, default=3_000, help="cosine schedule span, epochs of 1,000 updates")
    p.add_argument("--q-states", type=int, default=1_000)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--load-dynamics", default=None,
                   help="a finished run's kit-log/model folder: Kit's --load-dynamics-path (skip the fit), "
                        "as this library's runs share the seed-1 fit through --dynamics-cache")
    return p.parse_args()


class OldGymEnv:
    """Gymnasium's MuJoCo environment behind the gym<=0.24 API Kit's trainer uses."""

    def __init__(self, env_name, seed):
        import gymnasium
        self._env = gymnasium.make(GYM_ID[env_name])
        self.observation_space = self._env.observation_space
        self.action_space = self._env.action_space
        self._max_episode_steps = self._env.spec.max_episode_steps
        self._ref = REF[env_name]
        self._seed = seed

    def seed(self, seed):
        self._seed = seed

    def reset(self):
        if self._seed is not None:
            obs, _ = self._env.reset(seed=self._seed)
            self._seed = None
        else:
            obs, _ = self._env.reset()
        return obs

    def step(self, action):
        obs, reward, terminated, truncated, info = self._env.step(action)
        return obs, reward, bool(terminated or truncated), info

    def get_normalized_score(self, score):
        lo, hi = self._ref
        return (score - lo) / (hi - lo)


def load_d4rl_file(path):
    """The keys D4RL's get_dataset returns, read from FILE."""
    import h5py
    with h5py.File(path, "r") as f:
        return {k: f[k][()] for k in ["observations", "actions", "next_observations", "rewards", "terminals", "timeouts"]}


def atomic_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1)
    os.replace(tmp, path)


def main():
    a = parse()
    sys.path.insert(0, os.path.abspath(a.kit))
    os.environ.setdefault("OMP_NUM_THREADS", str(a.threads))
    import torch
    torch.set_num_threads(a.threads)
    from offlinerlkit.nets import MLP
    from offlinerlkit.modules import ActorProb, Critic, TanhDiagGaussian, EnsembleDynamicsModel
    from offlinerlkit.dynamics import EnsembleDynamics
    from offlinerlkit.utils.scaler import StandardScaler
    from offlinerlkit.utils.termination_fns import get_termination_fn
    from offlinerlkit.utils.load_dataset import qlearning_dataset
    from offlinerlkit.buffer import ReplayBuffer
    from offlinerlkit.utils.logger import Logger
    from offlinerlkit.policy_trainer import MBPolicyTrainer
    from offlinerlkit.policy import MOPOPolicy, MOBILEPolicy

    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    dataset_path = os.path.abspath(a.dataset)
    t_start = time.time()
    task = f"{a.env}-medium-orl"

    # ---- the arguments of run_mopo.py / run_mobile.py, short preset ----
    step_per_epoch = a.eval_interval          # Kit evaluates once per epoch
    epoch = a.updates // step_per_epoch
    task_settings = (MOPO_TASK if a.algo == "mopo" else MOBILE_TASK)[a.env]
    args = argparse.Namespace(
        algo_name=a.algo, task=task, seed=a.seed, actor_lr=1e-4, critic_lr=3e-4, hidden_dims=[256, 256],
        gamma=0.99, tau=0.005, alpha=0.2, auto_alpha=task_settings.get("auto_alpha", True), target_entropy=None,
        alpha_lr=1e-4, dynamics_lr=1e-3, dynamics_hidden_dims=[200, 200, 200, 200],
        dynamics_weight_decay=[2.5e-5, 5e-5, 7.5e-5, 7.5e-5, 1e-4], n_ensemble=7, n_elites=5,
        max_epochs_since_update=5, dynamics_max_epochs=a.dynamics_max_epochs,
        rollout_freq=a.rollout_freq, rollout_batch_size=a.rollout_batch_size,
        rollout_length=task_settings["rollout_length"], penalty_coef=task_settings["penalty_coef"],
        model_retain_epochs=a.model_retain_epochs, real_ratio=0.05, epoch=epoch, step_per_epoch=step_per_epoch,
        eval_episodes=a.eval_episodes, batch_size=256, device="cpu",
        # Kit's CosineAnnealingLR is stepped once per Kit epoch (= one evaluation interval here);
        # T_max in those epochs so that lr(step) = ½(1+cos(π·step/(schedule_epochs·1000))) at each step.
        lr_scheduler_T_max=a.schedule_epochs * 1000 // step_per_epoch,
        num_q_ensemble=2, deterministic_backup=True, max_q_backup=False, norm_reward=False, num_samples=10,
        dataset_file=dataset_path, kit=os.path.abspath(a.kit), updates=a.updates,
        load_dynamics_path=os.path.abspath(a.load_dynamics) if a.load_dynamics else None)

    # ---- data and environment (the only parts that differ from Kit's scripts) ----
    env = OldGymEnv(a.env, a.seed)
    dataset = qlearning_dataset(env, dataset=load_d4rl_file(dataset_path))
    args.obs_shape = env.observation_space.shape
    args.action_dim = int(np.prod(env.action_space.shape))
    args.max_action = env.action_space.high[0]

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.cuda.manual_seed_all(args.seed)
    torch.backends.cudnn.deterministic = True
    env.seed(args.seed)

    actor_backbone = MLP(input_dim=np.prod(args.obs_shape), hidden_dims=args.hidden_dims)
    if a.algo == "mopo":
        critic1_backbone = MLP(input_dim=np.prod(args.obs_shape) + args.action_dim, hidden_dims=args.hidden_dims)
        critic2_backbone = MLP(input_dim=np.prod(args.obs_shape) + args.action_dim, hidden_dims=args.hidden_dims)
    dist = TanhDiagGaussian(latent_dim=getattr(actor_backbone, "output_dim"), output_dim=args.action_dim,
                            unbounded=True, conditioned_sigma=True, max_mu=args.max_action)
    actor = ActorProb(actor_backbone, dist, args.device)
    if a.algo == "mopo":
        critic1 = Critic(critic1_backbone, args.device)
        critic2 = Critic(critic2_backbone, args.device)
        actor_optim = torch.optim.Adam(actor.parameters(), lr=args.actor_lr)
        critic1_optim = torch.optim.Adam(critic1.parameters(), lr=args.critic_lr)
        critic2_optim = torch.optim.Adam(critic2.parameters(), lr=args.critic_lr)
        critic_list = [critic1, critic2]
    else:
        actor_optim = torch.optim.Adam(actor.parameters(), lr=args.actor_lr)
        critics = []
        for _ in range(args.num_q_ensemble):
            critic_backbone = MLP(input_dim=np.prod(args.obs_shape) + args.action_dim, hidden_dims=args.hidden_dims)
            critics.append(Critic(critic_backbone, args.device))
        critics = torch.nn.ModuleList(critics)
        critics_optim = torch.optim.Adam(critics.parameters(), lr=args.critic_lr)
        critic_list = list(critics)
    lr_scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(actor_optim, args.lr_scheduler_T_max)

    if args.auto_alpha:
        target_entropy = args.target_entropy if args.target_entropy else -np.prod(env.action_space.shape)
        args.target_entropy = target_entropy
        log_alpha = torch.zeros(1, requires_grad=True, device=args.device)
        alpha_optim = torch.optim.Adam([log_alpha], lr=args.alpha_lr)
        alpha = (target_entropy, log_alpha, alpha_optim)
    else:
        alpha = args.alpha

    dynamics_model = EnsembleDynamicsModel(
        obs_dim=np.prod(args.obs_shape), action_dim=args.action_dim, hidden_dims=args.dynamics_hidden_dims,
        num_ensemble=args.n_ensemble, num_elites=args.n_elites, weight_decays=args.dynamics_weight_decay,
        device=args.device)
    dynamics_optim = torch.optim.Adam(dynamics_model.parameters(), lr=args.dynamics_lr)
    scaler = StandardScaler()
    termination_fn = get_termination_fn(task=args.task)
    if a.algo == "mopo":
        dynamics = EnsembleDynamics(dynamics_model, dynamics_optim, scaler, termination_fn, penalty_coef=args.penalty_coef)
    else:
        dynamics = EnsembleDynamics(dynamics_model, dynamics_optim, scaler, termination_fn)
    if a.load_dynamics:
        dynamics.load(a.load_dynamics)
    if a.algo == "mopo":
        policy = MOPOPolicy(dynamics, actor, critic1, critic2, actor_optim, critic1_optim, critic2_optim,
                            tau=args.tau, gamma=args.gamma, alpha=alpha)
    else:
        policy = MOBILEPolicy(dynamics, actor, critics, actor_optim, critics_optim, tau=args.tau, gamma=args.gamma,
                              alpha=alpha, penalty_coef=args.penalty_coef, num_samples=args.num_samples,
                              deterministic_backup=args.deterministic_backup, max_q_backup=args.max_q_backup)

    real_buffer = ReplayBuffer(buffer_size=len(dataset["observations"]), obs_shape=args.obs_shape,
                               obs_dtype=np.float32, action_dim=args.action_dim, action_dtype=np.float32,
                               device=args.device)
    real_buffer.load_dataset(dataset)
    fake_buffer = ReplayBuffer(buffer_size=args.rollout_batch_size * args.rollout_length * args.model_retain_epochs,
                               obs_shape=args.obs_shape, obs_dtype=np.float32, action_dim=args.action_dim,
                               action_dtype=np.float32, device=args.device)

    log_dir = os.path.join(out, "kit-log")
    os.makedirs(log_dir, exist_ok=True)
    logger = Logger(log_dir, {"consoleout_backup": "stdout", "policy_training_progress": "csv",
                              "dynamics_training_progress": "csv", "tb": "tensorboard"})
    hp = {k: (v if isinstance(v, (int, float, str, bool, list, type(None))) else str(v)) for k, v in vars(args).items()}
    logger.log_hyperparameters(hp)
    atomic_json(os.path.join(out, "settings.json"), hp)

    # ---- instrumentation (no random stream touched) ----
    timings = {"rollout_seconds": [], "eval_seconds": [], "eval_wall": []}
    member_holdout = []
    orig_validate = dynamics.validate

    def validate(inputs, targets):
        losses = orig_validate(inputs, targets)
        member_holdout.append([float(x) for x in losses])
        return losses
    dynamics.validate = validate

    split = {}
    orig_split = torch.utils.data.random_split

    def random_split(ds, lengths, *rest, **kw):
        parts = orig_split(ds, lengths, *rest, **kw)
        split["train"], split["holdout"] = parts[0].indices, parts[1].indices
        return parts
    torch.utils.data.random_split = random_split

    orig_rollout = policy.rollout

    def rollout(init_obss, rollout_length):
        t = time.time()
        r = orig_rollout(init_obss, rollout_length)
        timings["rollout_seconds"].append(time.time() - t)
        return r
    policy.rollout = rollout

    q_rng = np.random.default_rng(10_000 + a.seed)
    q_star = REF[a.env][1] / 1000 / (1 - args.gamma)
    rows = []
    progress_path = os.path.join(out, "progress.csv")
    fields = ["step", "return_mean", "return_std", "normalized_score", "normalized_score_std", "episode_length_mean",
              "q_policy_real_mean", "q_policy_real_std", "q_over_approx_q_star", "actor_lr", "alpha", "wall_seconds",
              "eval_seconds"]
    with open(progress_path, "w") as f:
        csv.writer(f).writerow(fields)

    class Trainer(MBPolicyTrainer):
        def _evaluate(self):
            t = time.time()
            info = super()._evaluate()
            eval_s = time.time() - t
            timings["eval_seconds"].append(eval_s)
            # Q(s, a), a ~ pi(.|s), on dataset states: the mean over critics and the critics' std.
            state = torch.get_rng_state()
            idx = q_rng.integers(0, len(dataset["observations"]), size=a.q_states)
            obs = torch.as_tensor(dataset["observations"][idx], dtype=torch.float32)
            with torch.no_grad():
                act, _ = policy.actforward(obs)
                qs = torch.stack([c(obs, act).flatten() for c in critic_list], 0)
            torch.set_rng_state(state)
            step = len(rows) * step_per_epoch + step_per_epoch
            rets = np.array(info["eval/episode_reward"])
            alpha_now = policy._alpha
            row = dict(step=step, return_mean=float(rets.mean()), return_std=float(rets.std()),
                       normalized_score=100 * env.get_normalized_score(float(rets.mean())),
                       normalized_score_std=100 * float(rets.std()) / (REF[a.env][1] - REF[a.env][0]),
                       episode_length_mean=float(np.mean(info["eval/episode_length"])),
                       q_policy_real_mean=float(qs.mean()), q_policy_real_std=float(qs.std(0, unbiased=False).mean()),
                       q_over_approx_q_star=float(qs.mean()) / q_star,
                       actor_lr=float(actor_optim.param_groups[0]["lr"]),
                       alpha=float(alpha_now.item() if hasattr(alpha_now, "item") else alpha_now),
                       wall_seconds=time.time() - t_sac, eval_seconds=eval_s)
            rows.append(row)
            with open(progress_path, "a") as f:
                csv.writer(f).writerow([row[k] for k in fields])
            print(f"[run_kit] step {step} score {row['normalized_score']:.1f} q {row['q_policy_real_mean']:.1f} "
                  f"wall {row['wall_seconds']:.0f}s", flush=True)
            return info

    trainer = Trainer(policy=policy, eval_env=env, real_buffer=real_buffer, fake_buffer=fake_buffer, logger=logger,
                      rollout_setting=(args.rollout_freq, args.rollout_batch_size, args.rollout_length),
                      epoch=args.epoch, step_per_epoch=args.step_per_epoch, batch_size=args.batch_size,
                      real_ratio=args.real_ratio, eval_episodes=args.eval_episodes, lr_scheduler=lr_scheduler)

    t_fit = time.time()
    if not a.load_dynamics:
        dynamics.train(real_buffer.sample_all(), logger, max_epochs_since_update=args.max_epochs_since_update,
                       max_epochs=args.dynamics_max_epochs)
    fit_seconds = time.time() - t_fit
    torch.utils.data.random_split = orig_split
    np.savez_compressed(os.path.join(out, "dynamics_split.npz"), train=np.array(split.get("train", []), dtype=np.int64),
                        holdout=np.array(split.get("holdout", []), dtype=np.int64))
    atomic_json(os.path.join(out, "dynamics.json"), {
        "fit_seconds": fit_seconds, "epochs": len(member_holdout), "member_holdout_mse_per_epoch": member_holdout,
        "elites": [int(i) for i in dynamics.model.elites.data.cpu().numpy()],
        "qlearning_rows": int(len(dataset["observations"])), "loaded_from": args.load_dynamics_path})

    t_sac = time.time()
    trainer.train()
    sac_seconds = time.time() - t_sac

    last3 = [r["normalized_score"] for r in rows[-3:]]
    atomic_json(os.path.join(out, "result.json"), {
        "side": "OfflineRL-Kit", "algo": a.algo, "env": a.env, "dataset": dataset_path, "seed": a.seed,
        "score_last3_mean": float(np.mean(last3)), "scores": [r["normalized_score"] for r in rows],
        "evaluations": len(rows), "updates": a.updates, "fit_seconds": fit_seconds, "sac_phase_seconds": sac_seconds,
        "rollout_seconds_total": float(np.sum(timings["rollout_seconds"])),
        "rollout_seconds_mean": float(np.mean(timings["rollout_seconds"])) if timings["rollout_seconds"] else None,
        "eval_seconds_total": float(np.sum(timings["eval_seconds"])),
        "total_seconds": time.time() - t_start, "torch": torch.__version__, "threads": a.threads,
        "note": "scores on this project's generated dataset (not D4RL's data), D4RL reference returns"})
    print(f"[run_kit] done: last-3 mean {np.mean(last3):.1f}", flush=True)


if __name__ == "__main__":
    main()
