"""Writes the seed corpus of LoaderFuzzTests into OUT_DIR (h5py and numpy; the test runs it once
per test process into a temporary folder, so no generated data is committed): a D4RL file as
D4RL's scripts write it (gzip, bool flags, infos and metadata), a float64 one without
next_observations, stored contiguously, and a NeoRL .npz split.

    python Tests/Fixtures/fuzz-corpus/make_corpus.py OUT_DIR
"""
import os, sys
import h5py, numpy as np

out = sys.argv[1].rstrip("/") + "/"
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(35)
n = 40
term = np.zeros(n, bool); tout = np.zeros(n, bool)
term[16] = True; tout[[6, 23, 30]] = True

with h5py.File(out + "d4rl-gzip.hdf5", "w") as f:
    for k, v in dict(observations=rng.normal(size=(n, 4)).astype("f4"),
                     next_observations=rng.normal(size=(n, 4)).astype("f4"),
                     actions=rng.uniform(-1, 1, size=(n, 2)).astype("f4"),
                     rewards=rng.normal(size=n).astype("f4"), terminals=term, timeouts=tout).items():
        f.create_dataset(k, data=v, compression="gzip")
    f.create_dataset("infos/qpos", data=rng.normal(size=(n, 3)).astype("f4"), compression="gzip")
    f["metadata/algorithm"] = np.bytes_("SAC")
    f["metadata/iteration"] = np.int32(7)

with h5py.File(out + "d4rl-float64.hdf5", "w") as f:
    f["observations"] = rng.normal(size=(n, 3))
    f["actions"] = rng.uniform(-1, 1, size=(n, 2))
    f["rewards"] = rng.normal(size=(n, 1))
    f["terminals"] = term.astype("f8")
    f["timeouts"] = tout.astype("u1")

m = 30
obs = rng.normal(size=(m, 12)).astype("f4")
np.savez(out + "neorl-train.npz", obs=obs, next_obs=np.roll(obs, -1, 0), action=rng.uniform(-1, 1, size=(m, 3)).astype("f4"),
         reward=rng.normal(size=(m, 1)).astype("f4"), done=np.isin(np.arange(m), [9]).astype("f4")[:, None],
         index=np.array([0, 10, 20, 30], dtype="i8"))
