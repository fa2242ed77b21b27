// Decodes the sections of a module into `Module`.
//
// <https://webassembly.github.io/spec/core/binary/modules.html>
//
// One pass over the input, section by section; every vector count is checked against the bytes
// left before anything is reserved, so a hostile count costs nothing. Function bodies are only
// framed here (locals and byte range); their instructions are decoded by whoever walks them, the
// validator first. Rules of the binary format are checked here and reported as malformed;
// validation rules are left to `ModuleValidator`, except "constant expression required", which
// constant expressions report as they are decoded.

/// Implementation limits, in the spirit of the JS embedding's: they bound memory and time on
/// hostile input well above what real modules use.
public enum ParserLimits {
    /// Types in the type section.
    public static let maxTypes = 1_000_000
    /// Functions, imports, exports, globals, segments, tables, memories.
    public static let maxEntries = 1_000_000
    /// Parameters or results of one function type.
    public static let maxFunctionArity = 1_000
    /// Locals of one function, parameters included.
    public static let maxLocals = 50_000
    /// Nesting depth of blocks in one function.
    public static let maxNestingDepth = 10_000
    /// Elements in one element segment.
    public static let maxSegmentItems = 10_000_000
}

/// Section ids. <https://webassembly.github.io/spec/core/binary/modules.html#sections>
enum SectionID: UInt8 {
    case custom = 0, type, `import`, function, table, memory, global, export, start, element, code, data
    case dataCount = 12
    case tag = 13

    /// The position in the required section order (custom sections go anywhere).
    var order: Int {
        switch self {
        case .custom: return 0
        case .type: return 1
        case .import: return 2
        case .function: return 3
        case .table: return 4
        case .memory: return 5
        case .tag: return 6
        case .global: return 7
        case .export: return 8
        case .start: return 9
        case .element: return 10
        case .dataCount: return 11
        case .code: return 12
        case .data: return 13
        }
    }
}

struct ModuleParser {
    var reader: ByteReader
    var module: Module
    let features: WasmFeatureSet
    /// Function indices referenced outside function bodies (C.refs): `ref.func` may use only these.
    var declaredFunctionReferences: Set<UInt32> = []

    init(reader: ByteReader, bytes: [UInt8], features: WasmFeatureSet) {
        self.reader = reader
        self.module = Module(bytes: bytes, features: features)
        self.features = features
    }

    // MARK: - Module
    // <https://webassembly.github.io/spec/core/binary/modules.html#binary-module>

    mutating func parse() throws(WasmParserError) -> Module {
        let magic = reader.remaining >= 4 ? try reader.readUInt32LittleEndian() : 0
        guard magic == 0x6D73_6100 else { throw .malformed("magic header not detected", at: 0) }
        guard reader.remaining >= 4 else { throw .malformed("unexpected end", at: reader.position) }
        let version = try reader.readUInt32LittleEndian()
        guard version == 1 else { throw .malformed("unknown binary version", at: 4) }

        var lastOrder = 0
        var functionCount: Int?
        var sawCode = false
        while !reader.isAtEnd {
            let sectionStart = reader.position
            let idByte = try reader.readByte()
            guard let id = SectionID(rawValue: idByte), id != .tag else {
                throw .malformed("malformed section id", at: sectionStart)
            }
            let size = Int(try reader.readVarUInt32())
            guard size <= reader.remaining else {
                throw .malformed("length out of bounds", at: sectionStart)
            }
            let end = reader.position + size
            if id != .custom {
                guard id.order > lastOrder else {
                    throw .malformed("unexpected content after last section", at: sectionStart)
                }
                lastOrder = id.order
            }
            var section = reader
            section.limit = end
            try parseSection(id, reader: &section, functionCount: &functionCount, sawCode: &sawCode)
            guard section.position == end else {
                throw .malformed("section size mismatch", at: section.position)
            }
            reader.position = end
        }
        if (functionCount ?? 0) != module.functionBodies.count {
            throw .malformed("function and code section have inconsistent lengths", at: reader.position)
        }
        if let dataCount = module.dataCount, Int(dataCount) != module.data.count {
            throw .malformed("data count and data section have inconsistent lengths", at: reader.position)
        }
        _ = sawCode
        return module
    }

