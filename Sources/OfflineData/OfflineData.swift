// OfflineData: HDF5 reading and writing, D4RL and NeoRL layouts, dataset views, normalizers,
// replay buffers and the dataset registry. Importing it also imports LinearAlgebra and HDF5.
//
// Start at `D4RLFile.load(path:)`, `NeoRLFile.load(path:)` or `DatasetRegistry.standard`.
@_exported import HDF5
@_exported import LinearAlgebra
