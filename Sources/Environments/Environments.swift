// Environments: the Environment protocol, MuJoCo HalfCheetah/Hopper/Walker2d with gym v3 /
// Gymnasium v4 semantics (as D4RL v2 used them), a small pure-Swift task with a known optimum,
// and termination functions for model rollouts. Importing it also imports LinearAlgebra.
@_exported import LinearAlgebra
