// Environments: the Environment protocol, MuJoCo HalfCheetah/Hopper/Walker2d with gym v3
// semantics, small pure-Swift tasks and termination functions. Importing it also imports LinearAlgebra.
@_exported import LinearAlgebra
