"""Writes the Minari fixture of Tests/OfflineDataTests/MinariTests.swift with the real `minari` package.

A tiny dataset collected with `minari.DataCollector` from Gymnasium's Hopper-v5 (uniform random
actions, an 18-step time limit, so episodes end in both terminations and truncations), with the
infos `x_position` and `z_distance_from_origin` recorded (the keys Hopper-v5's reset and step infos
share). Needs `pip install "minari[create]==0.5.4" "gymnasium[mujoco]==1.4.0" mujoco==2.3.3`
(jax comes with minari[create]); the tests themselves only read it.

    python Tests/Fixtures/minari/make_fixture.py     # rewrites Tests/Fixtures/minari/hopper-v5-random-v0
"""
import os
import pathlib
import shutil
import tempfile

import gymnasium as gym
import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
DATASET_ID = "orl-test/hopper/random-v0"


class SharedInfoKeys:
    """Keeps the info keys that Hopper-v5's reset() and step() both return (DataCollector needs one structure)."""

    def __call__(self, env, **kwargs):
        from minari import StepDataCallback
        data = StepDataCallback()(env, **kwargs)
        data["info"] = {k: data["info"][k] for k in ("x_position", "z_distance_from_origin")}
        return data


def main():
    root = pathlib.Path(tempfile.mkdtemp())
    os.environ["MINARI_DATASETS_PATH"] = str(root)
    import minari  # reads MINARI_DATASETS_PATH when creating the dataset

    env = minari.DataCollector(gym.make("Hopper-v5", max_episode_steps=18),
                               step_data_callback=SharedInfoKeys, record_infos=True)
    env.action_space.seed(7)
    for episode in range(6):
        env.reset(seed=100 + episode)
        done = False
        while not done:
            _, _, terminated, truncated, _ = env.step(env.action_space.sample())
            done = terminated or truncated
    env.create_dataset(DATASET_ID, algorithm_name="uniform random actions", author="swift-offline-rl tests",
                       author_email="none", code_permalink="Tests/Fixtures/minari/make_fixture.py",
                       description="Test fixture: Hopper-v5, random actions, 18-step limit.",
                       ref_min_score=-20.0, ref_max_score=3000.0)
    env.close()
    out = HERE / "hopper-v5-random-v0"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(root / DATASET_ID, out)
    shutil.rmtree(root)
    data = minari.MinariDataset(out / "data")
    ends = [("terminated" if e.terminations[-1] else "truncated") for e in data.iterate_episodes()]
    print(f"wrote {out}: {data.total_episodes} episodes, {data.total_steps} steps, endings {ends}")


if __name__ == "__main__":
    main()
