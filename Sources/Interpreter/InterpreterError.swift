// Errors of the interpreter target.

import WasmParser

/// Why a module cannot be loaded or run by the interpreter.
public enum InterpreterError: Error, CustomStringConvertible, Sendable {
    /// The module is malformed or invalid.
    case invalidModule(WasmParserError)
    /// The module exceeds one of the interpreter's limits (e.g. a table index above 65535 in
    /// `call_indirect`).
    case implementationLimit(String)
    /// The module uses something the interpreter does not run (a Wasm 3.0 feature).
    case unsupported(String)
    /// Instantiation failed: an import is missing or has the wrong type, or memory ran out.
    case instantiation(String)
    /// WASI could not be set up (a directory that cannot be opened).
    case wasi(String)

    public var description: String {
        switch self {
        case .invalidModule(let error): return "\(error)"
        case .implementationLimit(let text): return "implementation limit: \(text)"
        case .unsupported(let text): return "unsupported: \(text)"
        case .instantiation(let text): return text
        case .wasi(let text): return text
        }
    }
}
