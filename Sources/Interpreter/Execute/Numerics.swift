// Scalar semantics that take more than one Swift operator: float min/max, sign operations on bit
// patterns, and float-to-integer conversions (trapping and saturating).
//
// <https://webassembly.github.io/spec/core/exec/numerics.html>
//
// Slots hold raw bits: an i32 or f32 in the low 32 bits (the high bits are whatever the last
// write left; every reader truncates), an i64 or f64 in all 64. NaN results of arithmetic come
// from the host FPU, which gives either the canonical NaN or a quieted input NaN: both are what
// the spec allows. Operations the spec defines on bits (abs, neg, copysign) never touch the FPU.

@inline(__always) func low32(_ bits: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: bits) }
@inline(__always) func float(_ bits: UInt64) -> Float { Float(bitPattern: UInt32(truncatingIfNeeded: bits)) }
@inline(__always) func double(_ bits: UInt64) -> Double { Double(bitPattern: bits) }
@inline(__always) func slot(_ value: Float) -> UInt64 { UInt64(value.bitPattern) }
@inline(__always) func slot(_ value: Double) -> UInt64 { value.bitPattern }
@inline(__always) func slot(_ value: UInt32) -> UInt64 { UInt64(value) }
@inline(__always) func slot(_ value: Int32) -> UInt64 { UInt64(UInt32(bitPattern: value)) }
@inline(__always) func slot(_ value: Bool) -> UInt64 { value ? 1 : 0 }
@inline(__always) func signed(_ bits: UInt64) -> Int32 { Int32(truncatingIfNeeded: bits) }
@inline(__always) func signed64(_ bits: UInt64) -> Int64 { Int64(bitPattern: bits) }

/// Trap codes (w2n_trap_code values) the executor returns.
enum TrapCode {
    static let none: UInt32 = 0
    static let unreachable: UInt32 = 1
    static let outOfBoundsMemory: UInt32 = 2
    static let integerDivideByZero: UInt32 = 3
    static let integerOverflow: UInt32 = 4
    static let invalidConversion: UInt32 = 5
    static let indirectCallTypeMismatch: UInt32 = 6
    static let undefinedElement: UInt32 = 7
    static let uninitializedElement: UInt32 = 8
    static let outOfBoundsTable: UInt32 = 9
    static let callStackExhausted: UInt32 = 10
    static let nullReference: UInt32 = 11
    static let host: UInt32 = 12
    static let exit: UInt32 = 13
    static let unresolvedImport: UInt32 = 14
}

enum Numerics {
    // MARK: - Rotations

