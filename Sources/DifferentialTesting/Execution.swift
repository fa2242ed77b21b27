// Running one module in one engine: instantiate it through RuntimeSupport (the same host API for
// both engines), call every exported function once with arguments derived from the seed, then
// read the final state of the instance (memories, globals, tables) in an engine-neutral form.
//
// Calls go through SpecTestHost's spec_call_*, so a crash or a hang in either engine becomes a
// recorded fault instead of ending the run.

import Foundation
import Interpreter
import RuntimeSupport
import SpecHarness
import SpecTestHost
import WasmParser

/// A value as bits, with its type.
struct ValueBits: Equatable, CustomStringConvertible {
    var type: ValueType
    var low: UInt64
    var high: UInt64 = 0

    var description: String {
        switch type {
        case .i32: return "i32 \(Int32(truncatingIfNeeded: low))"
        case .i64: return "i64 \(Int64(bitPattern: low))"
        case .f32: return "f32 0x\(String(UInt32(truncatingIfNeeded: low), radix: 16))"
        case .f64: return "f64 0x\(String(low, radix: 16))"
        case .v128: return "v128 0x\(String(high, radix: 16)):\(String(low, radix: 16))"
        case .ref: return low == 0 ? "ref.null" : "ref function \(low - 1)"
        }
    }
}

/// How a call (or the instantiation) ended.
enum Outcome: Equatable, CustomStringConvertible {
    case values([ValueBits])
    case trap(UInt32)
    case fault(String)
    /// The module could not be instantiated (unlinkable, out of memory): not compared further.
    case failed(String)

    var description: String {
        switch self {
        case .values(let values): return values.isEmpty ? "no results" : values.map(\.description).joined(separator: ", ")
        case .trap(let code): return "trap: \(String(cString: w2n_trap_message(w2n_trap_code(rawValue: code))))"
        case .fault(let text): return "fault: \(text)"
        case .failed(let text): return "failed: \(text)"
        }
    }

    var isStackExhaustion: Bool { self == .trap(TrapCode.callStackExhausted) }
}

/// The state of an instance.
struct StateDigest: Equatable {
    /// A hash of each memory's bytes, with its size in pages.
    var memories: [String] = []
    /// Each global's value.
    var globals: [ValueBits] = []
    /// A hash over each table's elements (function index + 1, or 0 for null), with its size.
    var tables: [String] = []
}

/// A simple 64-bit multiply-rotate hash over words.
struct Hash64 {
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    mutating func add(_ word: UInt64) {
        state = ((state ^ word) &* 0xBF58_476D_1CE4_E5B9)
        state ^= state >> 31
    }

