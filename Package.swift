// swift-tools-version:6.2
import Foundation
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// Tests import what they use through test support; member-import strictness buys nothing there.
let testSwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "Sesame",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sesame", targets: ["sesame"]),
        .library(name: "SecretServer", targets: ["SecretServer"]),
        .library(name: "SecretServerModels", targets: ["SecretServerModels"]),
        .library(name: "SecretServerEmulator", targets: ["SecretServerEmulator"]),
        .library(name: "Sesame", targets: ["Sesame"]),
        .library(name: "SesameCore", targets: ["SesameCore"]),
        .library(name: "AWSSecrets", targets: ["AWSSecrets"]),
        .library(name: "SesameConfiguration", targets: ["SesameConfiguration"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: [.defaults, "Logging"]),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        // Wire types shared by the client and the local server. No I/O.
        .target(
            name: "SecretServerModels",
            swiftSettings: swiftSettings
        ),
        // What every type that holds a secret adopts so that it never prints it.
        .target(
            name: "SesameRedaction",
            swiftSettings: swiftSettings
        ),
        // Files that hold secrets or keys: private from their first byte, written atomically and durably.
        .target(
            name: "SesameFiles",
            swiftSettings: swiftSettings
        ),
        // AWS Signature Version 4: pure request signing (swift-crypto only).
        .target(
            name: "AWSSigV4",
            dependencies: ["SesameRedaction", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // What the HTTP clients share: the retry decisions, proxies, TLS settings, connection pools closed when their
        // last user goes away, and a blocking one-connection client for one-shot commands (over NIOSSL's BoringSSL,
        // CNIOBoringSSL, which NIOSSL brings: it is no product to name here).
        .target(
            name: "SesameHTTP",
            dependencies: [
                "SesameRedaction",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Minimal AWS clients (Secrets Manager, SSM Parameter Store, STS) over AsyncHTTPClient, signed with AWSSigV4.
        .target(
            name: "AWSSecrets",
            dependencies: [
                "SesameRedaction",
                "AWSSigV4",
                "SesameHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The typed async Secret Server client.
        .target(
            name: "SecretServer",
            dependencies: [
                "SesameRedaction",
                "SecretServerModels",
                "SesameHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The local Secret Server: Hummingbird 2 + GRDB.
        .target(
            name: "SecretServerEmulator",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                "SesameRedaction",
                "SecretServerModels",
                "SesameFiles",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        // One reference grammar and provider protocol over Secret Server, AWS SM and SSM PS, with caches.
        .target(
            name: "Sesame",
            dependencies: [
                "SesameCore",
                "SesameRedaction",
                "SesameHTTP",
                "AWSSecrets",
                "SecretServer",
                "SecretServerModels",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The core of Sesame without HTTP: references, values, the provider protocol, the memory and disk caches.
        .target(
            name: "SesameCore",
            dependencies: [
                "SesameRedaction",
                "SesameFiles",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Sesame as a provider for apple/swift-configuration.
        .target(
            name: "SesameConfiguration",
            dependencies: [
                "Sesame",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Records the commit the command line is built from (for `sesame --version`).
        .plugin(name: "EmbedVersion", capability: .buildTool()),
        // `sesame agent`: a local caching agent with the AWS agents' routes and Sesame references.
        .target(
            name: "SesameAgent",
            dependencies: [
                "SesameCore",
                "SesameHTTP",
                "SecretServer",
                "SesameRedaction",
                "AWSSecrets",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command tree, as a library so tests can drive it.
        .target(
            name: "SesameCLI",
            dependencies: [
                "SesameRedaction",
                "SesameFiles",
                "SesameHTTP",
                "SesameCore",
                "SecretServerModels",
                "SecretServer",
                "Sesame",
                "AWSSecrets",
                "SecretServerEmulator",
                "SesameAgent",
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["EmbedVersion"]
        ),
        .executableTarget(
            name: "sesame",
            dependencies: ["SesameCLI"],
            swiftSettings: swiftSettings
        ),
        // Test helpers (not a product).
        .target(
            name: "SesameTestSupport",
            dependencies: [
                "SesameTestKit",
                "SecretServer",
                "SecretServerModels",
                "AWSSecrets",
                "SecretServerEmulator",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test helpers that need no server: processes with deadlines, temporary folders, log capture, manual time,
        // JSON recasing. SesameTestSupport adds the local server, moto and the client exercise.
        .target(
            name: "SesameTestKit",
            dependencies: ["SecretServerModels", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SesameHTTPTests",
            dependencies: [
                "SesameHTTP",
                "SesameTestKit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "AWSSigV4Tests",
            dependencies: ["AWSSigV4", .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Fixtures")],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "AWSSecretsTests",
            dependencies: [
                "AWSSecrets",
                "SesameTestSupport",
                "SecretServerEmulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "SesameTests",
            dependencies: [
                "Sesame", "SesameCore", "SesameTestSupport", "AWSSecrets", "AWSSigV4", "SecretServer", "SecretServerEmulator", "SesameFiles",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "SesameConfigurationTests",
            dependencies: [
                "SesameConfiguration", "Sesame", "AWSSecrets", "SesameTestSupport",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "SecretServerModelsTests",
            dependencies: ["SecretServerModels", "SesameTestKit", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "SecretServerEmulatorTests",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                "SecretServerEmulator",
                "SesameTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "SecretServerTests",
            dependencies: [
                "SecretServer",
                "SesameHTTP",
                "SesameTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "SesameAgentTests",
            dependencies: ["SesameAgent"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "SesameCLITests",
            dependencies: [
                "SesameCLI", "SesameTestSupport", "SecretServer", "SecretServerModels", "Sesame", "SesameCore", "AWSSecrets", "AWSSigV4",
                "SecretServerEmulator", "SesameConfiguration", "SesameRedaction", "SesameFiles", "SesameHTTP", "SesameAgent",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: testSwiftSettings
        ),
    ]
)

// Benchmarks (ordo-one/benchmark) and the load driver of Benchmarks/compare, only when asked for, so that normal
// builds stay light: `SESAME_BENCHMARKS=1 swift package benchmark`, or `Benchmarks/compare`.
if ProcessInfo.processInfo.environment["SESAME_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"])
    )
    package.targets.append(contentsOf: [
        .executableTarget(
            name: "SesameBenchmarks",
            dependencies: ["Sesame", "SecretServerModels", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/SesameBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "sesame-load",
            dependencies: [
                "Sesame", "AWSSecrets", "SecretServer", "SecretServerModels", .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Benchmarks/SesameLoad"
        ),
    ])
}
