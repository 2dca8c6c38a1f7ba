import Foundation
import TestSupport

/// Writes small D4RL-layout files with h5py (exactly as D4RL's scripts do: `create_dataset(...,
/// compression='gzip')`), with episodes ending by terminal, timeout, and a final cut episode.
enum D4RLFixtures {
    static let writer = """
    import sys, h5py, numpy as np
    path, dtype, rewards2d, nextobs, n = sys.argv[1], sys.argv[2], sys.argv[3] == '1', sys.argv[4] == '1', int(sys.argv[5])
    rng = np.random.default_rng(0)
    obs = rng.normal(size=(n, 5)).astype(dtype)
    act = rng.uniform(-1, 1, size=(n, 2)).astype(dtype)
    rew = rng.normal(size=(n,)).astype(dtype)
    term = np.zeros(n, dtype=bool); tout = np.zeros(n, dtype=bool)
    t = 0
    for i in range(n):
        t += 1
        if i % 17 == 16: term[i] = True; t = 0
        elif t == 7: tout[i] = True; t = 0
    nxt = np.roll(obs, -1, axis=0) + 0.5
    with h5py.File(path, 'w') as f:
        f.create_dataset('observations', data=obs, compression='gzip')
        f.create_dataset('actions', data=act, compression='gzip')
        f.create_dataset('rewards', data=rew.reshape(-1, 1) if rewards2d else rew, compression='gzip')
        f.create_dataset('terminals', data=term, compression='gzip')
        f.create_dataset('timeouts', data=tout, compression='gzip')
        if nextobs: f.create_dataset('next_observations', data=nxt, compression='gzip')
        f.create_dataset('infos/qpos', data=rng.normal(size=(n, 3)).astype(dtype), compression='gzip')
        f.create_dataset('infos/action_log_probs', data=rng.normal(size=(n,)).astype(dtype), compression='gzip')
        f['metadata/algorithm'] = np.bytes_('SAC')
        f['metadata/iteration'] = np.int32(120)
    """

    /// Writes a fixture and returns its path.
    static func make(in dir: TemporaryDirectory, name: String, dtype: String = "float32", rewards2D: Bool = false,
                     nextObservations: Bool = true, rows: Int = 200) throws -> String {
        let path = dir.path(name)
        _ = try Python.check(writer, arguments: [path, dtype, rewards2D ? "1" : "0", nextObservations ? "1" : "0", String(rows)])
        return path
    }

    /// d4rl's `qlearning_dataset` loop, transcribed, run on `path`; prints JSON.
    static let qlearning = """
    import sys, json, h5py, numpy as np
    f = h5py.File(sys.argv[1], 'r')
    ds = {k: f[k][()] for k in ['observations', 'actions', 'rewards', 'terminals', 'timeouts']}
    ds['rewards'] = ds['rewards'].reshape(-1); ds['terminals'] = ds['terminals'].reshape(-1)
    N = ds['rewards'].shape[0]
    obs_, next_obs_, action_, reward_, done_ = [], [], [], [], []
    use_timeouts = 'timeouts' in ds
    episode_step = 0
    for i in range(N - 1):
        obs = ds['observations'][i].astype(np.float32)
        new_obs = ds['observations'][i + 1].astype(np.float32)
        action = ds['actions'][i].astype(np.float32)
        reward = ds['rewards'][i].astype(np.float32)
        done_bool = bool(ds['terminals'][i])
        final_timestep = ds['timeouts'][i] if use_timeouts else (episode_step == 1000 - 1)
        if final_timestep:
            episode_step = 0
            continue
        if done_bool or final_timestep:
            episode_step = 0
        obs_.append(obs); next_obs_.append(new_obs); action_.append(action); reward_.append(reward); done_.append(done_bool)
        episode_step += 1
    print(json.dumps({'observations': np.array(obs_).tolist(), 'next_observations': np.array(next_obs_).tolist(),
                      'actions': np.array(action_).tolist(), 'rewards': np.array(reward_).tolist(), 'terminals': done_}))
    """

    struct QLearning: Decodable {
        var observations: [[Float]]
        var next_observations: [[Float]]
        var actions: [[Float]]
        var rewards: [Float]
        var terminals: [Bool]
    }
}
