// Debian's libmujoco-dev 2.2.2: /usr/include/mujoco/mujoco.h, links libmujoco.so.
#include <mujoco/mujoco.h>

// Helpers for the Environments module (static inline: no separate object file needed).

/// Advances the simulation by `n` physics steps (one environment step of frame skip `n`).
static inline void orl_mj_step_n(const mjModel* m, mjData* d, int n) {
    for (int i = 0; i < n; i++) mj_step(m, d);
}

/// The raw-C baseline of `orl bench env`: `steps` environment steps, each writing one row of
/// `controls` (row-major, `rows` rows of `m->nu` floats, used cyclically) into `d->ctrl` and then
/// calling `mj_step` `frame_skip` times; `mj_resetData` every `reset_every` steps (0: never).
static inline void orl_mj_raw_loop(const mjModel* m, mjData* d, const float* controls, int rows,
                                   int steps, int frame_skip, int reset_every) {
    const int nu = m->nu;
    for (int t = 0; t < steps; t++) {
        if (reset_every > 0 && t > 0 && t % reset_every == 0) mj_resetData(m, d);
        const float* row = controls + (t % rows) * nu;
        for (int j = 0; j < nu; j++) d->ctrl[j] = (mjtNum)row[j];
        for (int k = 0; k < frame_skip; k++) mj_step(m, d);
    }
}
