// The decoded module: the typed IR that validation, Lowering and the Interpreter read.
//
// <https://webassembly.github.io/spec/core/syntax/modules.html>
//
// Function bodies are not decoded into trees: each keeps the byte range of its instructions in
// `bytes`, and engines stream them through an `InstructionVisitor` (see `FunctionBody`).

/// A decoded WebAssembly module.
public struct Module: Sendable {
    /// The module's binary, which function bodies, data segments and custom sections point into.
    public let bytes: [UInt8]
    /// The feature set it was decoded with.
    public var features: WasmFeatureSet
    /// Defined types, in index order (recursion groups flattened).
    public var types: [SubType] = []
    /// Imports, in order.
    public var imports: [Import] = []
    /// Type indices of the functions the module defines (the function section).
    public var functionTypeIndices: [UInt32] = []
    /// Tables the module defines.
    public var tables: [Table] = []
    /// Memories the module defines.
    public var memories: [MemoryType] = []
    /// Tags the module defines (exception handling, 3.0).
    public var tags: [TagType] = []
    /// Globals the module defines.
    public var globals: [Global] = []
    /// Exports, in order.
    public var exports: [Export] = []
    /// The start function, if any.
    public var start: UInt32?
    /// Element segments.
    public var elements: [ElementSegment] = []
    /// The data count section's value, if present.
    public var dataCount: UInt32?
    /// Bodies of the defined functions (the code section), parallel to `functionTypeIndices`.
    public var functionBodies: [FunctionBody] = []
    /// Data segments.
    public var data: [DataSegment] = []
    /// The name section, if present and well-formed.
    public var names: NameSection = NameSection()
    /// Custom sections other than `name`, in order.
    public var customSections: [CustomSection] = []

    // Index spaces: imports come first.
    /// Types of every function, imported ones first.
    public private(set) var functionTypes: [UInt32] = []
    /// Types of every table, imported ones first.
    public private(set) var tableTypes: [TableType] = []
    /// Types of every memory, imported ones first.
    public private(set) var memoryTypes: [MemoryType] = []
    /// Types of every global, imported ones first.
    public private(set) var globalTypes: [GlobalType] = []
    /// Types of every tag, imported ones first.
    public private(set) var tagTypes: [TagType] = []
    /// The number of imported functions (the index of the first defined function).
    public private(set) var importedFunctionCount = 0
    /// The number of imported globals.
    public private(set) var importedGlobalCount = 0

    init(bytes: [UInt8], features: WasmFeatureSet) {
        self.bytes = bytes
        self.features = features
    }

    /// The function type with index `typeIndex`, if it is one.
    public func functionType(at typeIndex: UInt32) -> FunctionType? {
        guard Int(typeIndex) < types.count else { return nil }
        return types[Int(typeIndex)].functionType
    }

    /// The type of function `functionIndex` (in the function index space).
    public func typeOfFunction(_ functionIndex: UInt32) -> FunctionType? {
        guard Int(functionIndex) < functionTypes.count else { return nil }
        return functionType(at: functionTypes[Int(functionIndex)])
    }

    /// The bytes of a data segment.
    public func bytes(of segment: DataSegment) -> ArraySlice<UInt8> {
        bytes[segment.range]
    }

    /// The bytes of a custom section's payload.
    public func bytes(of section: CustomSection) -> ArraySlice<UInt8> {
        bytes[section.range]
    }

    // MARK: - Index spaces

    mutating func addImport(_ entry: Import) {
        imports.append(entry)
        switch entry.descriptor {
        case .function(let typeIndex):
            functionTypes.append(typeIndex)
            importedFunctionCount += 1
        case .table(let type): tableTypes.append(type)
        case .memory(let type): memoryTypes.append(type)
        case .global(let type):
            globalTypes.append(type)
            importedGlobalCount += 1
        case .tag(let type): tagTypes.append(type)
        }
    }

    mutating func addFunction(typeIndex: UInt32) {
        functionTypeIndices.append(typeIndex)
        functionTypes.append(typeIndex)
    }

    mutating func addTable(_ table: Table) {
        tables.append(table)
        tableTypes.append(table.type)
    }

    mutating func addMemory(_ memory: MemoryType) {
        memories.append(memory)
        memoryTypes.append(memory)
    }

    mutating func addGlobal(_ global: Global) {
        globals.append(global)
        globalTypes.append(global.type)
    }

    mutating func addTag(_ tag: TagType) {
        tags.append(tag)
        tagTypes.append(tag)
    }
}

