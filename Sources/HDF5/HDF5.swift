// HDF5: a Swift layer over libhdf5 (files, groups, typed datasets, attributes, compression,
// partial reads) with typed errors. Shared by OfflineData (datasets) and NeuralNetworks (checkpoints).
//
// Start at `HDF5File`; its `root` group reads and writes datasets by `/`-separated keys.
@_exported import LinearAlgebra
