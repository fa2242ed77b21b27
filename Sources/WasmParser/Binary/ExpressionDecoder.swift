// Decodes instruction sequences (function bodies and constant expressions) into visitor calls.
//
// <https://webassembly.github.io/spec/core/binary/instructions.html>
//
// The opcode switch is generated from Utilities/Instructions.json (generated/InstructionDecoder.swift);
// this file reads the immediates that the generated code asks for.

/// Decodes instructions from a byte range and hands each to an `InstructionVisitor`.
struct ExpressionDecoder {
    /// The reader, limited to the expression's bytes.
    var reader: ByteReader
    /// Features that opcodes and immediates may use.
    let features: WasmFeatureSet

    func requireFeature(_ feature: WasmFeatureSet) throws(WasmParserError) {
        if !features.contains(feature) {
            throw .malformed("illegal opcode", at: reader.position - 1)
        }
    }

    func illegalOpcode(_ opcode: UInt8) -> WasmParserError {
        .malformed("illegal opcode \(String(opcode, radix: 16))", at: reader.position - 1)
    }

    func illegalOpcode(_ prefix: UInt8, _ subOpcode: UInt32) -> WasmParserError {
        .malformed("illegal opcode \(String(prefix, radix: 16)) \(subOpcode)", at: reader.position - 1)
    }

    // MARK: - Immediates

    /// <https://webassembly.github.io/spec/core/binary/instructions.html#control-instructions>
    mutating func readBlockType() throws(WasmParserError) -> BlockType {
        let byte = try reader.peekByte()
        if byte == 0x40 {
            reader.position += 1
            return .empty
        }
        if byte >= 0x40 && byte < 0x80 {
            // A value type: one negative byte in s33.
            return .value(try readValueType(reader: &reader, features: features))
        }
        let start = reader.position
        let index = try reader.readVarInt(bits: 33)
        guard index >= 0 else { throw .malformed("malformed value type", at: start) }
        guard features.contains(.multiValue) else { throw .malformed("malformed value type", at: start) }
        guard index <= Int64(UInt32.max) else { throw .invalid("unknown type \(index)", at: start) }
        return .typeIndex(UInt32(index))
    }

    mutating func readBrTable() throws(WasmParserError) -> BrTable {
        let count = try reader.readVectorCount()
        var labels: [UInt32] = []
        labels.reserveCapacity(count)
        for _ in 0..<count {
            labels.append(try reader.readVarUInt32())
        }
        return BrTable(labels: labels, defaultLabel: try reader.readVarUInt32())
    }

    /// <https://webassembly.github.io/spec/core/binary/instructions.html#memory-instructions>
    mutating func readMemArg() throws(WasmParserError) -> MemArg {
        let start = reader.position
        let flags = try reader.readVarUInt32()
        var memory: UInt32 = 0
        if flags >= 128 { throw .malformed("malformed memop flags", at: start) }
        if flags >= 64 {
            // Multi-memory (3.0) encodes an explicit memory index after the flags.
            memory = try reader.readVarUInt32()
        }
        let offset = try reader.readVarUInt64()
        return MemArg(alignmentLog2: flags & 63, offset: offset, memory: memory)
    }

    /// A memory index: a reserved zero byte in 2.0, a LEB128 index with multi-memory (3.0).
    mutating func readMemoryIndex() throws(WasmParserError) -> UInt32 {
        try reader.readVarUInt32()
    }

    mutating func readHeapType() throws(WasmParserError) -> HeapType {
        try WasmParser.readHeapType(reader: &reader, features: features)
    }

    /// The type vector of `select t*`: exactly one type.
    mutating func readSelectType() throws(WasmParserError) -> ValueType {
        let start = reader.position
        let count = try reader.readVarUInt32()
        guard count == 1 else { throw .invalid("invalid result arity", at: start) }
        return try readValueType(reader: &reader, features: features)
    }
}

// MARK: - Types
// <https://webassembly.github.io/spec/core/binary/types.html>

/// Reads a value type.
func readValueType(reader: inout ByteReader, features: WasmFeatureSet) throws(WasmParserError) -> ValueType {
    let start = reader.position
    let byte = try reader.readByte()
    switch byte {
    case 0x7F: return .i32
    case 0x7E: return .i64
    case 0x7D: return .f32
    case 0x7C: return .f64
    case 0x7B:
        guard features.contains(.simd) else { break }
        return .v128
    case 0x70:
        guard features.contains(.referenceTypes) else { break }
        return .funcRef
    case 0x6F:
        guard features.contains(.referenceTypes) else { break }
        return .externRef
    default: break
    }
    throw .malformed("malformed value type", at: start)
}

/// Reads a reference type (the element type of tables and element segments).
func readReferenceType(reader: inout ByteReader, features: WasmFeatureSet) throws(WasmParserError) -> ReferenceType {
    let start = reader.position
    let byte = try reader.readByte()
    switch byte {
    case 0x70: return .funcRef
    case 0x6F where features.contains(.referenceTypes): return .externRef
    default: throw .malformed("malformed reference type", at: start)
    }
}

/// Reads the heap type of `ref.null`.
func readHeapType(reader: inout ByteReader, features: WasmFeatureSet) throws(WasmParserError) -> HeapType {
    let start = reader.position
    let byte = try reader.readByte()
    switch byte {
    case 0x70: return .abstract(.func)
    case 0x6F: return .abstract(.extern)
    default: throw .malformed("malformed reference type", at: start)
    }
}
