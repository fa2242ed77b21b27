// Errors of decoding and validation.
//
// Decoding and validation run in lockstep through one instruction visitor, so both throw this one
// type (typed throws keep it unboxed). `kind` tells which rule was broken: the binary format
// (`malformed`) or the validation rules (`invalid`), following the spec's assert_malformed /
// assert_invalid split. Messages use the spec's words ("type mismatch", "unknown local 3",
// "integer too large", "unexpected end", "magic header not detected").

/// An error found while decoding or validating a WebAssembly module.
public struct WasmParserError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which kind of rule the module broke.
    public enum Kind: String, Sendable, Equatable {
        /// The bytes do not follow the binary format.
        case malformed
        /// The module decodes but breaks a validation rule.
        case invalid
    }

    /// Malformed or invalid.
    public var kind: Kind
    /// The reason, in the spec's words, lowercase.
    public var message: String
    /// Byte offset in the module where the problem was found.
    public var offset: Int
    /// The index of the function whose body holds the problem, if any.
    public var functionIndex: UInt32?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, offset: Int, functionIndex: UInt32? = nil) {
        self.kind = kind
        self.message = message
        self.offset = offset
        self.functionIndex = functionIndex
    }

    /// `malformed: unexpected end (at offset 0x1f, in function 3)`.
    public var description: String {
        var text = "\(kind.rawValue): \(message) (at offset 0x\(String(offset, radix: 16))"
        if let functionIndex { text += ", in function \(functionIndex)" }
        return text + ")"
    }

    static func malformed(_ message: String, at offset: Int) -> WasmParserError {
        WasmParserError(.malformed, message, offset: offset)
    }

    static func invalid(_ message: String, at offset: Int) -> WasmParserError {
        WasmParserError(.invalid, message, offset: offset)
    }
}
