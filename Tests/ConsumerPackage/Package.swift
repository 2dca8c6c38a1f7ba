// swift-tools-version: 6.0
// A minimal downstream package that depends on swift-offline-rl by path, as a user's would by URL.
// CI builds and runs it to prove the library works as a dependency (portable build settings only, products usable).
import PackageDescription

let package = Package(
    name: "Consumer",
    dependencies: [.package(name: "swift-offline-rl", path: "../..")],
    targets: [
        .executableTarget(name: "Consumer", dependencies: [.product(name: "OfflineRL", package: "swift-offline-rl")]),
    ]
)
