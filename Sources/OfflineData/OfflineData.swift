// OfflineData: HDF5 reading and writing, D4RL and NeoRL layouts, dataset views, normalizers,
// replay buffers and the dataset registry. Importing it also imports LinearAlgebra.
@_exported import LinearAlgebra
