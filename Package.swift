// swift-tools-version: 6.0
// swift-offline-rl: offline model-based reinforcement learning in Swift.
// Every target uses only portable build settings, so the package works as a dependency of others.
import PackageDescription

let package = Package(
    name: "swift-offline-rl",
    products: [
        // MARK: Public API
        .library(name: "OfflineRL", targets: ["OfflineRL"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "NeuralNetworks", targets: ["NeuralNetworks"]),
        .library(name: "OfflineData", targets: ["OfflineData"]),
        .library(name: "HDF5", targets: ["HDF5"]),
        .library(name: "Environments", targets: ["Environments"]),
        .library(name: "DynamicsModels", targets: ["DynamicsModels"]),
        .library(name: "PolicyLearning", targets: ["PolicyLearning"]),
        .library(name: "MOREC", targets: ["MOREC"]),
        .library(name: "RAVL", targets: ["RAVL"]),
        .library(name: "LipschitzCritics", targets: ["LipschitzCritics"]),
        .library(name: "Baselines", targets: ["Baselines"]),
        .library(name: "ExperimentRunner", targets: ["ExperimentRunner"]),
        .library(name: "DatasetGeneration", targets: ["DatasetGeneration"]),
        .executable(name: "orl", targets: ["orl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation` (CI builds every library target's DocC catalog).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // MARK: System libraries and the C++ shim (implementation details)
        .target(
            name: "CArmadillo",
            cxxSettings: [.define("ARMA_WARN_LEVEL", to: "0"), .define("ARMA_DONT_PRINT_FAST_MATH_WARNING")],
            linkerSettings: [.linkedLibrary("armadillo"), .linkedLibrary("openblas")]
        ),
        .systemLibrary(
            name: "CHDF5",
            pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]
        ),
        .systemLibrary(
            name: "CMuJoCo",
            providers: [.apt(["libmujoco-dev"])]
        ),

        // MARK: Swift modules, lowest first
        .target(name: "LinearAlgebra", dependencies: ["CArmadillo"]),
        .target(name: "HDF5", dependencies: ["LinearAlgebra", "CHDF5"]),
        .target(name: "NeuralNetworks", dependencies: ["LinearAlgebra", "HDF5"]),
        .target(name: "OfflineData", dependencies: ["LinearAlgebra", "HDF5"], resources: [.copy("Resources/manifest.json")]),
        .target(name: "Environments", dependencies: ["LinearAlgebra", "CMuJoCo"]),
        .target(name: "DynamicsModels", dependencies: ["NeuralNetworks", "OfflineData", "Environments"]),
        .target(name: "PolicyLearning", dependencies: ["NeuralNetworks", "OfflineData", "Environments", "DynamicsModels"]),
        // The algorithm modules: small plug-ins of PolicyLearning's shared offline trainer.
        .target(name: "MOREC", dependencies: ["PolicyLearning"]),
        .target(name: "RAVL", dependencies: ["PolicyLearning"]),
        .target(name: "LipschitzCritics", dependencies: ["PolicyLearning"]),
        // The papers' comparison rows: CQL, EDAC, COMBO, TD3+BC, IQL (EDAC reuses RAVL's diversity term).
        .target(name: "Baselines", dependencies: ["PolicyLearning", "RAVL"]),
        // D4RL-recipe datasets made with this project's behaviour policies (`orl dataset generate`).
        .target(name: "DatasetGeneration", dependencies: ["PolicyLearning"]),
        // Run lists, the local queue and the archive of finished runs' records (`orl reproduce`).
        .target(name: "ExperimentRunner", dependencies: ["PolicyLearning"]),
        .target(name: "OfflineRL", dependencies: ["LinearAlgebra", "HDF5", "NeuralNetworks", "OfflineData", "Environments",
                                                  "DynamicsModels", "PolicyLearning", "DatasetGeneration", "ExperimentRunner",
                                                  "MOREC", "RAVL", "LipschitzCritics", "Baselines"]),
        .target(name: "Benchmarks", dependencies: ["LinearAlgebra", "NeuralNetworks", "OfflineData", "Environments",
                                                   "DynamicsModels", "PolicyLearning", "MOREC", "CArmadillo"]),
        // The command line: a library (so tests parse and run its commands) and a one-line executable.
        .target(
            name: "ORLCommandLine",
            dependencies: [
                "OfflineRL", "ExperimentRunner", "Benchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "orl", dependencies: ["ORLCommandLine"]),

        // MARK: Unit test bundles
        .target(name: "TestSupport", dependencies: ["LinearAlgebra"], path: "Tests/TestSupport"),
        .target(name: "OfflineTestSupport", dependencies: ["PolicyLearning"], path: "Tests/OfflineTestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["TestSupport", "LinearAlgebra", "CArmadillo", "Benchmarks"]),
        .testTarget(name: "NeuralNetworksTests", dependencies: ["TestSupport", "NeuralNetworks", "Benchmarks"]),
        .testTarget(name: "OfflineDataTests", dependencies: ["TestSupport", "OfflineData", "HDF5", "Benchmarks"]),
        .testTarget(name: "EnvironmentsTests", dependencies: ["TestSupport", "Environments", "Benchmarks"]),
        .testTarget(name: "DynamicsModelsTests", dependencies: ["TestSupport", "DynamicsModels", "Benchmarks"]),
        .testTarget(name: "PolicyLearningTests", dependencies: ["TestSupport", "OfflineTestSupport", "PolicyLearning", "DatasetGeneration", "Benchmarks"]),
        .testTarget(name: "MORECTests", dependencies: ["TestSupport", "OfflineTestSupport", "MOREC"]),
        .testTarget(name: "RAVLTests", dependencies: ["TestSupport", "OfflineTestSupport", "RAVL"]),
        .testTarget(name: "LipschitzCriticsTests", dependencies: ["TestSupport", "OfflineTestSupport", "LipschitzCritics"]),
        .testTarget(name: "BaselinesTests", dependencies: ["TestSupport", "OfflineTestSupport", "Baselines"]),
        .testTarget(name: "DatasetGenerationTests", dependencies: ["TestSupport", "OfflineTestSupport", "DatasetGeneration"]),
        .testTarget(name: "ExperimentRunnerTests", dependencies: ["TestSupport", "ExperimentRunner"]),
        .testTarget(name: "ORLCommandLineTests", dependencies: ["TestSupport", "OfflineTestSupport", "ORLCommandLine"]),
        .testTarget(name: "LearningChecksTests", dependencies: ["TestSupport", "OfflineTestSupport", "OfflineRL"]),
    ],
    cxxLanguageStandard: .cxx17
)
