// swift-tools-version:6.0
// The board runs Debian 13's Swift 6.0.3: keep this manifest and every source within Swift 6.0.
import PackageDescription

/// A system library reached through a module map in `Sources/<name>/module.modulemap`.
func systemLibrary(_ name: String, pkgConfig: String? = nil, apt: String) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let package = Package(
    name: "EagleEdge",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "eagle-edge", targets: ["eagle-edge"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "Appliance", targets: ["Appliance"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // MARK: C layer
        systemLibrary("CJPEG", apt: "libjpeg62-turbo-dev"),
        systemLibrary("CPNG", apt: "libpng-dev"),
        systemLibrary("CV4L2", apt: "libv4l-dev"),
        systemLibrary("COpenBLAS", apt: "libopenblas-dev"),
        systemLibrary("CMosquitto", apt: "libmosquitto-dev"),
        systemLibrary("CGPIOD", apt: "libgpiod-dev"),
        systemLibrary("CSQLite", apt: "libsqlite3-dev"),
        .target(
            name: "CEagleShims",
            dependencies: ["CJPEG", "CV4L2", "CGPIOD", "CSQLite"],
            linkerSettings: [
                .linkedLibrary("jpeg"), .linkedLibrary("v4l2"), .linkedLibrary("gpiod"), .linkedLibrary("sqlite3"),
            ]
        ),

        .target(
            name: "CEagleKernels",
            // No FMA contraction: the int8 search's float epilogue must round alike on x86-64
            // and AArch64 (kernels are compared bit for bit across both).
            cSettings: [.unsafeFlags(["-ffp-contract=off"])]
        ),

        // MARK: base
        .target(name: "EagleLog"),
        .target(name: "SeededRandom"),
        .target(name: "Imaging", dependencies: ["CEagleShims", "CEagleKernels", "CPNG"]),
        .target(name: "Kernels", dependencies: ["COpenBLAS", "CEagleKernels"]),
        .target(name: "Storage", dependencies: ["CEagleShims", "CSQLite"]),
        // The linked C libraries' versions, for `eagle-edge version` and support reports.
        .target(name: "LinkedLibraries", dependencies: ["CEagleShims", "CJPEG", "CPNG", "COpenBLAS", "CMosquitto", "CSQLite"]),

        // MARK: domain
        // The part record every adapter reads (no dependencies, so adapters never need the app).
        .target(name: "Inspection"),
        .target(name: "PatchCore", dependencies: ["CEagleKernels", "Kernels", "Imaging", "Storage", "SeededRandom"]),

        // MARK: adapters
        .target(name: "Capture", dependencies: ["CEagleShims", "CV4L2", "Imaging", "EagleLog", "SeededRandom"]),
        // MQTT to plant SCADA: a typed libmosquitto client and the published payloads.
        .target(name: "Publish", dependencies: ["CMosquitto", "EagleLog", "Inspection"]),
        // GPIO over libgpiod v1 or v2 (reject, ready, photo-eye, encoder) and the reject scheduler.
        .target(name: "Actuate", dependencies: ["CEagleShims", "EagleLog", "Inspection"]),

        // MARK: app
        .target(
            name: "Appliance",
            dependencies: [
                "Actuate", "Capture", "EagleLog", "Imaging", "Inspection", "Kernels", "PatchCore", "Publish", "Storage",
                .product(name: "Yams", package: "Yams"),
            ]
        ),

        // MARK: cli
        .executableTarget(
            name: "eagle-edge",
            dependencies: [
                "Actuate", "Appliance", "Capture", "EagleLog", "Imaging", "Inspection", "Kernels", "LinkedLibraries", "PatchCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: tests
        // Fixtures several test targets share (a tiny expert; the virtual board's camera loopback
        // and the real images filmed through it); built only for the tests.
        .target(
            name: "TestFixtures", dependencies: ["Capture", "CEagleShims", "CV4L2", "Imaging", "PatchCore", "SeededRandom"],
            path: "Tests/Fixtures"
        ),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "CEagleKernels", "SeededRandom"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "SeededRandom"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .testTarget(name: "PatchCoreTests", dependencies: ["PatchCore", "Imaging", "Kernels", "Storage", "SeededRandom", "TestFixtures"]),
        .testTarget(
            name: "ApplianceTests",
            dependencies: [
                "Actuate", "Appliance", "Capture", "EagleLog", "Imaging", "Inspection", "PatchCore", "Publish", "SeededRandom", "Storage",
                "TestFixtures",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(name: "LinkedLibrariesTests", dependencies: ["LinkedLibraries", "CEagleShims"]),
        .testTarget(name: "EagleLogTests", dependencies: ["EagleLog"]),
        .testTarget(name: "InspectionTests", dependencies: ["Inspection"]),
        .testTarget(name: "ActuateTests", dependencies: ["Actuate", "EagleLog", "Inspection"]),
        .testTarget(name: "PublishTests", dependencies: ["Publish", "Inspection", "SeededRandom"]),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "Imaging", "EagleLog", "SeededRandom", "CV4L2", "TestFixtures"]),
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["eagle-edge", "Actuate", "Appliance", "Capture", "Imaging", "Inspection", "PatchCore", "TestFixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
