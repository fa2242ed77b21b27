// Values between the spec scripts' JSON and RuntimeSupport's `w2n_value`, for both engines that
// run modules through RuntimeSupport (native, interpreter): encoding arguments, comparing results,
// and describing both for reports.
//
// Comparison rules (the spec's): integers bitwise; floats bitwise except `nan:canonical` (a quiet
// NaN whose payload is only the quiet bit, either sign) and `nan:arithmetic` (quiet bit set, any
// payload, either sign); v128 lane by lane in the lane type the script gives, NaN patterns per
// lane; `ref.null` is a null reference; `ref.extern N` is the host pointer N + 1 (the encoding
// arguments use too); `ref.func` and `ref.extern` without a number are any non-null reference;
// `either` is any one of its alternatives.

import RuntimeSupport
import SpecHarness

package struct RuntimeValue {
    /// Value kinds, as in `w2n_func_type` signatures.
    package enum Kind: Character {
        case i32 = "i"
        case i64 = "I"
        case f32 = "f"
        case f64 = "F"
        case v128 = "v"
        case funcref = "r"
        case externref = "e"

        /// From a `W2N_KIND_*` code.
        package init?(valueKind: UInt32) {
            switch Int(valueKind) {
            case Int(W2N_KIND_I32): self = .i32
            case Int(W2N_KIND_I64): self = .i64
            case Int(W2N_KIND_F32): self = .f32
            case Int(W2N_KIND_F64): self = .f64
            case Int(W2N_KIND_V128): self = .v128
            case Int(W2N_KIND_FUNCREF): self = .funcref
            case Int(W2N_KIND_EXTERNREF): self = .externref
            default: return nil
            }
        }

        /// The spec's name.
        package var name: String {
            switch self {
            case .i32: "i32"
            case .i64: "i64"
            case .f32: "f32"
            case .f64: "f64"
            case .v128: "v128"
            case .funcref: "funcref"
            case .externref: "externref"
            }
        }
    }

    /// A function signature `"<params>:<results>"`.
    package struct Signature {
        package var parameters: [Kind]
        package var results: [Kind]

        package init?(_ text: String) {
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            let parameters = parts[0].map { Kind(rawValue: $0) }
            let results = parts[1].map { Kind(rawValue: $0) }
            guard !parameters.contains(where: { $0 == nil }), !results.contains(where: { $0 == nil }) else { return nil }
            self.parameters = parameters.map { $0! }
            self.results = results.map { $0! }
        }
    }

    package var kind: Kind
    package var bits: w2n_value

    package init(kind: Kind, bits: w2n_value) {
        self.kind = kind
        self.bits = bits
    }

    // MARK: - Encoding arguments

    /// The `w2n_value` of a script argument of parameter kind `kind`.
    package static func encode(_ value: SpecValue, as kind: Kind) -> Result<w2n_value, EncodingError> {
        var bits = w2n_value()
        guard value.type == kind.name || (value.type == "refnull" && (kind == .funcref || kind == .externref)) else {
            return .failure(EncodingError("a \(value.type) for a \(kind.name) parameter"))
        }
        switch (kind, value.value) {
        case (.i32, .scalar(let text)?), (.f32, .scalar(let text)?):
            guard let number = parse(text, bits: 32) else { return .failure(EncodingError("unreadable \(kind.name) \(text)")) }
            bits.i32 = UInt32(number)
        case (.i64, .scalar(let text)?), (.f64, .scalar(let text)?):
            guard let number = parse(text, bits: 64) else { return .failure(EncodingError("unreadable \(kind.name) \(text)")) }
            bits.i64 = number
        case (.v128, .lanes(let lanes)?):
            guard let laneType = value.laneType, let bytes = laneBytes(lanes, laneType: laneType) else {
                return .failure(EncodingError("unreadable v128 \(value.laneType ?? "?") \(lanes)"))
            }
            bits.v128 = vector(bytes)
        case (.funcref, _) where value.type == "refnull" || value.value == .scalar("null"),
            (.externref, _) where value.type == "refnull" || value.value == .scalar("null"):
            bits.ref = nil
        case (.externref, .scalar(let text)?):
            guard let number = UInt(text) else { return .failure(EncodingError("unreadable externref \(text)")) }
            bits.ref = UnsafeMutableRawPointer(bitPattern: number + 1)
        default:
            return .failure(EncodingError("cannot pass \(value.type) \(String(describing: value.value))"))
        }
        return .success(bits)
    }

    /// Why an argument cannot be encoded.
    package struct EncodingError: Error {
        package var message: String
        init(_ message: String) { self.message = message }
    }

    /// A decimal integer, signed or unsigned, truncated to `bits`.
    package static func parse(_ text: String, bits: Int) -> UInt64? {
        let mask: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
        if text.hasPrefix("-") {
            guard let value = Int64(text) else { return nil }
            return UInt64(bitPattern: value) & mask
        }
        guard let value = UInt64(text) else { return nil }
        return value & mask
    }

    /// Lane width in bytes of a lane type.
    static func laneWidth(_ laneType: String) -> Int? {
        switch laneType {
        case "i8": 1
        case "i16": 2
        case "i32", "f32": 4
        case "i64", "f64": 8
        default: nil
        }
    }

    /// The 16 bytes of lanes given as numbers (little-endian, lane 0 first).
    static func laneBytes(_ lanes: [String], laneType: String) -> [UInt8]? {
        guard let width = laneWidth(laneType), lanes.count * width == 16 else { return nil }
        var bytes: [UInt8] = []
        for lane in lanes {
            guard let value = parse(lane, bits: width * 8) else { return nil }
            for byte in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(byte)))) }
        }
        return bytes
    }

    static func vector(_ bytes: [UInt8]) -> w2n_v128 {
        var low: UInt64 = 0
        var high: UInt64 = 0
        for index in 0..<8 {
            low |= UInt64(bytes[index]) << (8 * UInt64(index))
            high |= UInt64(bytes[index + 8]) << (8 * UInt64(index))
        }
        return w2n_v128(low: low, high: high)
    }

    static func bytes(of vector: w2n_v128) -> [UInt8] {
        (0..<16).map { index in
            UInt8(truncatingIfNeeded: (index < 8 ? vector.low : vector.high) >> (8 * UInt64(index % 8)))
        }
    }

    /// Lane `index` of `bytes` as an unsigned number.
    static func lane(_ bytes: [UInt8], index: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        for byte in 0..<width { value |= UInt64(bytes[index * width + byte]) << (8 * UInt64(byte)) }
        return value
    }

    // MARK: - Comparing results

    /// Whether `values` are the expected results.
    package static func matches(_ values: [RuntimeValue], expected: [SpecValue]) -> Bool {
        values.count == expected.count && zip(values, expected).allSatisfy { matches($0, expected: $1) }
    }

    /// Whether one result is the expected value.
    package static func matches(_ value: RuntimeValue, expected: SpecValue) -> Bool {
        switch expected.type {
        case "either":
            return (expected.values ?? []).contains { matches(value, expected: $0) }
        case "i32", "f32":
            guard value.kind.name == expected.type, case .scalar(let text)? = expected.value else { return false }
            return scalarMatches(UInt64(value.bits.i32), text: text, bits: 32, isFloat: expected.type == "f32")
        case "i64", "f64":
            guard value.kind.name == expected.type, case .scalar(let text)? = expected.value else { return false }
            return scalarMatches(value.bits.i64, text: text, bits: 64, isFloat: expected.type == "f64")
        case "v128":
            guard value.kind == .v128, case .lanes(let lanes)? = expected.value, let laneType = expected.laneType,
                let width = laneWidth(laneType), lanes.count * width == 16
            else { return false }
            let bytes = bytes(of: value.bits.v128)
            let isFloat = laneType.hasPrefix("f")
            return lanes.enumerated().allSatisfy { index, text in
                scalarMatches(lane(bytes, index: index, width: width), text: text, bits: width * 8, isFloat: isFloat)
            }
        case "funcref", "externref":
            guard value.kind.name == expected.type else { return false }
            let pointer = UInt(bitPattern: value.bits.ref)
            switch expected.value {
            case .scalar("null")?: return pointer == 0
            case nil: return pointer != 0
            case .scalar(let text)?:
                guard expected.type == "externref", let number = UInt(text) else { return false }
                return pointer == number &+ 1
            case .lanes?: return false
            }
        case "refnull":
            return (value.kind == .funcref || value.kind == .externref) && value.bits.ref == nil
        case "nullfuncref":
            return value.kind == .funcref && value.bits.ref == nil
        case "nullexternref":
            return value.kind == .externref && value.bits.ref == nil
        default:
            return false
        }
    }

    /// One number or NaN pattern against the actual bits.
    static func scalarMatches(_ actual: UInt64, text: String, bits: Int, isFloat: Bool) -> Bool {
        if isFloat && text.hasPrefix("nan:") {
            let exponentAndQuiet: UInt64 = bits == 32 ? 0x7FC0_0000 : 0x7FF8_0000_0000_0000
            let magnitude: UInt64 = bits == 32 ? 0x7FFF_FFFF : 0x7FFF_FFFF_FFFF_FFFF
            switch text {
            case "nan:canonical": return actual & magnitude == exponentAndQuiet
            case "nan:arithmetic": return actual & exponentAndQuiet == exponentAndQuiet
            default: return false
            }
        }
        guard let expected = parse(text, bits: bits) else { return false }
        return actual == expected
    }

    // MARK: - Describing

    /// The expected results, e.g. `i32 42, f32 nan:canonical`.
    package static func describe(expected: [SpecValue]) -> String {
        expected.isEmpty ? "no results" : expected.map(describe(expected:)).joined(separator: ", ")
    }

    static func describe(expected value: SpecValue) -> String {
        switch value.type {
        case "either":
            return "either(" + (value.values ?? []).map(describe(expected:)).joined(separator: " | ") + ")"
        case "f32", "f64":
            guard case .scalar(let text)? = value.value else { return value.type }
            if text.hasPrefix("nan:") { return "\(value.type) \(text)" }
            return "\(value.type) \(formatFloat(parse(text, bits: value.type == "f32" ? 32 : 64) ?? 0, bits: value.type == "f32" ? 32 : 64))"
        case "v128":
            guard case .lanes(let lanes)? = value.value else { return "v128" }
            return "v128 \(value.laneType ?? "?") [\(lanes.joined(separator: " "))]"
        default:
            switch value.value {
            case .scalar(let text)?: return "\(value.type) \(text)"
            case .lanes(let lanes)?: return "\(value.type) [\(lanes.joined(separator: " "))]"
            case nil: return value.type == "refnull" ? "ref.null" : "\(value.type) (non-null)"
            }
        }
    }

    /// Actual results, shown in the expected values' lane types where given.
    package static func describe(_ values: [RuntimeValue], like expected: [SpecValue]) -> String {
        if values.isEmpty { return "no results" }
        return values.enumerated().map { index, value in
            var laneType: String? = index < expected.count ? expected[index].laneType : nil
            if laneType == nil, index < expected.count, expected[index].type == "either" {
                laneType = expected[index].values?.first?.laneType
            }
            return describe(value, laneType: laneType)
        }.joined(separator: ", ")
    }

    package static func describe(_ value: RuntimeValue, laneType: String?) -> String {
        switch value.kind {
        case .i32: return "i32 \(Int32(bitPattern: value.bits.i32))"
        case .i64: return "i64 \(Int64(bitPattern: value.bits.i64))"
        case .f32: return "f32 \(formatFloat(UInt64(value.bits.i32), bits: 32))"
        case .f64: return "f64 \(formatFloat(value.bits.i64, bits: 64))"
        case .v128:
            let laneType = laneType ?? "i32"
            let width = laneWidth(laneType) ?? 4
            let bytes = bytes(of: value.bits.v128)
            let lanes = (0..<(16 / width)).map { index -> String in
                let bits = lane(bytes, index: index, width: width)
                switch laneType {
                case "f32": return formatFloat(bits, bits: 32)
                case "f64": return formatFloat(bits, bits: 64)
                case "i8": return String(Int8(truncatingIfNeeded: bits))
                case "i16": return String(Int16(truncatingIfNeeded: bits))
                case "i32": return String(Int32(truncatingIfNeeded: bits))
                default: return String(Int64(bitPattern: bits))
                }
            }
            return "v128 \(laneType) [\(lanes.joined(separator: " "))]"
        case .funcref, .externref:
            let pointer = UInt(bitPattern: value.bits.ref)
            if pointer == 0 { return "\(value.kind.name) null" }
            if value.kind == .externref { return "externref \(pointer &- 1)" }
            return "funcref 0x\(String(pointer, radix: 16))"
        }
    }

    /// A float's bits as the bit pattern (decimal, the scripts' notation) and its value or NaN kind.
    static func formatFloat(_ bits: UInt64, bits width: Int) -> String {
        let isNaN: Bool
        let quiet: Bool
        let value: Double
        if width == 32 {
            let float = Float(bitPattern: UInt32(truncatingIfNeeded: bits))
            isNaN = float.isNaN
            quiet = bits & 0x40_0000 != 0
            value = Double(float)
        } else {
            let double = Double(bitPattern: bits)
            isNaN = double.isNaN
            quiet = bits & 0x8_0000_0000_0000 != 0
            value = double
        }
        let hex = "0x" + String(bits, radix: 16)
        if isNaN { return "\(bits) (\(quiet ? "quiet" : "signalling") nan \(hex))" }
        return "\(bits) (\(value))"
    }
}
