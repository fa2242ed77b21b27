// Function, composite and sub types; limits; table, memory, global and tag types.
//
// <https://webassembly.github.io/spec/core/syntax/types.html>

/// A function type: parameters to results.
public struct FunctionType: Hashable, Sendable, CustomStringConvertible {
    /// Parameter types.
    public var parameters: [ValueType]
    /// Result types.
    public var results: [ValueType]

    /// Creates a function type.
    public init(parameters: [ValueType], results: [ValueType]) {
        self.parameters = parameters
        self.results = results
    }

    public var description: String {
        "[\(parameters.map(\.description).joined(separator: " "))] -> [\(results.map(\.description).joined(separator: " "))]"
    }
}

/// The storage type of a struct field or array element (3.0).
public enum StorageType: Hashable, Sendable {
    case value(ValueType)
    case i8
    case i16
}

/// A struct field or array element type (3.0).
public struct FieldType: Hashable, Sendable {
    /// What the field stores.
    public var storage: StorageType
    /// Whether `struct.set` / `array.set` may change it.
    public var isMutable: Bool
}

/// The shape of a defined type.
public enum CompositeType: Hashable, Sendable {
    case function(FunctionType)
    /// A struct type (3.0): its fields.
    case `struct`([FieldType])
    /// An array type (3.0): its element.
    case array(FieldType)
}

/// A defined type with its place in the subtype hierarchy (3.0). In 2.0 every type is a final
/// function type without supertypes, in a recursion group of its own.
public struct SubType: Hashable, Sendable {
    /// Whether no other type may declare this one as its supertype.
    public var isFinal: Bool
    /// The declared supertypes (at most one).
    public var supertypes: [UInt32]
    /// The type's shape.
    public var composite: CompositeType
    /// The index of the first type of this type's recursion group.
    public var recursionGroupStart: UInt32
    /// The number of types in this type's recursion group.
    public var recursionGroupCount: UInt32

    /// The function type, when this is one.
    public var functionType: FunctionType? {
        if case .function(let type) = composite { return type }
        return nil
    }
}

/// The width of the addresses of a memory or table (memory64 makes it i64).
public enum AddressType: Hashable, Sendable {
    case i32
    case i64

    /// The value type of addresses.
    public var valueType: ValueType { self == .i32 ? .i32 : .i64 }
}

/// The size bounds of a memory (in pages) or table (in elements).
public struct Limits: Hashable, Sendable {
    /// The initial size.
    public var min: UInt64
    /// The largest size, if bounded.
    public var max: UInt64?
    /// Whether the memory is shared between threads (threads proposal).
    public var isShared: Bool
    /// The address type (memory64).
    public var addressType: AddressType

    /// Creates limits.
    public init(min: UInt64, max: UInt64? = nil, isShared: Bool = false, addressType: AddressType = .i32) {
        self.min = min
        self.max = max
        self.isShared = isShared
        self.addressType = addressType
    }
}

/// A memory type.
public struct MemoryType: Hashable, Sendable {
    /// Size bounds in 64 KiB pages.
    public var limits: Limits
}

/// A table type.
public struct TableType: Hashable, Sendable {
    /// The type of the table's elements.
    public var elementType: ReferenceType
    /// Size bounds in elements.
    public var limits: Limits
}

/// A global type.
public struct GlobalType: Hashable, Sendable {
    /// The type of the global's value.
    public var valueType: ValueType
    /// Whether `global.set` may change it.
    public var isMutable: Bool
}

/// A tag type (exception handling, 3.0): the function type of the tag's payload.
public struct TagType: Hashable, Sendable {
    /// Index of a function type with no results.
    public var typeIndex: UInt32
}

/// The type of a block, loop or if.
public enum BlockType: Hashable, Sendable {
    /// No parameters, no results.
    case empty
    /// No parameters, one result.
    case value(ValueType)
    /// Parameters and results of a function type of the module (multi-value).
    case typeIndex(UInt32)
}

/// The immediate of a load or store: alignment (log2 bytes), offset and memory.
public struct MemArg: Hashable, Sendable {
    /// log2 of the promised alignment.
    public var alignmentLog2: UInt32
    /// The constant offset added to the dynamic address.
    public var offset: UInt64
    /// The memory accessed (always 0 without multi-memory).
    public var memory: UInt32
}

/// The targets of a `br_table`: the label depths, the default depth last.
public struct BrTable: Hashable, Sendable {
    /// Label depths for indices 0..<count.
    public var labels: [UInt32]
    /// The label taken for an out-of-range index.
    public var defaultLabel: UInt32
}