    mutating func parseSection(
        _ id: SectionID, reader section: inout ByteReader, functionCount: inout Int?, sawCode: inout Bool
    ) throws(WasmParserError) {
        switch id {
        case .custom: try parseCustomSection(&section)
        case .type: try parseTypeSection(&section)
        case .import: try parseImportSection(&section)
        case .function:
            try parseFunctionSection(&section)
            functionCount = module.functionTypeIndices.count
        case .table: try parseTableSection(&section)
        case .memory: try parseMemorySection(&section)
        case .tag: break  // refused above: exception handling is outside the supported set
        case .global: try parseGlobalSection(&section)
        case .export: try parseExportSection(&section)
        case .start: module.start = try section.readVarUInt32()
        case .element: try parseElementSection(&section)
        case .dataCount: module.dataCount = try section.readVarUInt32()
        case .code:
            sawCode = true
            try parseCodeSection(&section, expectedCount: functionCount ?? 0)
        case .data: try parseDataSection(&section)
        }
    }

    /// Reads a section's vector count, bounded by `limit` and by the bytes left.
    func readCount(_ reader: inout ByteReader, limit: Int = ParserLimits.maxEntries, what: String)
        throws(WasmParserError) -> Int
    {
        let start = reader.position
        let count = try reader.readVectorCount()
        guard count <= limit else { throw .malformed("too many \(what)", at: start) }
        return count
    }

    // MARK: - Custom sections
    // <https://webassembly.github.io/spec/core/appendix/custom.html>

    mutating func parseCustomSection(_ reader: inout ByteReader) throws(WasmParserError) {
        let name = try reader.readName()
        let range = reader.position..<reader.limit
        reader.position = reader.limit
        if name == "name" {
            // A malformed name section is ignored, as the spec's appendix allows.
            var nameReader = reader
            nameReader.position = range.lowerBound
            if let names = try? NameSectionParser.parse(&nameReader) {
                module.names = names
            }
        } else {
            module.customSections.append(CustomSection(name: name, range: range))
        }
    }

    // MARK: - Types
    // <https://webassembly.github.io/spec/core/binary/modules.html#type-section>

    mutating func parseTypeSection(_ reader: inout ByteReader) throws(WasmParserError) {
        let count = try readCount(&reader, limit: ParserLimits.maxTypes, what: "types")
        module.types.reserveCapacity(count)
        for _ in 0..<count {
            let start = reader.position
            let form = try reader.readByte()
            guard form == 0x60 else { throw .malformed("malformed function type", at: start) }
            let parameters = try readResultType(&reader)
            let results = try readResultType(&reader)
            if results.count > 1 && !features.contains(.multiValue) {
                throw .invalid("invalid result arity", at: start)
            }
            let index = UInt32(module.types.count)
            module.types.append(
                SubType(
                    isFinal: true, supertypes: [],
                    composite: .function(FunctionType(parameters: parameters, results: results)),
                    recursionGroupStart: index, recursionGroupCount: 1))
        }
    }

    func readResultType(_ reader: inout ByteReader) throws(WasmParserError) -> [ValueType] {
        let count = try readCount(&reader, limit: ParserLimits.maxFunctionArity, what: "parameters or results")
        var types: [ValueType] = []
        types.reserveCapacity(count)
        for _ in 0..<count {
            types.append(try readValueType(reader: &reader, features: features))
        }
        return types
    }

    // MARK: - Imports
    // <https://webassembly.github.io/spec/core/binary/modules.html#import-section>

