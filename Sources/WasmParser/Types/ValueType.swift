// Value, reference and heap types.
//
// <https://webassembly.github.io/spec/core/syntax/types.html>
//
// The types cover WebAssembly 3.0 (typed function references and GC heap types, exception
// references) so that engines can grow into it; which of them a module may use is decided by the
// enabled `WasmFeatureSet` when decoding.

/// A value type: a number, a vector or a reference.
public enum ValueType: Hashable, Sendable, CustomStringConvertible {
    case i32
    case i64
    case f32
    case f64
    case v128
    case ref(ReferenceType)

    /// `funcref`, the nullable reference to any function.
    public static let funcRef = ValueType.ref(.funcRef)
    /// `externref`, the nullable reference to a host value.
    public static let externRef = ValueType.ref(.externRef)

    /// Whether the type is a number type (i32, i64, f32, f64).
    public var isNumber: Bool {
        switch self {
        case .i32, .i64, .f32, .f64: return true
        case .v128, .ref: return false
        }
    }

    /// Whether a local of this type has a default value (false only for non-nullable references).
    public var isDefaultable: Bool {
        if case .ref(let reference) = self { return reference.isNullable }
        return true
    }

    public var description: String {
        switch self {
        case .i32: return "i32"
        case .i64: return "i64"
        case .f32: return "f32"
        case .f64: return "f64"
        case .v128: return "v128"
        case .ref(let reference): return reference.description
        }
    }
}

/// A reference type: a heap type and whether null is a value of it.
public struct ReferenceType: Hashable, Sendable, CustomStringConvertible {
    /// Whether `ref.null` belongs to the type.
    public var isNullable: Bool
    /// The kind of object referred to.
    public var heapType: HeapType

    /// Creates a reference type.
    public init(isNullable: Bool, heapType: HeapType) {
        self.isNullable = isNullable
        self.heapType = heapType
    }

    /// `funcref`.
    public static let funcRef = ReferenceType(isNullable: true, heapType: .abstract(.func))
    /// `externref`.
    public static let externRef = ReferenceType(isNullable: true, heapType: .abstract(.extern))

    public var description: String {
        switch (isNullable, heapType) {
        case (true, .abstract(.func)): return "funcref"
        case (true, .abstract(.extern)): return "externref"
        case (true, .abstract(.exn)): return "exnref"
        case (true, let heap): return "(ref null \(heap))"
        case (false, let heap): return "(ref \(heap))"
        }
    }
}

/// A heap type: an abstract one (func, extern, any, ...) or a type of the module.
public enum HeapType: Hashable, Sendable, CustomStringConvertible {
    case abstract(AbstractHeapType)
    /// A defined type, by its index in the type section.
    case concrete(typeIndex: UInt32)

    public var description: String {
        switch self {
        case .abstract(let abstract): return abstract.description
        case .concrete(let index): return "\(index)"
        }
    }
}

/// The abstract heap types of WebAssembly 3.0. Only `func` and `extern` exist in 2.0.
public enum AbstractHeapType: UInt8, Hashable, Sendable, CustomStringConvertible {
    case `func`, extern, any, eq, i31, `struct`, array, none, noFunc, noExtern, exn, noExn

    public var description: String {
        switch self {
        case .func: return "func"
        case .extern: return "extern"
        case .any: return "any"
        case .eq: return "eq"
        case .i31: return "i31"
        case .struct: return "struct"
        case .array: return "array"
        case .none: return "none"
        case .noFunc: return "nofunc"
        case .noExtern: return "noextern"
        case .exn: return "exn"
        case .noExn: return "noexn"
        }
    }
}

/// A 128-bit vector value, as its 16 little-endian bytes.
public struct V128: Hashable, Sendable {
    /// The low 64 bits (bytes 0 to 7).
    public var low: UInt64
    /// The high 64 bits (bytes 8 to 15).
    public var high: UInt64

    /// Creates a vector from its two halves.
    public init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    init(bytes: UnsafeBufferPointer<UInt8>) {
        var low: UInt64 = 0
        var high: UInt64 = 0
        for i in 0..<8 {
            low |= UInt64(bytes[i]) << UInt64(8 * i)
            high |= UInt64(bytes[8 + i]) << UInt64(8 * i)
        }
        self.init(low: low, high: high)
    }

    /// Byte `index` (0 to 15).
    public subscript(byte index: Int) -> UInt8 {
        let half = index < 8 ? low : high
        return UInt8(truncatingIfNeeded: half >> UInt64(8 * (index % 8)))
    }
}
