// The runtime ABI as the lowering sees it: instance field offsets and the builtins generated code
// calls. Mirrors Sources/RuntimeSupport/include/w2n_runtime.h; RuntimeABITests check that the two
// agree.

import CLLVM

/// Offsets and builtins of the runtime ABI.
public enum RuntimeABI {
    /// Byte offsets of `struct w2n_instance` fields.
    public enum InstanceOffset {
        public static let memory0 = 0
        public static let memories = 8
        public static let tables = 16
        public static let globals = 24
        public static let functions = 32
        public static let typeIDs = 40
        public static let elems = 48
        public static let dataDropped = 56
        public static let module = 64
        public static let wasi = 72
        public static let host = 80
    }

    /// Byte offsets of `struct w2n_memory` fields.
    public enum MemoryOffset {
        public static let data = 0
        public static let sizeBytes = 8
        public static let pages = 16
    }

    /// Byte offsets of `struct w2n_table` fields.
    public enum TableOffset {
        public static let elements = 0
        public static let size = 8
    }

    /// Byte offsets of `struct w2n_funcref` fields.
    public enum FuncRefOffset {
        public static let code = 0
        public static let typeID = 8
        public static let instance = 16
    }

    /// The bytes of `struct w2n_memory` that generated code reads: its fields up to `pages`,
    /// rounded up to 8 (the struct is larger).
    public static let memoryDescriptorSize = MemoryOffset.pages + 8

    /// Size of a global cell (`w2n_value`).
    public static let valueSize = 16

    /// Byte offset from the instance of the cell of global `index` when the module defines it (not
    /// an import): the runtime puts the module's own cells right before the instance, in one
    /// allocation with it, so generated code reaches them without loads.
    public static func ownGlobalCellOffset(_ index: Int, globalCount: Int) -> Int {
        -valueSize * (globalCount - index)
    }

    /// Trap codes (`enum w2n_trap_code`); messages are the spec's strings.
    public enum TrapCode: UInt32, CaseIterable, Sendable {
        case unreachable = 1
        case outOfBoundsMemory = 2
        case integerDivideByZero = 3
        case integerOverflow = 4
        case invalidConversion = 5
        case indirectCallTypeMismatch = 6
        case undefinedElement = 7
        case uninitializedElement = 8
        case outOfBoundsTable = 9
        case callStackExhausted = 10
        case nullReference = 11
        case unresolvedImport = 14

        /// The spec's message.
        public var message: String {
            switch self {
            case .unreachable: return "unreachable"
            case .outOfBoundsMemory: return "out of bounds memory access"
            case .integerDivideByZero: return "integer divide by zero"
            case .integerOverflow: return "integer overflow"
            case .invalidConversion: return "invalid conversion to integer"
            case .indirectCallTypeMismatch: return "indirect call type mismatch"
            case .undefinedElement: return "undefined element"
            case .uninitializedElement: return "uninitialized element"
            case .outOfBoundsTable: return "out of bounds table access"
            case .callStackExhausted: return "call stack exhausted"
            case .nullReference: return "null reference"
            case .unresolvedImport: return "unresolved import called"
            }
        }
    }

    /// A runtime function that generated code calls.
    struct Builtin: Sendable {
        /// The C types builtins use.
        enum CType: Sendable {
            case void, i32, ptr
        }

        let name: String
        let result: CType
        let parameters: [CType]
        var isNoReturn = false
    }

    /// Every builtin, by name (the one list; tests link each against RuntimeSupport).
    static let builtins: [Builtin] = [
        Builtin(name: "w2n_trap", result: .void, parameters: [.i32], isNoReturn: true),
        Builtin(name: "w2n_memory_grow", result: .i32, parameters: [.ptr, .i32, .i32]),
        Builtin(name: "w2n_memory_fill", result: .void, parameters: [.ptr, .i32, .i32, .i32, .i32]),
        Builtin(name: "w2n_memory_copy", result: .void, parameters: [.ptr, .i32, .i32, .i32, .i32, .i32]),
        Builtin(name: "w2n_memory_init", result: .void, parameters: [.ptr, .i32, .i32, .i32, .i32, .i32]),
        Builtin(name: "w2n_data_drop", result: .void, parameters: [.ptr, .i32]),
        Builtin(name: "w2n_table_get", result: .ptr, parameters: [.ptr, .i32, .i32]),
        Builtin(name: "w2n_table_set", result: .void, parameters: [.ptr, .i32, .i32, .ptr]),
        Builtin(name: "w2n_table_size", result: .i32, parameters: [.ptr, .i32]),
        Builtin(name: "w2n_table_grow", result: .i32, parameters: [.ptr, .i32, .ptr, .i32]),
        Builtin(name: "w2n_table_fill", result: .void, parameters: [.ptr, .i32, .i32, .ptr, .i32]),
        Builtin(name: "w2n_table_copy", result: .void, parameters: [.ptr, .i32, .i32, .i32, .i32, .i32]),
        Builtin(name: "w2n_table_init", result: .void, parameters: [.ptr, .i32, .i32, .i32, .i32, .i32]),
        Builtin(name: "w2n_elem_drop", result: .void, parameters: [.ptr, .i32]),
    ]
}