    mutating func parseImportSection(_ reader: inout ByteReader) throws(WasmParserError) {
        let count = try readCount(&reader, what: "imports")
        for _ in 0..<count {
            let moduleName = try reader.readName()
            let name = try reader.readName()
            let kindOffset = reader.position
            let kind = try reader.readByte()
            let descriptor: ImportDescriptor
            switch kind {
            case 0x00: descriptor = .function(typeIndex: try reader.readVarUInt32())
            case 0x01: descriptor = .table(try readTableType(&reader))
            case 0x02: descriptor = .memory(try readMemoryType(&reader))
            case 0x03: descriptor = .global(try readGlobalType(&reader))
            default: throw .malformed("malformed import kind", at: kindOffset)
            }
            module.addImport(Import(module: moduleName, name: name, descriptor: descriptor))
        }
    }

    // MARK: - Functions, tables, memories, globals, tags

    mutating func parseFunctionSection(_ reader: inout ByteReader) throws(WasmParserError) {
        let count = try readCount(&reader, what: "functions")
        module.functionTypeIndices.reserveCapacity(count)
        for _ in 0..<count {
            module.addFunction(typeIndex: try reader.readVarUInt32())
        }
    }

    mutating func parseTableSection(_ reader: inout ByteReader) throws(WasmParserError) {
        let count = try readCount(&reader, what: "tables")
        for _ in 0..<count {
            module.addTable(Table(type: try readTableType(&reader), initializer: nil))
        }
    }

    mutating func parseMemorySection(_ reader: inout ByteReader) throws(WasmParserError) {
        let count = try readCount(&reader, what: "memories")
        for _ in 0..<count {
            module.addMemory(try readMemoryType(&reader))
        }
    }

    mutating func parseGlobalSection(_ reader: inout ByteReader) throws(WasmParserError) {
        let count = try readCount(&reader, what: "globals")
        for _ in 0..<count {
            let type = try readGlobalType(&reader)
            let initializer = try readConstantExpression(&reader)
            module.addGlobal(Global(type: type, initializer: initializer))
        }
    }

    func readTableType(_ reader: inout ByteReader) throws(WasmParserError) -> TableType {
        let elementType = try readReferenceType(reader: &reader, features: features)
        let limits = try readLimits(&reader, isMemory: false)
        return TableType(elementType: elementType, limits: limits)
    }

    func readMemoryType(_ reader: inout ByteReader) throws(WasmParserError) -> MemoryType {
        MemoryType(limits: try readLimits(&reader, isMemory: true))
    }

    /// <https://webassembly.github.io/spec/core/binary/types.html#limits>
    /// Limits in 3.0's encoding: a flags byte (bit 0: a maximum follows, bit 1: shared, bit 2: 64-bit
    /// addresses), then the bounds. Shared memories (threads) and 64-bit addresses (memory64) are
    /// decoded so that the validator can report them precisely; they are refused as invalid when
    /// their feature is disabled.
    func readLimits(_ reader: inout ByteReader, isMemory: Bool) throws(WasmParserError) -> Limits {
        let start = reader.position
        let flags = try reader.readByte()
        let allowed: UInt8 = isMemory ? 0b111 : 0b101
        guard flags & ~allowed == 0 else { throw .malformed("malformed limits flags", at: start) }
        let is64 = flags & 0b100 != 0
        let min = is64 ? try reader.readVarUInt64() : UInt64(try reader.readVarUInt32())
        var max: UInt64?
        if flags & 1 != 0 {
            max = is64 ? try reader.readVarUInt64() : UInt64(try reader.readVarUInt32())
        }
        return Limits(min: min, max: max, isShared: flags & 0b10 != 0, addressType: is64 ? .i64 : .i32)
    }

    func readGlobalType(_ reader: inout ByteReader) throws(WasmParserError) -> GlobalType {
        let valueType = try readValueType(reader: &reader, features: features)
        let start = reader.position
        let mutability = try reader.readByte()
        guard mutability <= 1 else { throw .malformed("malformed mutability", at: start) }
        return GlobalType(valueType: valueType, isMutable: mutability == 1)
    }

