// swift-tools-version:6.1
import PackageDescription

// The benchmarks are a package of their own, so the main build and CI never fetch or build
// package-benchmark. Run them with `swift package benchmark` here, or `make bench` at the root.
//
// `traits: ["MallocInterposer"]` replaces the benchmark package's default traits: its default
// `RuntimeInterposer` trait pulls in ordo-one/swift-runtime-interposer on Linux with Swift 6.3,
// which is not among the packages this build can resolve.
let package = Package(
    name: "VerbatimBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        // Named, because a path dependency's identity is its folder's name, which differs per checkout.
        .package(name: "Verbatim", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "VerbatimBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VerbatimCore", package: "Verbatim"),
                .product(name: "VerbatimStages", package: "Verbatim"),
            ],
            path: "Benchmarks/VerbatimBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
