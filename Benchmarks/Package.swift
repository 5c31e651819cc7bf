// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "VerbatimBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
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
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