    // MARK: - Exports
    // <https://webassembly.github.io/spec/core/binary/modules.html#export-section>

    mutating func parseExportSection(_ reader: inout ByteReader) throws(WasmParserError) {
        let count = try readCount(&reader, what: "exports")
        module.exports.reserveCapacity(count)
        for _ in 0..<count {
            let name = try reader.readName()
            let kindOffset = reader.position
            let kind = try reader.readByte()
            let index = try reader.readVarUInt32()
            let descriptor: ExportDescriptor
            switch kind {
            case 0x00:
                descriptor = .function(index)
                declaredFunctionReferences.insert(index)
            case 0x01: descriptor = .table(index)
            case 0x02: descriptor = .memory(index)
            case 0x03: descriptor = .global(index)
            default: throw .malformed("malformed export kind", at: kindOffset)
            }
            module.exports.append(Export(name: name, descriptor: descriptor))
        }
    }

    // MARK: - Element segments
    // <https://webassembly.github.io/spec/core/binary/modules.html#element-section>

    mutating func parseElementSection(_ reader: inout ByteReader) throws(WasmParserError) {
        let count = try readCount(&reader, what: "element segments")
        for _ in 0..<count {
            let start = reader.position
            let flags = try reader.readVarUInt32()
            guard flags <= 7 else { throw .malformed("malformed elements segment kind", at: start) }
            if flags != 0 && !features.contains(.bulkMemory) && !features.contains(.referenceTypes) {
                throw .malformed("malformed elements segment kind", at: start)
            }
            let isPassiveOrDeclarative = flags & 1 != 0
            let hasExplicitTable = flags & 2 != 0
            let usesExpressions = flags & 4 != 0
            var mode: ElementMode
            if isPassiveOrDeclarative {
                mode = hasExplicitTable ? .declarative : .passive
            } else {
                let table = hasExplicitTable ? try reader.readVarUInt32() : 0
                mode = .active(table: table, offset: try readConstantExpression(&reader))
            }
            var type = ReferenceType.funcRef
            if isPassiveOrDeclarative || hasExplicitTable {
                if usesExpressions {
                    type = try readReferenceType(reader: &reader, features: features)
                } else {
                    let kindOffset = reader.position
                    guard try reader.readByte() == 0x00 else {
                        throw .malformed("malformed element kind", at: kindOffset)
                    }
                }
            }
            let itemCount = try readCount(&reader, limit: ParserLimits.maxSegmentItems, what: "elements")
            var items: [ConstantExpression] = []
            items.reserveCapacity(itemCount)
            for _ in 0..<itemCount {
                if usesExpressions {
                    items.append(try readConstantExpression(&reader))
                } else {
                    let offset = reader.position
                    let index = try reader.readVarUInt32()
                    declaredFunctionReferences.insert(index)
                    items.append(ConstantExpression(instructions: [.refFunc(functionIndex: index)], offset: offset))
                }
            }
            module.elements.append(ElementSegment(mode: mode, type: type, items: items))
        }
    }

    // MARK: - Code
    // <https://webassembly.github.io/spec/core/binary/modules.html#code-section>

    mutating func parseCodeSection(_ reader: inout ByteReader, expectedCount: Int) throws(WasmParserError) {
        let countOffset = reader.position
        let count = try readCount(&reader, what: "functions")
        guard count == expectedCount else {
            throw .malformed("function and code section have inconsistent lengths", at: countOffset)
        }
        module.functionBodies.reserveCapacity(count)
        for _ in 0..<count {
            let offset = reader.position
            let size = Int(try reader.readVarUInt32())
            guard size <= reader.remaining else { throw reader.unexpectedEnd() }
            let end = reader.position + size
            var body = reader
            body.limit = end
            let localGroupCount = try readCount(&body, what: "local declarations")
            var locals: [LocalDeclaration] = []
            locals.reserveCapacity(localGroupCount)
            var localCount = 0
            for _ in 0..<localGroupCount {
                let countStart = body.position
                let groupCount = try body.readVarUInt32()
                localCount += Int(groupCount)
                guard localCount <= ParserLimits.maxLocals else {
                    throw .malformed("too many locals", at: countStart)
                }
                let type = try readValueType(reader: &body, features: features)
                locals.append(LocalDeclaration(count: groupCount, type: type))
            }
            guard body.position < end else { throw body.unexpectedEnd() }
            module.functionBodies.append(
                FunctionBody(locals: locals, localCount: localCount, instructionRange: body.position..<end, offset: offset))
            reader.position = end
        }
    }

