// The third engine that settles disagreements: wasmtime (PyPI), through
// scripts/difftest_reference.py, run on the same module with the same calls. Its outcomes are
// compared with each engine's; the engine that differs from it is the one at fault.

import Foundation
import RuntimeSupport
import SpecHarness
import WasmParser

enum Reference {
    /// Which engine(s) the reference contradicts, in words, or why it could not decide.
    static func settle(
        module bytes: [UInt8], parsed module: Module, interpreter: Execution, native: Execution, python: URL, script: URL, directory: URL
    ) -> String {
        let stem = directory.appendingPathComponent("reference-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let modulePath = stem.path + ".wasm"
        let callsPath = stem.path + ".json"
        defer {
            unlink(modulePath)
            unlink(callsPath)
        }
        let calls = interpreter.calls.map { call -> [String: Any] in
            [
                "export": call.name,
                "arguments": call.arguments.map { [kind($0.type), String($0.low, radix: 16)] },
                "results": results(of: call.outcome, or: native.calls.first { $0.name == call.name }?.outcome),
            ]
        }
        guard FileManager.default.createFile(atPath: modulePath, contents: Data(bytes)),
            let json = try? JSONSerialization.data(withJSONObject: ["calls": calls, "globals": numericGlobals(module)]),
            FileManager.default.createFile(atPath: callsPath, contents: json),
            let result = try? ProcessRunner.run(python.path, [script.path, modulePath, callsPath]), result.status == 0,
            let object = try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any],
            let referenceCalls = object["calls"] as? [[String: Any]]
        else { return "reference: wasmtime could not run the module" }
        var interpreterWrong: [String] = []
        var nativeWrong: [String] = []
        var complete = referenceCalls.count == interpreter.calls.count
        for (index, outcome) in referenceCalls.enumerated() {
            guard let expected = parse(outcome) else {
                complete = false
                break
            }
            if index < interpreter.calls.count, !matches(expected, interpreter.calls[index].outcome) {
                interpreterWrong.append("call \(index): wasmtime \(expected), interpreter \(interpreter.calls[index].outcome)")
            }
            if index < native.calls.count, !matches(expected, native.calls[index].outcome) {
                nativeWrong.append("call \(index): wasmtime \(expected), native \(native.calls[index].outcome)")
            }
        }
        // The final state is comparable only when wasmtime made every call.
        guard complete else { return verdict(interpreterWrong, nativeWrong, partial: true) }
        if let memories = object["memories"] as? [String], !memories.isEmpty {
            if let state = interpreter.state, state.memories != memories { interpreterWrong.append("memory differs") }
            if let state = native.state, state.memories != memories { nativeWrong.append("memory differs") }
        }
        if let globals = object["globals"] as? [String: [String]] {
            for export in module.exports {
                guard case .global(let index) = export.descriptor, let pair = globals[export.name], pair.count == 2,
                    let bits = UInt64(pair[1], radix: 16)
                else { continue }
                let expected = ValueBits(type: module.globalTypes[Int(index)].valueType, low: bits)
                if let state = interpreter.state, Int(index) < state.globals.count,
                    !Comparison.valuesEqual(expected, state.globals[Int(index)])
                {
                    interpreterWrong.append("global \(index): wasmtime \(expected), interpreter \(state.globals[Int(index)])")
                }
                if let state = native.state, Int(index) < state.globals.count,
                    !Comparison.valuesEqual(expected, state.globals[Int(index)])
                {
                    nativeWrong.append("global \(index): wasmtime \(expected), native \(state.globals[Int(index)])")
                }
            }
        }
        return verdict(interpreterWrong, nativeWrong, partial: false)
    }

    static func verdict(_ interpreterWrong: [String], _ nativeWrong: [String], partial: Bool) -> String {
        let scope = partial ? " (calls before the first wasmtime could not make)" : ""
        switch (interpreterWrong.isEmpty, nativeWrong.isEmpty) {
        case (true, false):
            return "wasmtime agrees with the interpreter\(scope): native bug (\(nativeWrong.joined(separator: "; ")))"
        case (false, true):
            return "wasmtime agrees with native code\(scope): interpreter bug (\(interpreterWrong.joined(separator: "; ")))"
        case (false, false):
            return "wasmtime agrees with neither\(scope) (\((interpreterWrong + nativeWrong).joined(separator: "; ")))"
        case (true, true): return "wasmtime agrees with both on what it could compare\(scope)"
        }
    }

    /// An engine's outcome against wasmtime's, which reports "undefined element" as "out of bounds
    /// table access".
    static func matches(_ expected: Outcome, _ actual: Outcome) -> Bool {
        if expected == .trap(W2N_TRAP_OUT_OF_BOUNDS_TABLE.rawValue), actual == .trap(W2N_TRAP_UNDEFINED_ELEMENT.rawValue) {
            return true
        }
        return Comparison.outcomesEqual(expected, actual)
    }

    /// The exports of globals of number types (the bindings cannot read v128 globals).
    static func numericGlobals(_ module: Module) -> [String] {
        module.exports.compactMap { export in
            guard case .global(let index) = export.descriptor, module.globalTypes[Int(index)].valueType.isNumber else {
                return nil
            }
            return export.name
        }
    }

    static func kind(_ type: ValueType) -> String {
        switch type {
        case .i32: return "i32"
        case .i64: return "i64"
        case .f32: return "f32"
        case .f64: return "f64"
        case .v128: return "v128"
        case .ref: return "ref"
        }
    }

    static func results(of outcome: Outcome, or other: Outcome?) -> [String] {
        for candidate in [outcome, other] {
            if case .values(let values)? = candidate { return values.map { kind($0.type) } }
        }
        return []
    }

    static func parse(_ object: [String: Any]) -> Outcome? {
        if let values = object["values"] as? [[String]] {
            return .values(
                values.compactMap { pair in
                    guard pair.count == 2, let bits = UInt64(pair[1], radix: 16) else { return nil }
                    let type: ValueType = ["i32": .i32, "i64": .i64, "f32": .f32, "f64": .f64][pair[0]] ?? .i32
                    return ValueBits(type: type, low: bits)
                })
        }
        if let message = object["trap"] as? String {
            for code in UInt32(1)..<UInt32(15) where message == String(cString: w2n_trap_message(w2n_trap_code(rawValue: code))) {
                return .trap(code)
            }
            return .fault("wasmtime: \(message)")
        }
        return nil
    }
}
