// swift-tools-version:6.0
// wasm2native: an ahead-of-time WebAssembly-to-native compiler on the LLVM C API.
import PackageDescription

/// Where Debian's `llvm-19-dev` puts the LLVM C API. `scripts/setup.sh` installs it.
let llvmPrefix = "/usr/lib/llvm-19"

/// `W2N_WARNINGS_AS_ERRORS=1` (set by CI) turns compiler warnings into errors.
let warningsAsErrors = Context.environment["W2N_WARNINGS_AS_ERRORS"] == "1"
let strictSwift: [SwiftSetting] = warningsAsErrors ? [.unsafeFlags(["-warnings-as-errors"])] : []

let llvmSwiftSettings: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-I\(llvmPrefix)/include"])]
let llvmLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(["-L\(llvmPrefix)/lib", "-Xlinker", "-rpath", "-Xlinker", "\(llvmPrefix)/lib"]),
    .linkedLibrary("LLVM-19"),
]

let package = Package(
    name: "wasm2native",
    products: [
        .executable(name: "wasm2native", targets: ["wasm2native"]),
        .library(name: "WasmParser", targets: ["WasmParser"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Decoding and validation; the typed module IR every other target reads. No LLVM.
        .target(name: "WasmParser", swiftSettings: strictSwift),

        // The LLVM C API as a Swift module. Only Lowering and Codegen (and their tests) import it.
        .systemLibrary(name: "CLLVM", path: "Sources/CLLVM"),

        // Validated wasm -> LLVM IR. With Codegen, the only target that imports CLLVM.
        .target(
            name: "Lowering", dependencies: ["WasmParser", "CLLVM"],
            swiftSettings: llvmSwiftSettings + strictSwift, linkerSettings: llvmLinkerSettings),

        // Target machines, the optimisation pipeline, objects, RuntimeSupport per target, linking.
        .target(
            name: "Codegen", dependencies: ["Lowering", "WasmParser", "CLLVM"],
            swiftSettings: llvmSwiftSettings + strictSwift, linkerSettings: llvmLinkerSettings),

        // C, libc only: memories, traps, tables, instantiation, `main`, WASI. The same sources are
        // compiled for the host (the interpreter, tests) and, by Codegen, for each target.
        .target(name: "RuntimeSupport", path: "Sources/RuntimeSupport"),

        // The interpreter: runs validated modules from a pre-decoded register form, with memories,
        // tables, globals, traps and WASI from RuntimeSupport (the same code native executables use).
        // Exclusivity checks off: the executor works on raw pointers only. No tail merging: LLVM
        // otherwise merges the executor's per-operation epilogues into one shared block, which
        // costs up to 1.8x on float-heavy code depending on layout (bench/interpreter).
        .target(
            name: "Interpreter", dependencies: ["WasmParser", "RuntimeSupport"],
            swiftSettings: strictSwift + [
                .unsafeFlags(["-enforce-exclusivity=unchecked", "-Xllvm", "-enable-tail-merge=false"])
            ]),

        // The spec-suite harness: converts .wast files, classifies them by feature, runs commands.
        .target(name: "SpecHarness", dependencies: ["WasmParser"], swiftSettings: strictSwift),

        // C host code of the native spec engine: the `spectest` module and fault-proof calls.
        .target(name: "SpecTestHost", dependencies: ["RuntimeSupport"], path: "Sources/SpecTestHost"),

        // What the two engines that run modules through RuntimeSupport share: values between the
        // scripts' JSON and `w2n_value`, judging actions, and the store of a script's instances
        // (registrations, the spectest host, import resolution, invocation).
        .target(
            name: "SpecEngineSupport", dependencies: ["SpecHarness", "SpecTestHost", "RuntimeSupport"],
            swiftSettings: strictSwift),

        // The spec harness's native engine: compiles a script's modules with Codegen, links them
        // into one shared object, loads it and runs the commands through RuntimeSupport, which
        // the harness process itself links (w2n-dev exports its symbols to the loaded objects).
        .target(
            name: "NativeSpecEngine",
            dependencies: [
                "SpecHarness", "SpecEngineSupport", "SpecTestHost", "RuntimeSupport", "Codegen", "Lowering", "WasmParser",
            ],
            swiftSettings: strictSwift),

        // The spec harness's interpreter engine: the same commands through RuntimeSupport's host
        // API, with modules run by the Interpreter.
        .target(
            name: "InterpreterSpecEngine",
            dependencies: [
                "SpecHarness", "SpecEngineSupport", "SpecTestHost", "RuntimeSupport", "Interpreter", "WasmParser",
            ],
            swiftSettings: strictSwift),

        // Differential testing: smith-generated modules run by the interpreter and by native code
        // (compiled and loaded like the native spec engine does), compared (`w2n-dev difftest`).
        .target(
            name: "DifferentialTesting",
            dependencies: [
                "Interpreter", "Codegen", "Lowering", "WasmParser", "RuntimeSupport", "SpecHarness", "SpecTestHost",
            ],
            swiftSettings: strictSwift),

        // Debian's zlib (zlib1g-dev), for gzip image layers. Packaging imports it.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),

        // OCI image archives: deterministic tar and gzip, SHA-256, the distroless static base.
        // No LLVM.
        .target(name: "Packaging", dependencies: ["CZlib"], swiftSettings: strictSwift),

        // Command implementations (testable); `wasm2native` is only its @main.
        .target(
            name: "Wasm2NativeDriver",
            dependencies: [
                "WasmParser", "Codegen", "Packaging", "Interpreter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift
        ),
        .executableTarget(name: "wasm2native", dependencies: ["Wasm2NativeDriver"], swiftSettings: strictSwift),

        // Developer tools: the spec harness, the mutation robustness run, parser benchmarks.
        .executableTarget(
            name: "w2n-dev",
            dependencies: [
                "WasmParser", "SpecHarness", "SpecEngineSupport", "NativeSpecEngine", "InterpreterSpecEngine",
                "DifferentialTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift,
            // The native spec engine dlopens compiled modules whose `w2n_*` references must
            // resolve to this executable's RuntimeSupport.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic"])]
        ),

        // Helpers shared by the test targets (module builders).
        .target(name: "TestSupport", swiftSettings: strictSwift),

        .testTarget(name: "WasmParserTests", dependencies: ["WasmParser", "TestSupport"], swiftSettings: strictSwift),
        .testTarget(
            name: "LoweringTests",
            dependencies: ["Lowering", "Codegen", "WasmParser", "TestSupport", "CLLVM"],
            swiftSettings: llvmSwiftSettings + strictSwift,
            linkerSettings: llvmLinkerSettings
        ),
        .testTarget(
            name: "CLLVMTests",
            dependencies: ["CLLVM"],
            swiftSettings: llvmSwiftSettings + strictSwift,
            linkerSettings: llvmLinkerSettings
        ),
        .testTarget(name: "SpecHarnessTests", dependencies: ["SpecHarness"], swiftSettings: strictSwift),
        .testTarget(
            name: "SpecEngineSupportTests", dependencies: ["SpecEngineSupport", "SpecHarness", "RuntimeSupport"],
            swiftSettings: strictSwift),
        .testTarget(
            name: "InterpreterTests", dependencies: ["Interpreter", "WasmParser", "RuntimeSupport"],
            exclude: ["Inputs"], swiftSettings: strictSwift),
        .testTarget(name: "DriverTests", dependencies: ["Wasm2NativeDriver"], swiftSettings: strictSwift),
        .testTarget(name: "PackagingTests", dependencies: ["Packaging"], swiftSettings: strictSwift),
    ]
)
