import TestSupport
import Testing

@testable import WasmParser

@Suite struct LEB128Tests {
    func read<T>(_ bytes: [UInt8], _ body: (inout ByteReader) throws(WasmParserError) -> T) throws(WasmParserError) -> T {
        try withByteReader(bytes) { (reader: inout ByteReader) throws(WasmParserError) in
            let value = try body(&reader)
            #expect(reader.isAtEnd)
            return value
        }
    }

    @Test func unsigned32() throws {
        #expect(try read([0x00]) { r throws(WasmParserError) in try r.readVarUInt32() } == 0)
        #expect(try read([0xE5, 0x8E, 0x26]) { r throws(WasmParserError) in try r.readVarUInt32() } == 624_485)
        #expect(try read([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) { r throws(WasmParserError) in try r.readVarUInt32() } == .max)
        // overlong but within 5 bytes is fine
        #expect(try read([0x80, 0x80, 0x80, 0x80, 0x00]) { r throws(WasmParserError) in try r.readVarUInt32() } == 0)
        #expect(throws: WasmParserError.malformed("integer too large", at: 4)) {
            try read([0xFF, 0xFF, 0xFF, 0xFF, 0x1F]) { r throws(WasmParserError) in try r.readVarUInt32() }
        }
        #expect(throws: WasmParserError.malformed("integer representation too long", at: 4)) {
            try read([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]) { r throws(WasmParserError) in try r.readVarUInt32() }
        }
        #expect(throws: WasmParserError.malformed("unexpected end", at: 2)) {
            try read([0x80, 0x80]) { r throws(WasmParserError) in try r.readVarUInt32() }
        }
    }

    @Test func signed32() throws {
        for value: Int32 in [0, 1, -1, 63, -64, 64, -65, 624_485, .max, .min] {
            #expect(try read(sleb(Int64(value))) { r throws(WasmParserError) in try r.readVarInt32() } == value)
        }
        // 5-byte encodings: the unused bits must repeat the sign bit
        #expect(try read([0xFF, 0xFF, 0xFF, 0xFF, 0x7F]) { r throws(WasmParserError) in try r.readVarInt32() } == -1)
        #expect(try read([0x80, 0x80, 0x80, 0x80, 0x78]) { r throws(WasmParserError) in try r.readVarInt32() } == .min)
        #expect(throws: WasmParserError.malformed("integer too large", at: 4)) {
            try read([0xFF, 0xFF, 0xFF, 0xFF, 0x4F]) { r throws(WasmParserError) in try r.readVarInt32() }
        }
        #expect(throws: WasmParserError.malformed("integer too large", at: 4)) {
            try read([0x80, 0x80, 0x80, 0x80, 0x70]) { r throws(WasmParserError) in try r.readVarInt32() }
        }
    }

    @Test func signed64AndUnsigned64() throws {
        for value: Int64 in [0, -1, .max, .min, 1 << 40, -(1 << 40)] {
            #expect(try read(sleb(value)) { r throws(WasmParserError) in try r.readVarInt64() } == value)
        }
        #expect(try read(uleb(.max)) { r throws(WasmParserError) in try r.readVarUInt64() } == .max)
        #expect(throws: WasmParserError.malformed("integer too large", at: 9)) {
            try read([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02]) { r throws(WasmParserError) in
                try r.readVarUInt64()
            }
        }
        #expect(throws: WasmParserError.malformed("integer too large", at: 9)) {
            try read([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x41]) { r throws(WasmParserError) in
                try r.readVarInt64()
            }
        }
    }

    @Test func signed33BlockTypeIndices() throws {
        #expect(try read([0x80, 0x80, 0x80, 0x80, 0x0F]) { r throws(WasmParserError) in try r.readVarInt(bits: 33) } == 0xF000_0000)
        #expect(throws: WasmParserError.malformed("integer too large", at: 4)) {
            try read([0x80, 0x80, 0x80, 0x80, 0x20]) { r throws(WasmParserError) in try r.readVarInt(bits: 33) }
        }
    }
}

@Suite struct InstructionTableTests {
    @Test func everyGroupedInstructionHasANameAndTypes() {
        // Spot checks that the generated table agrees with the spec.
        #expect(Instruction.Binary.i32DivS.name == "i32.div_s")
        #expect(Instruction.Binary.i32DivS.operandTypes == [.i32, .i32])
        #expect(Instruction.Conversion.i64TruncSatF32U.operandTypes == [.f32])
        #expect(Instruction.Conversion.i64TruncSatF32U.resultType == .i64)
        #expect(Instruction.Load.i64Load32U.naturalAlignmentLog2 == 2)
        #expect(Instruction.Load.v128Load8x8S.naturalAlignmentLog2 == 3)
        #expect(Instruction.SIMDLoadLane.v128Load16Lane.laneCount == 8)
        #expect(Instruction.SIMDExtractLane.i8x16ExtractLaneS.laneCount == 16)
        let simdCount =
            Instruction.SIMDUnary.allCases.count + Instruction.SIMDBinary.allCases.count
            + Instruction.SIMDTernary.allCases.count + Instruction.SIMDTest.allCases.count
            + Instruction.SIMDShift.allCases.count + Instruction.SIMDSplat.allCases.count
            + Instruction.SIMDExtractLane.allCases.count + Instruction.SIMDReplaceLane.allCases.count
            + Instruction.SIMDLoadLane.allCases.count + Instruction.SIMDStoreLane.allCases.count
            + Instruction.Load.allCases.filter { $0.name.hasPrefix("v128") }.count
            + Instruction.Store.allCases.filter { $0.name.hasPrefix("v128") }.count
        // 236 SIMD instructions, less v128.const and i8x16.shuffle, which are special.
        #expect(simdCount == 234)
    }
}