    /// Rotates left by `count` modulo 32.
    @inline(__always) static func rotl32(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value &<< count) | (value &>> (32 &- count))
    }

    /// Rotates left by `count` modulo 64.
    @inline(__always) static func rotl64(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value &<< count) | (value &>> (64 &- count))
    }

    // MARK: - min, max

    /// fmin: NaN when either is NaN; -0 below +0.
    @inline(__always)
    static func minimum<F: BinaryFloatingPoint>(_ a: F, _ b: F) -> F {
        if a.isNaN || b.isNaN { return a + b }
        if a == b { return a.sign == .minus ? a : b }
        return a < b ? a : b
    }

    /// fmax: NaN when either is NaN; +0 above -0.
    @inline(__always)
    static func maximum<F: BinaryFloatingPoint>(_ a: F, _ b: F) -> F {
        if a.isNaN || b.isNaN { return a + b }
        if a == b { return a.sign == .minus ? b : a }
        return a > b ? a : b
    }

    // MARK: - Sign operations on bits

    @inline(__always) static func abs32(_ bits: UInt64) -> UInt64 { UInt64(low32(bits) & 0x7FFF_FFFF) }
    @inline(__always) static func neg32(_ bits: UInt64) -> UInt64 { UInt64(low32(bits) ^ 0x8000_0000) }
    @inline(__always) static func copysign32(_ a: UInt64, _ b: UInt64) -> UInt64 {
        UInt64((low32(a) & 0x7FFF_FFFF) | (low32(b) & 0x8000_0000))
    }
    @inline(__always) static func abs64(_ bits: UInt64) -> UInt64 { bits & 0x7FFF_FFFF_FFFF_FFFF }
    @inline(__always) static func neg64(_ bits: UInt64) -> UInt64 { bits ^ 0x8000_0000_0000_0000 }
    @inline(__always) static func copysign64(_ a: UInt64, _ b: UInt64) -> UInt64 {
        (a & 0x7FFF_FFFF_FFFF_FFFF) | (b & 0x8000_0000_0000_0000)
    }

    // MARK: - Float to integer

    /// The integer part of `value` when `lower < value < upper` (exclusive bounds, chosen so that
    /// the truncated value fits), else the trap: NaN is "invalid conversion to integer", anything
    /// else out of range "integer overflow".
    @inline(__always)
    static func truncate<F: BinaryFloatingPoint>(_ value: F, above lower: F, below upper: F) -> (F, UInt32) {
        if value.isNaN { return (0, TrapCode.invalidConversion) }
        if !(value > lower && value < upper) { return (0, TrapCode.integerOverflow) }
        return (value.rounded(.towardZero), TrapCode.none)
    }

    // Bounds: the largest value whose truncation underflows / the smallest that overflows.
    static let i32MinF32: Float = -2_147_483_904.0  // -2^31 - 256: next float below -2^31
    static let i32MaxF32: Float = 2_147_483_648.0
    static let u32MaxF32: Float = 4_294_967_296.0
    static let i32MinF64: Double = -2_147_483_649.0
    static let i32MaxF64: Double = 2_147_483_648.0
    static let u32MaxF64: Double = 4_294_967_296.0
    static let i64MinF32: Float = -9_223_373_136_366_403_584.0  // next float below -2^63
    static let i64MaxF32: Float = 9_223_372_036_854_775_808.0
    static let u64MaxF32: Float = 18_446_744_073_709_551_616.0
    static let i64MinF64: Double = -9_223_372_036_854_777_856.0  // next double below -2^63
    static let i64MaxF64: Double = 9_223_372_036_854_775_808.0
    static let u64MaxF64: Double = 18_446_744_073_709_551_616.0

    /// i32.trunc_sat_*: NaN is 0, out of range is the nearest bound.
    @inline(__always)
    static func saturateI32<F: BinaryFloatingPoint>(_ value: F) -> UInt64 {
        if value.isNaN { return 0 }
        if value <= -2_147_483_648.0 { return slot(Int32.min) }
        if value >= 2_147_483_647.0 { return slot(Int32.max) }
        return slot(Int32(value.rounded(.towardZero)))
    }

    @inline(__always)
    static func saturateU32<F: BinaryFloatingPoint>(_ value: F) -> UInt64 {
        if value.isNaN || value <= 0 { return 0 }
        if value >= 4_294_967_295.0 { return UInt64(UInt32.max) }
        return UInt64(UInt32(value.rounded(.towardZero)))
    }

    @inline(__always)
    static func saturateI64<F: BinaryFloatingPoint>(_ value: F) -> UInt64 {
        if value.isNaN { return 0 }
        if value <= -9_223_372_036_854_775_808.0 { return UInt64(bitPattern: Int64.min) }
        if value >= 9_223_372_036_854_775_808.0 { return UInt64(bitPattern: Int64.max) }
        return UInt64(bitPattern: Int64(value.rounded(.towardZero)))
    }

    @inline(__always)
    static func saturateU64<F: BinaryFloatingPoint>(_ value: F) -> UInt64 {
        if value.isNaN || value <= 0 { return 0 }
        if value >= 18_446_744_073_709_551_616.0 { return UInt64.max }
        return UInt64(value.rounded(.towardZero))
    }
}
