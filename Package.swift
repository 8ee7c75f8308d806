// swift-tools-version: 6.2
import PackageDescription

/// Set by `scripts/fuzz`: this package's own code is built with libFuzzer's coverage and
/// AddressSanitizer, and `hermes-fuzz` links libFuzzer. The dependencies are built as usual, so
/// a fuzz build in the ordinary build directory recompiles only this package's modules.
let fuzzing = Context.environment["HERMES_FUZZ_BUILD"] != nil

let package = Package(
    name: "hermes-swift",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hermes", targets: ["hermes"]),
        .executable(name: "hermes-bench", targets: ["hermes-bench"]),
        .library(name: "HermesRuntime", targets: ["HermesRuntime"]),
        .library(name: "HermesTesting", targets: ["HermesTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CJemalloc", path: "Sources/CJemalloc", providers: [.apt(["libjemalloc-dev"])]),
        .target(name: "CLibFuzzer"),
        .target(name: "HermesCore"),
        .target(name: "HermesConfig", dependencies: ["HermesCore", .product(name: "Yams", package: "Yams")]),
        .target(
            name: "HermesLLM",
            dependencies: [
                "HermesCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "HermesTools",
            dependencies: [
                "HermesCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "HermesStore",
            dependencies: [
                "HermesCore", "CSQLite",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "HermesTelemetry",
            dependencies: ["CJemalloc", .product(name: "Prometheus", package: "swift-prometheus")]
        ),
        .target(
            name: "HermesAgent",
            dependencies: [
                "HermesCore", "HermesLLM", "HermesTools", "HermesStore", "HermesTelemetry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        .target(
            name: "HermesGateway",
            dependencies: [
                "HermesCore", "HermesAgent", "HermesStore", "HermesTelemetry", "HermesTools",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "HermesRuntime",
            dependencies: [
                "HermesCore", "HermesConfig", "HermesLLM", "HermesTools", "HermesStore", "HermesTelemetry", "HermesAgent",
                "HermesGateway",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "HermesSimulators",
            dependencies: [
                "HermesCore", "HermesConfig",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        .target(
            name: "HermesTesting",
            dependencies: [
                "HermesCore", "HermesLLM",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "HermesBench",
            dependencies: [
                "HermesCore", "HermesConfig", "HermesLLM", "HermesTools", "HermesAgent", "HermesStore", "HermesTelemetry",
                "HermesGateway", "HermesRuntime", "HermesSimulators",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
        .executableTarget(
            name: "hermes",
            dependencies: [
                "HermesCore", "HermesConfig", "HermesAgent", "HermesStore", "HermesGateway", "HermesRuntime", "HermesTools", "CJemalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "HermesFuzzing",
            dependencies: [
                "HermesCore", "HermesConfig", "HermesLLM", "HermesGateway", "HermesBench",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .executableTarget(
            name: "hermes-fuzz", dependencies: ["HermesFuzzing", "CLibFuzzer"],
            // gold, the default linker here, crashes on libFuzzer's objects; lld ships with the toolchain.
            linkerSettings: fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address", "-Xclang-linker", "-fuse-ld=lld"])] : []
        ),
        .executableTarget(
            name: "hermes-bench",
            dependencies: [
                "HermesBench", "HermesSimulators", "HermesStore", "HermesTelemetry", "HermesCore", "HermesConfig", "HermesRuntime",
                "CJemalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "HermesCoreTests", dependencies: ["HermesCore"]),
        .testTarget(
            name: "HermesConfigTests", dependencies: ["HermesConfig", "HermesCore", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(
            name: "HermesLLMTests",
            dependencies: [
                "HermesLLM", "HermesCore", "HermesSimulators", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "HermesToolsTests", dependencies: ["HermesTools", "HermesCore", "HermesSimulators", "HermesTesting"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "HermesFuzzingTests", dependencies: ["HermesFuzzing"]),
        .testTarget(
            name: "HermesSimulatorsTests",
            dependencies: [
                "HermesSimulators", "HermesConfig", "HermesCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "HermesTelemetryTests", dependencies: ["HermesTelemetry"]),
        .testTarget(
            name: "HermesStoreTests",
            dependencies: ["HermesStore", "HermesCore", "HermesTelemetry", "HermesTesting"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "HermesBenchTests",
            dependencies: [
                "HermesBench", "HermesCore", "HermesConfig", "HermesSimulators", "HermesGateway", "HermesAgent",
                "HermesTesting",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "HermesAgentTests",
            dependencies: ["HermesAgent", "HermesCore", "HermesLLM", "HermesTelemetry", "HermesTools", "HermesTesting"]
        ),
        .testTarget(
            name: "HermesGatewayTests",
            dependencies: [
                "HermesGateway", "HermesCore", "HermesAgent", "HermesTesting", "HermesTools",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "HermesRuntimeTests",
            dependencies: [
                "HermesRuntime", "HermesConfig", "HermesCore", "HermesAgent", "HermesGateway", "HermesTesting", "HermesTools",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "HermesAgent", "HermesLLM", "HermesTools", "HermesStore", "HermesGateway", "HermesSimulators", "HermesBench",
                "HermesTelemetry", "HermesRuntime", "HermesCore", "HermesConfig", "HermesTesting",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    if fuzzing, target.type != .test { settings.append(.unsafeFlags(["-sanitize=fuzzer,address"])) }
    target.swiftSettings = settings
}
