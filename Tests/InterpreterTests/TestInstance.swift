// An interpreted instance for tests: instantiated through RuntimeSupport without imports, with
// exports called by name.

import Interpreter
import RuntimeSupport

/// A wasm value for tests.
enum Value: Equatable, CustomStringConvertible {
    case i32(UInt32)
    case i64(UInt64)
    case f32(UInt32)
    case f64(UInt64)
    case v128(UInt64, UInt64)

    static func int(_ value: Int32) -> Value { .i32(UInt32(bitPattern: value)) }
    static func long(_ value: Int64) -> Value { .i64(UInt64(bitPattern: value)) }
    static func float(_ value: Float) -> Value { .f32(value.bitPattern) }
    static func double(_ value: Double) -> Value { .f64(value.bitPattern) }

    var raw: w2n_value {
        var value = w2n_value()
        switch self {
        case .i32(let bits), .f32(let bits): value.i32 = bits
        case .i64(let bits), .f64(let bits): value.i64 = bits
        case .v128(let low, let high): value.v128 = w2n_v128(low: low, high: high)
        }
        return value
    }

    var description: String {
        switch self {
        case .i32(let bits): return "i32 \(Int32(bitPattern: bits))"
        case .i64(let bits): return "i64 \(Int64(bitPattern: bits))"
        case .f32(let bits): return "f32 \(Float(bitPattern: bits)) (0x\(String(bits, radix: 16)))"
        case .f64(let bits): return "f64 \(Double(bitPattern: bits)) (0x\(String(bits, radix: 16)))"
        case .v128(let low, let high): return "v128 0x\(String(high, radix: 16)):\(String(low, radix: 16))"
        }
    }
}

/// What a call gave.
enum Outcome: Equatable {
    case values([Value])
    case trap(String)
}

/// An instance of an interpreted module.
final class TestInstance {
    let module: InterpretedModule
    let instance: UnsafeMutablePointer<w2n_instance>

    init(_ bytes: [UInt8]) throws {
        module = try InterpretedModule(bytes: bytes)
        try module.translateAll()
        var instance: UnsafeMutablePointer<w2n_instance>?
        var trap = W2N_TRAP_NONE
        let status = w2n_instantiate(module.descriptor, nil, nil, &instance, &trap)
        guard status == W2N_INSTANTIATE_OK, let instance else {
            throw InterpreterError.instantiation(String(cString: w2n_instantiate_error()))
        }
        self.instance = instance
    }

    deinit { w2n_instance_free(instance) }

    /// Calls export `name` with `arguments`; the results are read with the export's result types.
    func call(_ name: String, _ arguments: Value...) -> Outcome {
        var index: UInt32 = 0
        guard w2n_find_export(instance, name, UInt32(W2N_EXTERN_FUNC), &index) != 0 else {
            return .trap("no export \(name)")
        }
        let type = module.module.typeOfFunction(index)!
        var raw = arguments.map(\.raw)
        if raw.isEmpty { raw.append(w2n_value()) }
        var results = [w2n_value](repeating: w2n_value(), count: max(type.results.count, 1))
        let trap = w2n_invoke(instance, index, raw, &results)
        if trap != W2N_TRAP_NONE { return .trap(String(cString: w2n_trap_message(trap))) }
        return .values(
            zip(type.results, results).map { type, value in
                switch type {
                case .i32: return .i32(value.i32)
                case .i64: return .i64(value.i64)
                case .f32: return .f32(value.i32)
                case .f64: return .f64(value.i64)
                case .v128: return .v128(value.v128.low, value.v128.high)
                case .ref: return .i64(UInt64(UInt(bitPattern: value.ref)))
                }
            })
    }
}
