// The value rules of the spec engines that run modules through RuntimeSupport: argument encoding,
// result comparison (NaN patterns, lanes, references, `either`), signatures, and the trap-message
// rule.

import Foundation
import RuntimeSupport
import SpecHarness
import Testing

@testable import SpecEngineSupport

@Suite struct RuntimeValueTests {
    private func value(_ json: String) throws -> SpecValue {
        try JSONDecoder().decode(SpecValue.self, from: Data(json.utf8))
    }

    private func f32(_ bits: UInt32) -> RuntimeValue {
        var value = w2n_value()
        value.i32 = bits
        return RuntimeValue(kind: .f32, bits: value)
    }

    private func f64(_ bits: UInt64) -> RuntimeValue {
        var value = w2n_value()
        value.i64 = bits
        return RuntimeValue(kind: .f64, bits: value)
    }

    @Test func canonicalNaNIsOnlyTheQuietBitEitherSign() throws {
        let canonical = try value(#"{"type":"f32","value":"nan:canonical"}"#)
        #expect(RuntimeValue.matches(f32(0x7FC0_0000), expected: canonical))
        #expect(RuntimeValue.matches(f32(0xFFC0_0000), expected: canonical))
        #expect(!RuntimeValue.matches(f32(0x7FC0_0001), expected: canonical))
        #expect(!RuntimeValue.matches(f32(0x7FA0_0000), expected: canonical))
        let canonical64 = try value(#"{"type":"f64","value":"nan:canonical"}"#)
        #expect(RuntimeValue.matches(f64(0xFFF8_0000_0000_0000), expected: canonical64))
        #expect(!RuntimeValue.matches(f64(0x7FF8_0000_0000_0001), expected: canonical64))
    }

    @Test func arithmeticNaNNeedsTheQuietBit() throws {
        let arithmetic = try value(#"{"type":"f32","value":"nan:arithmetic"}"#)
        #expect(RuntimeValue.matches(f32(0x7FC0_0001), expected: arithmetic))
        #expect(RuntimeValue.matches(f32(0xFFE0_0000), expected: arithmetic))
        #expect(!RuntimeValue.matches(f32(0x7FA0_0000), expected: arithmetic))  // signalling
        #expect(!RuntimeValue.matches(f32(0x7F80_0000), expected: arithmetic))  // infinity
        let arithmetic64 = try value(#"{"type":"f64","value":"nan:arithmetic"}"#)
        #expect(RuntimeValue.matches(f64(0x7FFC_0000_0000_0000), expected: arithmetic64))
        #expect(!RuntimeValue.matches(f64(0x7FF4_0000_0000_0000), expected: arithmetic64))
    }

    @Test func floatsOtherwiseCompareBitwise() throws {
        let negativeZero = try value(#"{"type":"f32","value":"2147483648"}"#)
        #expect(RuntimeValue.matches(f32(0x8000_0000), expected: negativeZero))
        #expect(!RuntimeValue.matches(f32(0), expected: negativeZero))
        let nan = try value(#"{"type":"f32","value":"2143289345"}"#)
        #expect(RuntimeValue.matches(f32(0x7FC0_0001), expected: nan))
        #expect(!RuntimeValue.matches(f32(0x7FC0_0000), expected: nan))
    }

    @Test func integersAcceptSignedAndUnsignedSpellings() throws {
        var bits = w2n_value()
        bits.i32 = 0xFFFF_FFFF
        let result = RuntimeValue(kind: .i32, bits: bits)
        #expect(RuntimeValue.matches(result, expected: try value(#"{"type":"i32","value":"-1"}"#)))
        #expect(RuntimeValue.matches(result, expected: try value(#"{"type":"i32","value":"4294967295"}"#)))
        #expect(!RuntimeValue.matches(result, expected: try value(#"{"type":"i64","value":"4294967295"}"#)))
    }

    @Test func vectorsCompareLaneByLaneInTheScriptsLaneType() throws {
        let arguments = try value(#"{"type":"v128","lane_type":"i8","value":["-1","1","2","3","4","5","6","7","8","9","10","11","12","13","14","255"]}"#)
        guard case .success(let bits) = RuntimeValue.encode(arguments, as: .v128) else {
            Issue.record("v128 argument not encoded")
            return
        }
        #expect(bits.v128.low == 0x0706_0504_0302_01FF)
        #expect(bits.v128.high == 0xFF0E_0D0C_0B0A_0908)
        let result = RuntimeValue(kind: .v128, bits: bits)
        #expect(RuntimeValue.matches(result, expected: arguments))
        var nanBits = w2n_value()
        nanBits.v128 = w2n_v128(low: 0xFFC0_0000_7FC0_0000, high: 0x3F80_0000_7FC0_0001)
        let lanes = RuntimeValue(kind: .v128, bits: nanBits)
        let pattern = try value(#"{"type":"v128","lane_type":"f32","value":["nan:canonical","nan:canonical","nan:arithmetic","1065353216"]}"#)
        #expect(RuntimeValue.matches(lanes, expected: pattern))
        let strict = try value(#"{"type":"v128","lane_type":"f32","value":["nan:canonical","nan:canonical","nan:canonical","1065353216"]}"#)
        #expect(!RuntimeValue.matches(lanes, expected: strict))
    }

    @Test func externrefsAreHostPointersNPlusOne() throws {
        let three = try value(#"{"type":"externref","value":"3"}"#)
        guard case .success(let bits) = RuntimeValue.encode(three, as: .externref) else {
            Issue.record("externref argument not encoded")
            return
        }
        #expect(UInt(bitPattern: bits.ref) == 4)
        let result = RuntimeValue(kind: .externref, bits: bits)
        #expect(RuntimeValue.matches(result, expected: three))
        #expect(!RuntimeValue.matches(result, expected: try value(#"{"type":"externref","value":"null"}"#)))
        #expect(RuntimeValue.matches(result, expected: try value(#"{"type":"externref"}"#)))
        guard case .success(let null) = RuntimeValue.encode(try value(#"{"type":"externref","value":"null"}"#), as: .externref)
        else {
            Issue.record("null externref not encoded")
            return
        }
        #expect(null.ref == nil)
        #expect(RuntimeValue.matches(RuntimeValue(kind: .externref, bits: null), expected: try value(#"{"type":"refnull"}"#)))
    }

    @Test func funcrefsAreNullOrAnyNonNull() throws {
        var bits = w2n_value()
        bits.ref = UnsafeMutableRawPointer(bitPattern: 0x1000)
        let function = RuntimeValue(kind: .funcref, bits: bits)
        #expect(RuntimeValue.matches(function, expected: try value(#"{"type":"funcref"}"#)))
        #expect(!RuntimeValue.matches(function, expected: try value(#"{"type":"funcref","value":"null"}"#)))
        #expect(!RuntimeValue.matches(function, expected: try value(#"{"type":"externref"}"#)))
    }

    @Test func eitherMatchesAnyAlternative() throws {
        let either = try value(
            #"{"type":"either","values":[{"type":"f32","value":"0"},{"type":"f32","value":"nan:canonical"}]}"#)
        #expect(RuntimeValue.matches(f32(0), expected: either))
        #expect(RuntimeValue.matches(f32(0x7FC0_0000), expected: either))
        #expect(!RuntimeValue.matches(f32(0x3F80_0000), expected: either))
    }

    @Test func argumentsMustHaveTheParameterType() throws {
        guard case .failure = RuntimeValue.encode(try value(#"{"type":"i64","value":"1"}"#), as: .i32) else {
            Issue.record("an i64 was accepted for an i32 parameter")
            return
        }
    }

    @Test func signaturesReadTheDescriptorFormat() {
        let signature = RuntimeValue.Signature("iIfFvre:iF")
        #expect(signature?.parameters == [.i32, .i64, .f32, .f64, .v128, .funcref, .externref])
        #expect(signature?.results == [.i32, .f64])
        #expect(RuntimeValue.Signature(":")?.parameters == [])
        #expect(RuntimeValue.Signature("ix:") == nil)
        #expect(RuntimeValue.Signature("i") == nil)
    }

    @Test func describingShowsBitsAndValues() {
        #expect(RuntimeValue.describe(f32(0x3F80_0000), laneType: nil) == "f32 1065353216 (1.0)")
        #expect(RuntimeValue.describe(f32(0x7FA0_0000), laneType: nil) == "f32 2141192192 (signalling nan 0x7fa00000)")
    }

    @Test func trapsFollowThePrefixRule() {
        #expect(RuntimeValue.judgeTrap(message: "integer divide by zero", expected: "integer divide") == .passed)
        #expect(
            RuntimeValue.judgeTrap(message: "uninitialized element", expected: "uninitialized element 2")
                == .passed(message: MessageCheck(expected: "uninitialized element 2", actual: "uninitialized element")))
        #expect(
            RuntimeValue.judgeTrap(message: "unreachable", expected: "integer overflow")
                == .failed(expected: "trap: integer overflow", got: "trap: unreachable"))
    }
}
