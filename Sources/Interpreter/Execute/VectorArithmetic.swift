// Lane arithmetic of the v128 unary, binary and shift operations (see Vector.swift).
//
// Integer lanes wrap unless the operation saturates; comparisons give all-ones or all-zeros
// lanes (a `SIMDMask`'s storage is exactly that); float lanes follow the scalar rules
// (Numerics.swift): min/max with NaN and signed-zero handling, pmin/pmax as `b < a ? b : a`,
// saturating float-to-integer conversions.

typealias I8 = SIMD16<Int8>
typealias U8 = SIMD16<UInt8>
typealias I16 = SIMD8<Int16>
typealias U16 = SIMD8<UInt16>
typealias I32 = SIMD4<Int32>
typealias U32 = SIMD4<UInt32>
typealias I64 = SIMD2<Int64>
typealias F32 = SIMD4<Float>
typealias F64 = SIMD2<Double>

enum VectorArithmetic {
    @inline(__always) static func v<T: SIMD>(_ lanes: T) -> V128Bits { V128Bits(lanes: lanes) }
    @inline(__always) static func mask<T>(_ mask: SIMDMask<T>) -> V128Bits { unsafeBitCast(mask, to: V128Bits.self) }

    @inline(__always)
    static func map<T: SIMD>(_ value: T, _ transform: (T.Scalar) -> T.Scalar) -> T {
        var result = T()
        for lane in result.indices { result[lane] = transform(value[lane]) }
        return result
    }

    @inline(__always)
    static func zip<T: SIMD>(_ a: T, _ b: T, _ combine: (T.Scalar, T.Scalar) -> T.Scalar) -> T {
        var result = T()
        for lane in result.indices { result[lane] = combine(a[lane], b[lane]) }
        return result
    }

    /// Lanes `range` of `value` widened (sign- or zero-extended by the lane types).
    @inline(__always)
    static func widen<Narrow: SIMD, Wide: SIMD>(_ value: Narrow, from start: Int, to _: Wide.Type) -> Wide
    where Narrow.Scalar: FixedWidthInteger, Wide.Scalar: FixedWidthInteger {
        var result = Wide()
        for lane in result.indices { result[lane] = Wide.Scalar(truncatingIfNeeded: value[start + lane]) }
        return result
    }

    // MARK: - Unary

