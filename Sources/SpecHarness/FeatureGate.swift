// The messages with which `wasm-tools validate --features wasm2` refuses a feature beyond Wasm 2.0.
//
// The table maps a substring of the reason (see `WasmTools.reason(from:)`) to the feature it names.
// It was checked against every rejection in the suite (`w2n-dev classify` prints any rejection of
// an expected-valid module that the table does not explain, and how the probe explained it).
// Entries marked `modulesOnly` name the feature only for modules expected to be valid: their
// wording ("constant expression required: ...") is also the genuine 2.0 error of negative tests.

/// One row of the feature-gate table.
package struct FeatureGate: Sendable {
    /// A substring of wasm-tools's reason.
    package var message: String
    /// The feature, by its proposal name.
    package var feature: String
    /// Whether the row applies only to modules that are expected to validate.
    package var modulesOnly: Bool

    /// The table, in match order.
    package static let table: [FeatureGate] = [
        FeatureGate("memory64 must be enabled", "memory64"),
        FeatureGate("multiple memories", "multi-memory"),
        FeatureGate("gc proposal must be enabled", "gc"),
        FeatureGate("gc support is not enabled", "gc"),
        FeatureGate("not supported without the gc feature", "gc"),
        FeatureGate("rec group usage requires `gc`", "gc"),
        FeatureGate("heap types not supported", "gc"),
        FeatureGate("function references required", "function-references"),
        FeatureGate("function references support is not enabled", "function-references"),
        FeatureGate(
            "tables with expression initializers require the function-references proposal", "function-references"),
        FeatureGate("threads must be enabled", "threads"),
        FeatureGate("threads support is not enabled", "threads"),
        FeatureGate("tail calls support is not enabled", "tail-call"),
        FeatureGate("relaxed SIMD support is not enabled", "relaxed-simd"),
        FeatureGate("exceptions proposal not enabled", "exception-handling"),
        FeatureGate("exceptions support is not enabled", "exception-handling"),
        FeatureGate("exception refs not supported", "exception-handling"),
        FeatureGate("non-constant operator: i32.add", "extended-const", modulesOnly: true),
        FeatureGate("non-constant operator: i32.sub", "extended-const", modulesOnly: true),
        FeatureGate("non-constant operator: i32.mul", "extended-const", modulesOnly: true),
        FeatureGate("non-constant operator: i64.add", "extended-const", modulesOnly: true),
        FeatureGate("non-constant operator: i64.sub", "extended-const", modulesOnly: true),
        FeatureGate("non-constant operator: i64.mul", "extended-const", modulesOnly: true),
        FeatureGate("global.get of locally defined global", "gc", modulesOnly: true),
    ]

    /// The features the probe tries one at a time on top of `wasm2`, in order: the proposal name
    /// reported, and the `--features` addition that enables it in wasm-tools.
    package static let probes: [(feature: String, flags: String)] = [
        ("memory64", "memory64"),
        ("multi-memory", "multi-memory"),
        ("function-references", "function-references"),
        ("gc", "function-references,gc"),
        ("exception-handling", "exceptions"),
        ("tail-call", "tail-call"),
        ("extended-const", "extended-const"),
        ("relaxed-simd", "relaxed-simd"),
        ("threads", "threads"),
    ]

    /// The supported set as a wasm-tools feature list.
    package static let supportedFlags = "wasm2"

    /// Every feature the suite uses: Wasm 3.0 and threads.
    package static let allFlags = "wasm3,threads"

    init(_ message: String, _ feature: String, modulesOnly: Bool = false) {
        self.message = message
        self.feature = feature
        self.modulesOnly = modulesOnly
    }

    /// The feature a reason names, if it is a gate message; `forValidModule` enables the
    /// `modulesOnly` rows.
    package static func feature(named reason: String, forValidModule: Bool) -> String? {
        table.first { gate in (forValidModule || !gate.modulesOnly) && reason.contains(gate.message) }?.feature
    }
}