    // MARK: - Data
    // <https://webassembly.github.io/spec/core/binary/modules.html#data-section>

    mutating func parseDataSection(_ reader: inout ByteReader) throws(WasmParserError) {
        let count = try readCount(&reader, what: "data segments")
        for _ in 0..<count {
            let start = reader.position
            let flags = try reader.readVarUInt32()
            let mode: DataMode
            switch flags {
            case 0: mode = .active(memory: 0, offset: try readConstantExpression(&reader))
            case 1 where features.contains(.bulkMemory): mode = .passive
            case 2 where features.contains(.bulkMemory):
                let memory = try reader.readVarUInt32()
                mode = .active(memory: memory, offset: try readConstantExpression(&reader))
            default: throw .malformed("malformed data segment kind", at: start)
            }
            let length = Int(try reader.readVarUInt32())
            let range = try reader.readBytes(length)
            module.data.append(DataSegment(mode: mode, range: range))
        }
    }

    // MARK: - Constant expressions
    // <https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions>

    mutating func readConstantExpression(_ reader: inout ByteReader) throws(WasmParserError) -> ConstantExpression {
        let offset = reader.position
        var decoder = ExpressionDecoder(reader: reader, features: features)
        var collector = ConstantExpressionCollector(features: features)
        while !collector.isFinished {
            collector.offset = decoder.reader.position
            try decoder.decodeInstruction(into: &collector)
        }
        reader.position = decoder.reader.position
        for case .refFunc(let index) in collector.instructions {
            declaredFunctionReferences.insert(index)
        }
        return ConstantExpression(instructions: collector.instructions, offset: offset)
    }
}

/// Collects the instructions of a constant expression; any other instruction is refused.
struct ConstantExpressionCollector: DefaultInstructionVisitor {
    let features: WasmFeatureSet
    var instructions: [ConstantInstruction] = []
    var isFinished = false
    var offset = 0

    init(features: WasmFeatureSet) {
        self.features = features
    }

    mutating func visitDefault(name: String) throws(WasmParserError) {
        throw .invalid("constant expression required", at: offset)
    }

    mutating func visitEnd() throws(WasmParserError) { isFinished = true }
    mutating func visitI32Const(value: Int32) throws(WasmParserError) { instructions.append(.i32Const(value)) }
    mutating func visitI64Const(value: Int64) throws(WasmParserError) { instructions.append(.i64Const(value)) }
    mutating func visitF32Const(value: UInt32) throws(WasmParserError) { instructions.append(.f32Const(value)) }
    mutating func visitF64Const(value: UInt64) throws(WasmParserError) { instructions.append(.f64Const(value)) }
    mutating func visitV128Const(value: V128) throws(WasmParserError) { instructions.append(.v128Const(value)) }
    mutating func visitRefNull(type: HeapType) throws(WasmParserError) { instructions.append(.refNull(type)) }
    mutating func visitRefFunc(functionIndex: UInt32) throws(WasmParserError) {
        instructions.append(.refFunc(functionIndex: functionIndex))
    }
    mutating func visitGlobalGet(globalIndex: UInt32) throws(WasmParserError) {
        instructions.append(.globalGet(globalIndex: globalIndex))
    }
    mutating func visitBinary(_ instruction: Instruction.Binary) throws(WasmParserError) {
        // Extended constant expressions (3.0) are outside the supported feature set.
        try visitDefault(name: instruction.name)
    }
}