    static func unary(_ op: Op, _ a: V128Bits) -> V128Bits {
        switch op {
        case .v128Not: return ~a
        case .f32x4DemoteF64x2Zero:
            let d = a.lanes(F64.self)
            return v(F32(Float(d[0]), Float(d[1]), 0, 0))
        case .f64x2PromoteLowF32x4:
            let f = a.lanes(F32.self)
            return v(F64(Double(f[0]), Double(f[1])))
        case .i8x16Abs: return v(map(a.lanes(I8.self)) { $0 < 0 ? 0 &- $0 : $0 })
        case .i8x16Neg: return v(0 &- a.lanes(I8.self))
        case .i8x16Popcnt: return v(map(a.lanes(U8.self)) { UInt8($0.nonzeroBitCount) })
        case .f32x4Ceil: return v(map(a.lanes(F32.self)) { $0.rounded(.up) })
        case .f32x4Floor: return v(map(a.lanes(F32.self)) { $0.rounded(.down) })
        case .f32x4Trunc: return v(map(a.lanes(F32.self)) { $0.rounded(.towardZero) })
        case .f32x4Nearest: return v(map(a.lanes(F32.self)) { $0.rounded(.toNearestOrEven) })
        case .f64x2Ceil: return v(map(a.lanes(F64.self)) { $0.rounded(.up) })
        case .f64x2Floor: return v(map(a.lanes(F64.self)) { $0.rounded(.down) })
        case .f64x2Trunc: return v(map(a.lanes(F64.self)) { $0.rounded(.towardZero) })
        case .f64x2Nearest: return v(map(a.lanes(F64.self)) { $0.rounded(.toNearestOrEven) })
        case .i16x8ExtaddPairwiseI8x16S: return v(pairwise(a.lanes(I8.self), I16.self))
        case .i16x8ExtaddPairwiseI8x16U: return v(pairwise(a.lanes(U8.self), U16.self))
        case .i32x4ExtaddPairwiseI16x8S: return v(pairwise(a.lanes(I16.self), I32.self))
        case .i32x4ExtaddPairwiseI16x8U: return v(pairwise(a.lanes(U16.self), U32.self))
        case .i16x8Abs: return v(map(a.lanes(I16.self)) { $0 < 0 ? 0 &- $0 : $0 })
        case .i16x8Neg: return v(0 &- a.lanes(I16.self))
        case .i16x8ExtendLowI8x16S: return v(widen(a.lanes(I8.self), from: 0, to: I16.self))
        case .i16x8ExtendHighI8x16S: return v(widen(a.lanes(I8.self), from: 8, to: I16.self))
        case .i16x8ExtendLowI8x16U: return v(widen(a.lanes(U8.self), from: 0, to: U16.self))
        case .i16x8ExtendHighI8x16U: return v(widen(a.lanes(U8.self), from: 8, to: U16.self))
        case .i32x4Abs: return v(map(a.lanes(I32.self)) { $0 < 0 ? 0 &- $0 : $0 })
        case .i32x4Neg: return v(0 &- a.lanes(I32.self))
        case .i32x4ExtendLowI16x8S: return v(widen(a.lanes(I16.self), from: 0, to: I32.self))
        case .i32x4ExtendHighI16x8S: return v(widen(a.lanes(I16.self), from: 4, to: I32.self))
        case .i32x4ExtendLowI16x8U: return v(widen(a.lanes(U16.self), from: 0, to: U32.self))
        case .i32x4ExtendHighI16x8U: return v(widen(a.lanes(U16.self), from: 4, to: U32.self))
        case .i64x2Abs: return v(map(a.lanes(I64.self)) { $0 < 0 ? 0 &- $0 : $0 })
        case .i64x2Neg: return v(0 &- a.lanes(I64.self))
        case .i64x2ExtendLowI32x4S: return v(widen(a.lanes(I32.self), from: 0, to: I64.self))
        case .i64x2ExtendHighI32x4S: return v(widen(a.lanes(I32.self), from: 2, to: I64.self))
        case .i64x2ExtendLowI32x4U: return v(widen(a.lanes(U32.self), from: 0, to: V128Bits.self))
        case .i64x2ExtendHighI32x4U: return v(widen(a.lanes(U32.self), from: 2, to: V128Bits.self))
        case .f32x4Abs: return v(a.lanes(U32.self) & 0x7FFF_FFFF)
        case .f32x4Neg: return v(a.lanes(U32.self) ^ 0x8000_0000)
        case .f32x4Sqrt: return v(map(a.lanes(F32.self)) { $0.squareRoot() })
        case .f64x2Abs: return a & 0x7FFF_FFFF_FFFF_FFFF
        case .f64x2Neg: return a ^ 0x8000_0000_0000_0000
        case .f64x2Sqrt: return v(map(a.lanes(F64.self)) { $0.squareRoot() })
        case .i32x4TruncSatF32x4S:
            let f = a.lanes(F32.self)
            return v(U32((0..<4).map { low32(Numerics.saturateI32(f[$0])) }))
        case .i32x4TruncSatF32x4U:
            let f = a.lanes(F32.self)
            return v(U32((0..<4).map { low32(Numerics.saturateU32(f[$0])) }))
        case .f32x4ConvertI32x4S:
            let i = a.lanes(I32.self)
            return v(F32(Float(i[0]), Float(i[1]), Float(i[2]), Float(i[3])))
        case .f32x4ConvertI32x4U:
            let i = a.lanes(U32.self)
            return v(F32(Float(i[0]), Float(i[1]), Float(i[2]), Float(i[3])))
        case .i32x4TruncSatF64x2SZero:
            let d = a.lanes(F64.self)
            return v(U32(low32(Numerics.saturateI32(d[0])), low32(Numerics.saturateI32(d[1])), 0, 0))
        case .i32x4TruncSatF64x2UZero:
            let d = a.lanes(F64.self)
            return v(U32(low32(Numerics.saturateU32(d[0])), low32(Numerics.saturateU32(d[1])), 0, 0))
        case .f64x2ConvertLowI32x4S:
            let i = a.lanes(I32.self)
            return v(F64(Double(i[0]), Double(i[1])))
        case .f64x2ConvertLowI32x4U:
            let i = a.lanes(U32.self)
            return v(F64(Double(i[0]), Double(i[1])))
        default:
            return a
        }
    }

    /// Sums of adjacent lane pairs, widened.
    @inline(__always)
    static func pairwise<Narrow: SIMD, Wide: SIMD>(_ value: Narrow, _: Wide.Type) -> Wide
    where Narrow.Scalar: FixedWidthInteger, Wide.Scalar: FixedWidthInteger {
        var result = Wide()
        for lane in result.indices {
            result[lane] =
                Wide.Scalar(truncatingIfNeeded: value[2 * lane]) &+ Wide.Scalar(truncatingIfNeeded: value[2 * lane + 1])
        }
        return result
    }

    // MARK: - Shifts

    static func shift(_ op: Op, _ a: V128Bits, _ count: UInt32) -> V128Bits {
        switch op {
        case .i8x16Shl: return v(a.lanes(U8.self) &<< UInt8(count & 7))
        case .i8x16ShrS: return v(a.lanes(I8.self) &>> Int8(count & 7))
        case .i8x16ShrU: return v(a.lanes(U8.self) &>> UInt8(count & 7))
        case .i16x8Shl: return v(a.lanes(U16.self) &<< UInt16(count & 15))
        case .i16x8ShrS: return v(a.lanes(I16.self) &>> Int16(count & 15))
        case .i16x8ShrU: return v(a.lanes(U16.self) &>> UInt16(count & 15))
        case .i32x4Shl: return v(a.lanes(U32.self) &<< (count & 31))
        case .i32x4ShrS: return v(a.lanes(I32.self) &>> Int32(count & 31))
        case .i32x4ShrU: return v(a.lanes(U32.self) &>> (count & 31))
        case .i64x2Shl: return a &<< UInt64(count & 63)
        case .i64x2ShrS: return v(a.lanes(I64.self) &>> Int64(count & 63))
        default: return a &>> UInt64(count & 63)  // i64x2ShrU
        }
    }
}