    var hex: String {
        let text = String(state, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

/// What running a module in one engine gave.
struct Execution {
    var instantiation: Outcome
    var calls: [(name: String, arguments: [ValueBits], outcome: Outcome, state: StateDigest)] = []
    var state: StateDigest?
    /// The state right after instantiation.
    var initialState: StateDigest?
}

/// The trap codes the executor and RuntimeSupport use.
enum TrapCode {
    static let callStackExhausted = W2N_TRAP_CALL_STACK_EXHAUSTED.rawValue
}

enum Runner {
    /// Runs `module` (its descriptor in either engine) with the arguments of `seed`.
    static func run(_ module: Module, descriptor: UnsafePointer<w2n_module>, seed: UInt64) -> Execution {
        Interpreter.resetThread()
        var instance: UnsafeMutablePointer<w2n_instance>?
        var trap = W2N_TRAP_NONE
        var fault = spec_fault()
        let status = spec_call_instantiate(descriptor, nil, nil, &instance, &trap, &fault)
        defer { if let instance { w2n_instance_free(instance) } }
        var execution: Execution
        switch status {
        case W2N_INSTANTIATE_OK:
            execution = Execution(instantiation: .values([]))
        case W2N_INSTANTIATE_TRAP:
            if let text = describe(fault) { return Execution(instantiation: .fault(text)) }
            execution = Execution(instantiation: .trap(trap.rawValue))
        default:
            return Execution(instantiation: .failed(String(cString: w2n_instantiate_error())))
        }
        guard let instance else { return execution }
        execution.initialState = digest(instance, module: module)
        if case .values = execution.instantiation {
            var random = SplitMix64(seed: SplitMix64.derive(seed: seed, index: 0xA165))
            for export in module.exports {
                guard case .function(let index) = export.descriptor, let type = module.typeOfFunction(index) else {
                    continue
                }
                let arguments = type.parameters.map { argument(of: $0, random: &random) }
                let outcome = call(instance, index, arguments: arguments, results: type.results)
                execution.calls.append((export.name, arguments, outcome, digest(instance, module: module)))
                if case .fault = outcome { return execution }
            }
        }
        execution.state = digest(instance, module: module)
        return execution
    }

    static func call(
        _ instance: UnsafeMutablePointer<w2n_instance>, _ index: UInt32, arguments: [ValueBits], results: [ValueType]
    ) -> Outcome {
        var raw = arguments.map { value -> w2n_value in
            var bits = w2n_value()
            bits.v128 = w2n_v128(low: value.low, high: value.high)
            return bits
        }
        if raw.isEmpty { raw.append(w2n_value()) }
        var output = [w2n_value](repeating: w2n_value(), count: max(results.count, 1))
        var fault = spec_fault()
        Interpreter.resetThread()
        let code = spec_call_invoke(instance, index, raw, &output, &fault)
        if let text = describe(fault) { return .fault(text) }
        if code != W2N_TRAP_NONE { return .trap(code.rawValue) }
        return .values(zip(results, output).map { bits(of: $1, type: $0) })
    }

    /// A result or global value in engine-neutral form: funcrefs become function index + 1.
    static func bits(of value: w2n_value, type: ValueType) -> ValueBits {
        switch type {
        case .i32, .f32: return ValueBits(type: type, low: UInt64(value.i32))
        case .i64, .f64: return ValueBits(type: type, low: value.i64)
        case .v128: return ValueBits(type: type, low: value.v128.low, high: value.v128.high)
        case .ref: return ValueBits(type: type, low: reference(value.ref))
        }
    }

    static func reference(_ pointer: UnsafeMutableRawPointer?) -> UInt64 {
        guard let pointer else { return 0 }
        return UInt64(pointer.assumingMemoryBound(to: w2n_funcref.self).pointee.function_index) + 1
    }

    /// Arguments: often small or boundary values, else random bits.
    static func argument(of type: ValueType, random: inout SplitMix64) -> ValueBits {
        let special: [UInt64] = [0, 1, 2, 0xFFFF_FFFF, 0x8000_0000, 0x7FFF_FFFF, UInt64.max, 0x8000_0000_0000_0000, 16, 65536]
        func scalar(_ width: Int) -> UInt64 {
            let bits = random.chance(1, in: 2) ? random.pick(special) : random.next()
            return width == 32 ? bits & 0xFFFF_FFFF : bits
        }
        switch type {
        case .i32: return ValueBits(type: type, low: scalar(32))
        case .i64: return ValueBits(type: type, low: scalar(64))
        case .f32:
            let floats: [Float] = [0, -0.0, 1, -1, 0.5, 1e10, -1e-10, .infinity, 3.75, 2_147_483_648]
            return ValueBits(type: type, low: random.chance(1, in: 2) ? UInt64(random.pick(floats).bitPattern) : scalar(32))
        case .f64:
            let doubles: [Double] = [0, -0.0, 1, -1, 0.5, 1e300, -1e-300, .infinity, 3.75, 9_223_372_036_854_775_808]
            return ValueBits(type: type, low: random.chance(1, in: 2) ? random.pick(doubles).bitPattern : scalar(64))
        case .v128: return ValueBits(type: type, low: scalar(64), high: scalar(64))
        case .ref: return ValueBits(type: type, low: 0)
        }
    }

    static func digest(_ instance: UnsafeMutablePointer<w2n_instance>, module: Module) -> StateDigest {
        var state = StateDigest()
        for index in module.memoryTypes.indices {
            guard let memory = instance.pointee.memories[index] else { continue }
            let bytes = UnsafeRawBufferPointer(start: memory.pointee.data, count: Int(memory.pointee.size_bytes))
            state.memories.append("\(memory.pointee.pages) pages \(hexHash(bytes))")
        }
        for (index, type) in module.globalTypes.enumerated() {
            state.globals.append(bits(of: instance.pointee.globals[index]!.pointee, type: type.valueType))
        }
        for index in module.tableTypes.indices {
            guard let table = instance.pointee.tables[index] else { continue }
            var hash = Hash64()
            for position in 0..<Int(table.pointee.size) { hash.add(reference(table.pointee.elements[position])) }
            state.tables.append("\(table.pointee.size) elements \(hash.hex)")
        }
        return state
    }

    /// A 64-bit hash of `bytes` (states are compared for equality only, after every call, and
    /// memories and tables can be large: this is much faster than a cryptographic digest).
    static func hexHash(_ bytes: UnsafeRawBufferPointer) -> String {
        var hash = Hash64()
        let words = bytes.count / 8
        for index in 0..<words { hash.add(bytes.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)) }
        for index in (8 * words)..<bytes.count { hash.add(UInt64(bytes[index])) }
        hash.add(UInt64(bytes.count))
        return hash.hex
    }

    static func describe(_ fault: spec_fault) -> String? {
        switch fault.kind {
        case Int32(SPEC_FAULT_SIGNAL.rawValue):
            return "\(String(cString: spec_signal_name(fault.signal_number))) at 0x\(String(fault.address, radix: 16))"
        case Int32(SPEC_FAULT_TIMEOUT.rawValue):
            return "timeout"
        default:
            return nil
        }
    }
}
