import OfflineRL

// Least squares through the public API: recover w from y = X·w with the normal equations.
var rng = RandomGenerator(seed: 1)
let x = Tensor.normal([64, 3], rng: &rng)
let trueWeights = Tensor([[0.5], [-2], [3]])
let y = x.matmul(trueWeights)
let w = try Tensor.solve(x.matmul(x, transposeSelf: true), x.matmul(y, transposeSelf: true))
let error = (w - trueWeights).abs().max()
print("consumer: OfflineRL \(OfflineRLVersion.string), OpenBLAS kernels \(BLASRuntime.coreName), max weight error \(error)")
guard error < 1e-3 else { fatalError("consumer: least-squares weights are wrong") }
