// The WebAssembly features a module may use.

/// A set of WebAssembly proposals. The default, `wasm2`, is WebAssembly 2.0.
public struct WasmFeatureSet: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Import and export of mutable globals.
    public static let mutableGlobals = WasmFeatureSet(rawValue: 1 << 0)
    /// `i32.extend8_s` and friends.
    public static let signExtension = WasmFeatureSet(rawValue: 1 << 1)
    /// `i32.trunc_sat_f32_s` and friends.
    public static let saturatingFloatToInt = WasmFeatureSet(rawValue: 1 << 2)
    /// Several results for functions and blocks, block parameters.
    public static let multiValue = WasmFeatureSet(rawValue: 1 << 3)
    /// funcref/externref values, several tables, table instructions.
    public static let referenceTypes = WasmFeatureSet(rawValue: 1 << 4)
    /// memory.copy/fill/init, table.copy/init, passive segments, data count.
    public static let bulkMemory = WasmFeatureSet(rawValue: 1 << 5)
    /// Fixed-width 128-bit SIMD.
    public static let simd = WasmFeatureSet(rawValue: 1 << 6)

    /// Shared memories and atomics (threads proposal). Not supported by the engines; decoding knows
    /// its limits encoding so that such modules are refused precisely.
    static let threads = WasmFeatureSet(rawValue: 1 << 16)
    /// 64-bit memories and tables (3.0). Not supported by the engines; see `threads`.
    static let memory64 = WasmFeatureSet(rawValue: 1 << 17)

    /// WebAssembly 1.0 (the MVP).
    public static let wasm1: WasmFeatureSet = []
    /// WebAssembly 2.0: the MVP plus the six proposals merged into it and SIMD.
    public static let wasm2: WasmFeatureSet = [
        .mutableGlobals, .signExtension, .saturatingFloatToInt, .multiValue, .referenceTypes, .bulkMemory, .simd,
    ]
}
