"""Writes the Minari fixture of Tests/OfflineDataTests/MinariTests.swift with the real `minari` package.

A tiny dataset collected with `minari.DataCollector` from Gymnasium's Hopper-v5 (uniform random
actions, an 18-step time limit, so episodes end in both terminations and truncations), with the
infos `x_position` and `z_distance_from_origin` recorded (the keys Hopper-v5's reset and step infos
share). Needs `minari[create]==0.5.4` (jax comes with it), `gymnasium[mujoco]==1.4.0` and
`mujoco==2.3.3`, all in scripts/requirements-test.txt: MinariTests runs this script once per test
process into a temporary folder (generated data is not committed).

    python Tests/Fixtures/minari/make_fixture.py OUT_DIR
"""
import os
import pathlib
import shutil
import sys
import tempfile

import gymnasium as gym
import numpy as np

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
    out = pathlib.Path(sys.argv[1])
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(root / DATASET_ID, out)
    shutil.rmtree(root)
    data = minari.MinariDataset(out / "data")
    ends = [("terminated" if e.terminations[-1] else "truncated") for e in data.iterate_episodes()]
    print(f"wrote {out}: {data.total_episodes} episodes, {data.total_steps} steps, endings {ends}", file=sys.stderr)


if __name__ == "__main__":
    main()
