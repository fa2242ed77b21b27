// Focused tests of the interpreter: arithmetic edge cases, control flow through the register
// translation (fused branches, local.tee, multi-value blocks, br_table), memory, traps, SIMD,
// and a WASI program whose output goes through RuntimeSupport's fd_write into a granted directory.
//
// The modules are Inputs/*.wat, compiled into TestModules.swift by Inputs/regenerate.sh.

import Foundation
import RuntimeSupport
import Testing
import WasmParser

@testable import Interpreter

@Suite struct ArithmeticTests {
    let instance: TestInstance

    init() throws { instance = try TestInstance(TestModules.arith) }

    @Test func integerDivision() {
        #expect(instance.call("div_s", .int(7), .int(2)) == .values([.int(3)]))
        #expect(instance.call("div_s", .int(-7), .int(2)) == .values([.int(-3)]))
        #expect(instance.call("div_s", .int(1), .int(0)) == .trap("integer divide by zero"))
        #expect(instance.call("div_s", .int(Int32.min), .int(-1)) == .trap("integer overflow"))
        #expect(instance.call("rem_s", .int(Int32.min), .int(-1)) == .values([.int(0)]))
        #expect(instance.call("rem_s", .int(-7), .int(2)) == .values([.int(-1)]))
        #expect(instance.call("div_u64", .i64(UInt64.max), .i64(3)) == .values([.i64(0x5555_5555_5555_5555)]))
        #expect(instance.call("div_u64", .i64(1), .i64(0)) == .trap("integer divide by zero"))
    }

    @Test func shiftsAndRotations() {
        #expect(instance.call("rotl", .i32(0x8000_0001), .i32(1)) == .values([.i32(3)]))
        #expect(instance.call("rotl", .i32(0x8000_0001), .i32(33)) == .values([.i32(3)]))
        #expect(instance.call("rotl", .i32(0x1234_5678), .i32(0)) == .values([.i32(0x1234_5678)]))
        #expect(instance.call("rotr64", .i64(1), .i64(1)) == .values([.i64(0x8000_0000_0000_0000)]))
        // Shift counts are taken modulo the width, also as immediates.
        #expect(instance.call("shl_imm", .i32(1)) == .values([.i32(2)]))
        #expect(instance.call("shr_s64_imm", .long(-8)) == .values([.long(-1)]))
    }

    @Test func bitCounts() {
        #expect(instance.call("clz_ctz_popcnt", .i32(0x00F0_0000)) == .values([.i32(8), .i32(20), .i32(4)]))
        #expect(instance.call("clz_ctz_popcnt", .i32(0)) == .values([.i32(32), .i32(32), .i32(0)]))
        #expect(instance.call("extend8", .i32(0x80)) == .values([.int(-128)]))
    }

    @Test func floatMinMaxAndRounding() {
        #expect(instance.call("fmin", .float(-0.0), .float(0.0)) == .values([.f32(0x8000_0000)]))
        #expect(instance.call("fmin", .float(0.0), .float(-0.0)) == .values([.f32(0x8000_0000)]))
        #expect(instance.call("fmax64", .double(-0.0), .double(0.0)) == .values([.f64(0)]))
        guard case .values(let nan) = instance.call("fmin", .float(1), .f32(0x7FC0_0000)), case .f32(let bits)? = nan.first
        else {
            Issue.record("fmin returned no value")
            return
        }
        #expect(Float(bitPattern: bits).isNaN)
        #expect(instance.call("nearest", .float(2.5)) == .values([.float(2)]))
        #expect(instance.call("nearest", .float(3.5)) == .values([.float(4)]))
        #expect(instance.call("nearest", .float(-0.5)) == .values([.f32(0x8000_0000)]))
        // copysign works on bits: a NaN keeps its payload.
        #expect(instance.call("copysign", .float(1.5), .float(-0.0)) == .values([.float(-1.5)]))
        #expect(instance.call("copysign", .f32(0x7FA0_0001), .float(-1)) == .values([.f32(0xFFA0_0001)]))
    }

