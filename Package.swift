// swift-tools-version:6.1
import PackageDescription

// Layout: `Sources/` holds the host (core library, CLI, test support) and the two C system
// libraries; `Plugins/` holds one target per stage plugin; `Tests/` mirrors both.
// ICU lives behind the leaf module `VerbatimICU`, which never imports Foundation, because
// Foundation on Linux carries its own ICU module and the two clash in one Swift module.

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

/// A stage plugin target: a library in `Plugins/NAME` that depends on the core.
func plugin(_ name: String, dependencies: [Target.Dependency] = []) -> Target {
    .target(
        name: name,
        dependencies: ["VerbatimCore"] + dependencies,
        path: "Plugins/\(name)",
        exclude: ["README.md"],
        swiftSettings: strict
    )
}

let package = Package(
    name: "Verbatim",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "verbatim", targets: ["verbatim"]),
        .library(name: "VerbatimCore", targets: ["VerbatimCore"]),
        .library(name: "VerbatimStages", targets: ["VerbatimStages"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // System libraries (installed by `make setup`).
        .systemLibrary(
            name: "CICU", path: "Sources/CICU", pkgConfig: "icu-uc",
            providers: [.apt(["libicu-dev"])]),
        .systemLibrary(
            name: "CStemmer", path: "Sources/CStemmer",
            providers: [.apt(["libstemmer-dev"])]),

        // Leaf wrappers: no Foundation here.
        // Library evolution makes `internal import CICU` truly hidden from clients, which also import
        // Foundation (and with it Foundation's own ICU); without it clients still load CICU and clash.
        .target(
            name: "VerbatimICU", dependencies: ["CICU"],
            swiftSettings: strict + [.unsafeFlags(["-enable-library-evolution"])]),
        .target(name: "VerbatimSnowball", dependencies: ["CStemmer"], swiftSettings: strict),

        // The host: document model, stage protocol, registry, config, pipeline, readers, writers.
        .target(
            name: "VerbatimCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strict),

        // Stage plugins.
        plugin("ICUTokenizer", dependencies: ["VerbatimICU"]),
        plugin("SnowballStemmer", dependencies: ["VerbatimSnowball"]),
        plugin("Codebook", dependencies: ["VerbatimSnowball", .product(name: "Yams", package: "Yams")]),
        plugin("LexiconSentiment"),
        plugin("ExecStage"),
        plugin("NonAnswer"),

        // The registry of built-in stages: one line per plugin.
        .target(
            name: "VerbatimStages",
            dependencies: ["VerbatimCore", "ICUTokenizer", "SnowballStemmer", "Codebook", "LexiconSentiment", "ExecStage", "NonAnswer"],
            swiftSettings: strict),

        // Report and export writers (HTML, Markdown, CSV, XLSX, REFI-QDA) and the XLSX reader.
        .target(
            name: "VerbatimReports",
            dependencies: ["VerbatimCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strict),

        // The CLI: commands live in a library so tests can drive them and check their help.
        .target(
            name: "VerbatimCLI",
            dependencies: [
                "VerbatimCore", "VerbatimStages", "VerbatimReports", "Codebook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .executableTarget(name: "verbatim", dependencies: ["VerbatimCLI"], swiftSettings: strict),

        .target(name: "VerbatimTestSupport", dependencies: ["VerbatimCore", "VerbatimStages"], swiftSettings: strict),

        .testTarget(
            name: "VerbatimCoreTests", dependencies: ["VerbatimCore", "VerbatimTestSupport", "VerbatimStages"],
            swiftSettings: strict),
        .testTarget(
            name: "PluginsTests",
            dependencies: [
                "VerbatimTestSupport", "VerbatimCore", "VerbatimStages",
                "ICUTokenizer", "SnowballStemmer", "Codebook", "LexiconSentiment", "ExecStage", "NonAnswer",
            ],
            path: "Tests/PluginsTests",
            exclude: ["Fixtures"],
            swiftSettings: strict),
        .testTarget(
            name: "VerbatimReportsTests", dependencies: ["VerbatimReports", "VerbatimCore", "VerbatimTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "VerbatimCLITests",
            dependencies: [
                "VerbatimCLI", "VerbatimTestSupport", "VerbatimReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
    ]
)