/// What an import brings in.
public enum ImportDescriptor: Hashable, Sendable {
    case function(typeIndex: UInt32)
    case table(TableType)
    case memory(MemoryType)
    case global(GlobalType)
    case tag(TagType)
}

/// An import: module name, field name and what it is.
public struct Import: Hashable, Sendable {
    /// The module name (`wasi_snapshot_preview1`, say).
    public var module: String
    /// The field name.
    public var name: String
    /// The kind and type.
    public var descriptor: ImportDescriptor
}

/// What an export refers to.
public enum ExportDescriptor: Hashable, Sendable {
    case function(UInt32)
    case table(UInt32)
    case memory(UInt32)
    case global(UInt32)
    case tag(UInt32)
}

/// An export: a name and an index in one of the index spaces.
public struct Export: Hashable, Sendable {
    /// The exported name (unique in the module).
    public var name: String
    /// What is exported.
    public var descriptor: ExportDescriptor
}

/// A table the module defines, with its initial element (3.0 allows an initializer expression).
public struct Table: Hashable, Sendable {
    /// The table's type.
    public var type: TableType
    /// The value every element starts with; `nil` means `ref.null` of the element type.
    public var initializer: ConstantExpression?
}

/// A global the module defines.
public struct Global: Hashable, Sendable {
    /// The global's type.
    public var type: GlobalType
    /// Its initial value.
    public var initializer: ConstantExpression
}

/// A constant expression, as the list of its instructions (without the final `end`).
public struct ConstantExpression: Hashable, Sendable {
    /// The instructions, in order.
    public var instructions: [ConstantInstruction]
    /// Byte offset of the expression in the module.
    public var offset: Int
}

/// An instruction allowed in a constant expression.
public enum ConstantInstruction: Hashable, Sendable {
    case i32Const(Int32)
    case i64Const(Int64)
    /// The bit pattern of an f32.
    case f32Const(UInt32)
    /// The bit pattern of an f64.
    case f64Const(UInt64)
    case v128Const(V128)
    case refNull(HeapType)
    case refFunc(functionIndex: UInt32)
    case globalGet(globalIndex: UInt32)
    /// `i32.add`, `i64.mul`, ... (extended constant expressions, 3.0).
    case binary(Instruction.Binary)
}

/// How an element segment is used.
public enum ElementMode: Hashable, Sendable {
    /// Copied into a table by `table.init`.
    case passive
    /// Copied into `table` at `offset` when the module is instantiated.
    case active(table: UInt32, offset: ConstantExpression)
    /// Only declares function references for `ref.func`.
    case declarative
}

/// An element segment.
public struct ElementSegment: Hashable, Sendable {
    /// Passive, active or declarative.
    public var mode: ElementMode
    /// The type of the elements.
    public var type: ReferenceType
    /// The elements, each a constant expression (function indices become `ref.func`).
    public var items: [ConstantExpression]
}

/// How a data segment is used.
public enum DataMode: Hashable, Sendable {
    /// Copied into a memory by `memory.init`.
    case passive
    /// Copied into `memory` at `offset` when the module is instantiated.
    case active(memory: UInt32, offset: ConstantExpression)
}

/// A data segment.
public struct DataSegment: Hashable, Sendable {
    /// Passive or active.
    public var mode: DataMode
    /// The bytes, as a range of `Module.bytes`.
    public var range: Range<Int>
}

/// A run of locals of one type, as declared in a function body.
public struct LocalDeclaration: Hashable, Sendable {
    /// How many locals.
    public var count: UInt32
    /// Their type.
    public var type: ValueType
}

/// A function body: its local declarations and where its instructions are.
public struct FunctionBody: Hashable, Sendable {
    /// Local declarations (parameters not included).
    public var locals: [LocalDeclaration]
    /// The number of declared locals (parameters not included).
    public var localCount: Int
    /// Byte range of the instructions, from the first one to the final `end` included.
    public var instructionRange: Range<Int>
    /// Byte offset of the body (its size field) in the module.
    public var offset: Int
}

/// A custom section.
public struct CustomSection: Hashable, Sendable {
    /// The section's name.
    public var name: String
    /// The payload, as a range of `Module.bytes`.
    public var range: Range<Int>
}

/// The contents of the `name` custom section.
public struct NameSection: Hashable, Sendable {
    /// The module's name.
    public var moduleName: String?
    /// Function names by function index.
    public var functionNames: [UInt32: String] = [:]
    /// Local names by function index, then local index.
    public var localNames: [UInt32: [UInt32: String]] = [:]
}