    @Test func floatToIntegerConversions() {
        #expect(instance.call("trunc_s", .float(-2_147_483_648)) == .values([.int(Int32.min)]))
        #expect(instance.call("trunc_s", .float(2_147_483_648)) == .trap("integer overflow"))
        #expect(instance.call("trunc_s", .float(-2_147_483_904)) == .trap("integer overflow"))
        #expect(instance.call("trunc_s", .f32(0x7FC0_0000)) == .trap("invalid conversion to integer"))
        #expect(instance.call("trunc_s", .float(-1.9)) == .values([.int(-1)]))
        #expect(instance.call("trunc_u64", .double(1e19)) == .values([.i64(10_000_000_000_000_000_000)]))
        #expect(instance.call("trunc_u64", .double(-0.9)) == .values([.i64(0)]))
        #expect(instance.call("trunc_u64", .double(-1)) == .trap("integer overflow"))
        #expect(instance.call("trunc_sat_s", .double(1e10)) == .values([.int(Int32.max)]))
        #expect(instance.call("trunc_sat_s", .double(-1e10)) == .values([.int(Int32.min)]))
        #expect(instance.call("trunc_sat_s", .double(.nan)) == .values([.int(0)]))
    }
}

@Suite struct ControlAndMemoryTests {
    let instance: TestInstance

    init() throws { instance = try TestInstance(TestModules.arith) }

    @Test func loopsAndLocals() {
        // i = sum + 0 after sum += i, then i += 1: sum runs through 2^k - 1.
        #expect(instance.call("sum_to", .int(5)) == .values([.int(7)]))
        #expect(instance.call("sum_to", .int(100)) == .values([.int(127)]))
        #expect(instance.call("swap", .int(1), .int(2)) == .values([.int(2), .int(1)]))
        #expect(instance.call("select", .int(1), .int(2), .int(0)) == .values([.int(2)]))
        #expect(instance.call("select", .int(1), .int(2), .int(5)) == .values([.int(1)]))
    }

    @Test func branchTables() {
        #expect(instance.call("pick", .int(0)) == .values([.int(10)]))
        #expect(instance.call("pick", .int(1)) == .values([.int(20)]))
        #expect(instance.call("pick", .int(2)) == .values([.int(30)]))
        #expect(instance.call("pick", .int(-1)) == .values([.int(30)]))
    }

    @Test func indirectCalls() {
        #expect(instance.call("call_table", .int(0), .int(3), .int(4)) == .values([.int(7)]))
        #expect(instance.call("call_table", .int(1), .int(3), .int(4)) == .trap("indirect call type mismatch"))
        #expect(instance.call("call_table", .int(2), .int(3), .int(4)) == .trap("undefined element"))
    }

    @Test func memory() {
        #expect(instance.call("store_load", .int(8), .i64(0x1122_3344_5566_7788)) == .values([.i64(0x1122_3344_5566_7788)]))
        #expect(instance.call("store_load", .int(65_528), .i64(1)) == .trap("out of bounds memory access"))
        #expect(instance.call("store_load", .int(-1), .i64(1)) == .trap("out of bounds memory access"))
        #expect(instance.call("fill", .int(65_530), .int(0), .int(10)) == .trap("out of bounds memory access"))
        #expect(instance.call("size") == .values([.int(1)]))
        #expect(instance.call("grow", .int(1)) == .values([.int(1)]))
        #expect(instance.call("store_load", .int(65_528), .i64(1)) == .values([.i64(1)]))
        #expect(instance.call("grow", .int(1)) == .values([.int(-1)]))
        #expect(instance.call("size") == .values([.int(2)]))
    }

    @Test func traps() {
        #expect(instance.call("unreachable") == .trap("unreachable"))
        // Unbounded recursion is a trap, not a crash, and the instance stays usable.
        #expect(instance.call("recurse", .int(0)) == .trap("call stack exhausted"))
        #expect(instance.call("div_s", .int(6), .int(3)) == .values([.int(2)]))
    }
}

@Suite struct VectorTests {
    let instance: TestInstance

    init() throws { instance = try TestInstance(TestModules.arith) }

    /// A v128 from 16-bit lanes.
    func lanes16(_ lanes: [Int16]) -> Value {
        var low: UInt64 = 0
        var high: UInt64 = 0
        for (index, lane) in lanes.enumerated() {
            let bits = UInt64(UInt16(bitPattern: lane))
            if index < 4 { low |= bits << (16 * UInt64(index)) } else { high |= bits << (16 * UInt64(index - 4)) }
        }
        return .v128(low, high)
    }

    func lanes32(_ lanes: [UInt32]) -> Value {
        .v128(UInt64(lanes[0]) | UInt64(lanes[1]) << 32, UInt64(lanes[2]) | UInt64(lanes[3]) << 32)
    }

    @Test func dotProduct() {
        let result = instance.call("dot", lanes16([1, 2, 3, 4, 5, 6, 7, 8]), lanes16([1, 1, 1, 1, 1, 1, 1, 1]))
        #expect(result == .values([lanes32([3, 7, 11, 15])]))
    }

    @Test func shuffleInterleaves() {
        let result = instance.call("shuffle", .v128(0x0706_0504_0302_0100, 0), .v128(0x1716_1514_1312_1110, 0))
        #expect(result == .values([.v128(0x1303_1202_1101_1000, 0x1707_1606_1505_1404)]))
    }

    @Test func floatMinimumLanes() {
        let nan: UInt32 = 0x7FC0_0000
        let result = instance.call(
            "f32x4_min", lanes32([0x8000_0000, 0, Float(1).bitPattern, nan]),
            lanes32([0, 0x8000_0000, Float(2).bitPattern, Float(1).bitPattern]))
        guard case .values(let values) = result, case .v128(let low, let high)? = values.first else {
            Issue.record("no result")
            return
        }
        #expect(low == 0x8000_0000_8000_0000)
        #expect(UInt32(truncatingIfNeeded: high) == Float(1).bitPattern)
        #expect(Float(bitPattern: UInt32(truncatingIfNeeded: high >> 32)).isNaN)
    }

    @Test func saturationAndBitmask() {
        let hundred = Value.v128(0x6464_6464_6464_6464, 0x6464_6464_6464_6464)
        #expect(instance.call("sat_add", hundred, hundred) == .values([.v128(0x7F7F_7F7F_7F7F_7F7F, 0x7F7F_7F7F_7F7F_7F7F)]))
        #expect(instance.call("bitmask", .v128(0x80, 0x8000_0000_0000_0000)) == .values([.i32(0x8001)]))
    }
}

@Suite struct WASITests {
    /// A program that opens out.txt in its granted directory, writes a line and its environment
    /// there with fd_write (path_open takes 10 integer arguments: some go on the C stack), and
    /// exits with proc_exit(7).
    @Test func writesThroughRuntimeSupport() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("w2n-interp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let module = try InterpretedModule(bytes: TestModules.wasi)
        let configuration = WASIConfiguration(
            arguments: ["wasi.wasm"], directories: [directory.path + "::."], environment: ["GREETING=hi"])
        let status = WASIRunner.run(module, configuration: configuration)
        #expect(status == 7)
        let output = try Data(contentsOf: directory.appendingPathComponent("out.txt"))
        let text = String(decoding: output, as: UTF8.self)
        #expect(text.hasPrefix("hello from the interpreter\n"))
        #expect(text.contains("GREETING=hi\u{0}"))
        #expect(text.contains("W2N_ENGINE=interpreter\u{0}"))
    }
}

@Suite struct OpTableTests {
    /// Every category maps onto the operation of the same name (the executor relies on the order).
    @Test func categoriesMapByName() {
        func check<T: CaseIterable>(_: T.Type, _ map: (T) -> Op) {
            for instruction in T.allCases {
                #expect("\(map(instruction))" == "\(instruction)")
            }
        }
        check(Instruction.Unary.self, Op.unary)
        check(Instruction.Binary.self, Op.binary)
        check(Instruction.Test.self, Op.test)
        check(Instruction.Compare.self, Op.compare)
        check(Instruction.Conversion.self, Op.conversion)
        check(Instruction.Load.self, Op.load)
        check(Instruction.Store.self, Op.store)
        check(Instruction.SIMDUnary.self, Op.simdUnary)
        check(Instruction.SIMDBinary.self, Op.simdBinary)
        check(Instruction.SIMDTernary.self, Op.simdTernary)
        check(Instruction.SIMDTest.self, Op.simdTest)
        check(Instruction.SIMDShift.self, Op.simdShift)
        check(Instruction.SIMDSplat.self, Op.simdSplat)
        check(Instruction.SIMDExtractLane.self, Op.simdExtractLane)
        check(Instruction.SIMDReplaceLane.self, Op.simdReplaceLane)
        check(Instruction.SIMDLoadLane.self, Op.simdLoadLane)
        check(Instruction.SIMDStoreLane.self, Op.simdStoreLane)
    }

    @Test func negationAndBranchForms() {
        #expect(Op.i32LtS.negatedComparison == .i32GeS)
        #expect(Op.i64EqImm.negatedComparison == .i64NeImm)
        #expect(Op.i32GtUImm.branchForm == .brIfI32GtUImm)
        #expect(Op.i64LeS.branchForm == .brIfI64LeS)
    }
}
