// Lane arithmetic of the v128 binary operations (see Vector.swift and VectorArithmetic.swift).

extension VectorArithmetic {
    static func binary(_ op: Op, _ a: V128Bits, _ b: V128Bits) -> V128Bits {
        switch op {
        case .i8x16Swizzle:
            let lanes = a.lanes(U8.self)
            let selectors = b.lanes(U8.self)
            return v(map(selectors) { $0 < 16 ? lanes[Int($0)] : 0 })

        // Comparisons.
        case .i8x16Eq: return mask(a.lanes(U8.self) .== b.lanes(U8.self))
        case .i8x16Ne: return mask(a.lanes(U8.self) .!= b.lanes(U8.self))
        case .i8x16LtS: return mask(a.lanes(I8.self) .< b.lanes(I8.self))
        case .i8x16LtU: return mask(a.lanes(U8.self) .< b.lanes(U8.self))
        case .i8x16GtS: return mask(a.lanes(I8.self) .> b.lanes(I8.self))
        case .i8x16GtU: return mask(a.lanes(U8.self) .> b.lanes(U8.self))
        case .i8x16LeS: return mask(a.lanes(I8.self) .<= b.lanes(I8.self))
        case .i8x16LeU: return mask(a.lanes(U8.self) .<= b.lanes(U8.self))
        case .i8x16GeS: return mask(a.lanes(I8.self) .>= b.lanes(I8.self))
        case .i8x16GeU: return mask(a.lanes(U8.self) .>= b.lanes(U8.self))
        case .i16x8Eq: return mask(a.lanes(U16.self) .== b.lanes(U16.self))
        case .i16x8Ne: return mask(a.lanes(U16.self) .!= b.lanes(U16.self))
        case .i16x8LtS: return mask(a.lanes(I16.self) .< b.lanes(I16.self))
        case .i16x8LtU: return mask(a.lanes(U16.self) .< b.lanes(U16.self))
        case .i16x8GtS: return mask(a.lanes(I16.self) .> b.lanes(I16.self))
        case .i16x8GtU: return mask(a.lanes(U16.self) .> b.lanes(U16.self))
        case .i16x8LeS: return mask(a.lanes(I16.self) .<= b.lanes(I16.self))
        case .i16x8LeU: return mask(a.lanes(U16.self) .<= b.lanes(U16.self))
        case .i16x8GeS: return mask(a.lanes(I16.self) .>= b.lanes(I16.self))
        case .i16x8GeU: return mask(a.lanes(U16.self) .>= b.lanes(U16.self))
        case .i32x4Eq: return mask(a.lanes(U32.self) .== b.lanes(U32.self))
        case .i32x4Ne: return mask(a.lanes(U32.self) .!= b.lanes(U32.self))
        case .i32x4LtS: return mask(a.lanes(I32.self) .< b.lanes(I32.self))
        case .i32x4LtU: return mask(a.lanes(U32.self) .< b.lanes(U32.self))
        case .i32x4GtS: return mask(a.lanes(I32.self) .> b.lanes(I32.self))
        case .i32x4GtU: return mask(a.lanes(U32.self) .> b.lanes(U32.self))
        case .i32x4LeS: return mask(a.lanes(I32.self) .<= b.lanes(I32.self))
        case .i32x4LeU: return mask(a.lanes(U32.self) .<= b.lanes(U32.self))
        case .i32x4GeS: return mask(a.lanes(I32.self) .>= b.lanes(I32.self))
        case .i32x4GeU: return mask(a.lanes(U32.self) .>= b.lanes(U32.self))
        case .i64x2Eq: return mask(a .== b)
        case .i64x2Ne: return mask(a .!= b)
        case .i64x2LtS: return mask(a.lanes(I64.self) .< b.lanes(I64.self))
        case .i64x2GtS: return mask(a.lanes(I64.self) .> b.lanes(I64.self))
        case .i64x2LeS: return mask(a.lanes(I64.self) .<= b.lanes(I64.self))
        case .i64x2GeS: return mask(a.lanes(I64.self) .>= b.lanes(I64.self))
        case .f32x4Eq: return mask(a.lanes(F32.self) .== b.lanes(F32.self))
        case .f32x4Ne: return mask(a.lanes(F32.self) .!= b.lanes(F32.self))
        case .f32x4Lt: return mask(a.lanes(F32.self) .< b.lanes(F32.self))
        case .f32x4Gt: return mask(a.lanes(F32.self) .> b.lanes(F32.self))
        case .f32x4Le: return mask(a.lanes(F32.self) .<= b.lanes(F32.self))
        case .f32x4Ge: return mask(a.lanes(F32.self) .>= b.lanes(F32.self))
        case .f64x2Eq: return mask(a.lanes(F64.self) .== b.lanes(F64.self))
        case .f64x2Ne: return mask(a.lanes(F64.self) .!= b.lanes(F64.self))
        case .f64x2Lt: return mask(a.lanes(F64.self) .< b.lanes(F64.self))
        case .f64x2Gt: return mask(a.lanes(F64.self) .> b.lanes(F64.self))
        case .f64x2Le: return mask(a.lanes(F64.self) .<= b.lanes(F64.self))
        case .f64x2Ge: return mask(a.lanes(F64.self) .>= b.lanes(F64.self))

        // Bitwise.
        case .v128And: return a & b
        case .v128Andnot: return a & ~b
        case .v128Or: return a | b
        case .v128Xor: return a ^ b

        // i8x16.
        case .i8x16NarrowI16x8S: return v(narrow(a.lanes(I16.self), b.lanes(I16.self), to: I8.self))
        case .i8x16NarrowI16x8U: return v(narrow(a.lanes(I16.self), b.lanes(I16.self), to: U8.self))
        case .i8x16Add: return v(a.lanes(U8.self) &+ b.lanes(U8.self))
        case .i8x16AddSatS: return v(zip(a.lanes(I8.self), b.lanes(I8.self)) { saturating(Int($0) + Int($1)) })
        case .i8x16AddSatU: return v(zip(a.lanes(U8.self), b.lanes(U8.self)) { saturating(Int($0) + Int($1)) })
        case .i8x16Sub: return v(a.lanes(U8.self) &- b.lanes(U8.self))
        case .i8x16SubSatS: return v(zip(a.lanes(I8.self), b.lanes(I8.self)) { saturating(Int($0) - Int($1)) })
        case .i8x16SubSatU: return v(zip(a.lanes(U8.self), b.lanes(U8.self)) { saturating(Int($0) - Int($1)) })
        case .i8x16MinS: return v(pointwiseMin(a.lanes(I8.self), b.lanes(I8.self)))
        case .i8x16MinU: return v(pointwiseMin(a.lanes(U8.self), b.lanes(U8.self)))
        case .i8x16MaxS: return v(pointwiseMax(a.lanes(I8.self), b.lanes(I8.self)))
        case .i8x16MaxU: return v(pointwiseMax(a.lanes(U8.self), b.lanes(U8.self)))
        case .i8x16AvgrU: return v(zip(a.lanes(U8.self), b.lanes(U8.self)) { UInt8((UInt16($0) + UInt16($1) + 1) >> 1) })

        // i16x8.
        case .i16x8Q15mulrSatS:
            return v(zip(a.lanes(I16.self), b.lanes(I16.self)) { saturating((Int($0) * Int($1) + 0x4000) >> 15) })
        case .i16x8NarrowI32x4S: return v(narrow(a.lanes(I32.self), b.lanes(I32.self), to: I16.self))
        case .i16x8NarrowI32x4U: return v(narrow(a.lanes(I32.self), b.lanes(I32.self), to: U16.self))
        case .i16x8Add: return v(a.lanes(U16.self) &+ b.lanes(U16.self))
        case .i16x8AddSatS: return v(zip(a.lanes(I16.self), b.lanes(I16.self)) { saturating(Int($0) + Int($1)) })
        case .i16x8AddSatU: return v(zip(a.lanes(U16.self), b.lanes(U16.self)) { saturating(Int($0) + Int($1)) })
        case .i16x8Sub: return v(a.lanes(U16.self) &- b.lanes(U16.self))
        case .i16x8SubSatS: return v(zip(a.lanes(I16.self), b.lanes(I16.self)) { saturating(Int($0) - Int($1)) })
        case .i16x8SubSatU: return v(zip(a.lanes(U16.self), b.lanes(U16.self)) { saturating(Int($0) - Int($1)) })
        case .i16x8Mul: return v(a.lanes(U16.self) &* b.lanes(U16.self))
        case .i16x8MinS: return v(pointwiseMin(a.lanes(I16.self), b.lanes(I16.self)))
        case .i16x8MinU: return v(pointwiseMin(a.lanes(U16.self), b.lanes(U16.self)))
        case .i16x8MaxS: return v(pointwiseMax(a.lanes(I16.self), b.lanes(I16.self)))
        case .i16x8MaxU: return v(pointwiseMax(a.lanes(U16.self), b.lanes(U16.self)))
        case .i16x8AvgrU:
            return v(zip(a.lanes(U16.self), b.lanes(U16.self)) { UInt16((UInt32($0) + UInt32($1) + 1) >> 1) })
        case .i16x8ExtmulLowI8x16S: return v(extendedProduct(a.lanes(I8.self), b.lanes(I8.self), from: 0, I16.self))
        case .i16x8ExtmulHighI8x16S: return v(extendedProduct(a.lanes(I8.self), b.lanes(I8.self), from: 8, I16.self))
        case .i16x8ExtmulLowI8x16U: return v(extendedProduct(a.lanes(U8.self), b.lanes(U8.self), from: 0, U16.self))
        case .i16x8ExtmulHighI8x16U: return v(extendedProduct(a.lanes(U8.self), b.lanes(U8.self), from: 8, U16.self))

        // i32x4.
        case .i32x4Add: return v(a.lanes(U32.self) &+ b.lanes(U32.self))
        case .i32x4Sub: return v(a.lanes(U32.self) &- b.lanes(U32.self))
        case .i32x4Mul: return v(a.lanes(U32.self) &* b.lanes(U32.self))
        case .i32x4MinS: return v(pointwiseMin(a.lanes(I32.self), b.lanes(I32.self)))
        case .i32x4MinU: return v(pointwiseMin(a.lanes(U32.self), b.lanes(U32.self)))
        case .i32x4MaxS: return v(pointwiseMax(a.lanes(I32.self), b.lanes(I32.self)))
        case .i32x4MaxU: return v(pointwiseMax(a.lanes(U32.self), b.lanes(U32.self)))
        case .i32x4DotI16x8S:
            let x = a.lanes(I16.self)
            let y = b.lanes(I16.self)
            var result = I32()
            for lane in 0..<4 {
                result[lane] = (Int32(x[2 * lane]) &* Int32(y[2 * lane])) &+ (Int32(x[2 * lane + 1]) &* Int32(y[2 * lane + 1]))
            }
            return v(result)
        case .i32x4ExtmulLowI16x8S: return v(extendedProduct(a.lanes(I16.self), b.lanes(I16.self), from: 0, I32.self))
        case .i32x4ExtmulHighI16x8S: return v(extendedProduct(a.lanes(I16.self), b.lanes(I16.self), from: 4, I32.self))
        case .i32x4ExtmulLowI16x8U: return v(extendedProduct(a.lanes(U16.self), b.lanes(U16.self), from: 0, U32.self))
        case .i32x4ExtmulHighI16x8U: return v(extendedProduct(a.lanes(U16.self), b.lanes(U16.self), from: 4, U32.self))

        // i64x2.
        case .i64x2Add: return a &+ b
        case .i64x2Sub: return a &- b
        case .i64x2Mul: return a &* b
        case .i64x2ExtmulLowI32x4S: return v(extendedProduct(a.lanes(I32.self), b.lanes(I32.self), from: 0, I64.self))
        case .i64x2ExtmulHighI32x4S: return v(extendedProduct(a.lanes(I32.self), b.lanes(I32.self), from: 2, I64.self))
        case .i64x2ExtmulLowI32x4U:
            return extendedProduct(a.lanes(U32.self), b.lanes(U32.self), from: 0, V128Bits.self)
        case .i64x2ExtmulHighI32x4U:
            return extendedProduct(a.lanes(U32.self), b.lanes(U32.self), from: 2, V128Bits.self)

        // Floats.
        case .f32x4Add: return v(a.lanes(F32.self) + b.lanes(F32.self))
        case .f32x4Sub: return v(a.lanes(F32.self) - b.lanes(F32.self))
        case .f32x4Mul: return v(a.lanes(F32.self) * b.lanes(F32.self))
        case .f32x4Div: return v(a.lanes(F32.self) / b.lanes(F32.self))
        case .f32x4Min: return v(zip(a.lanes(F32.self), b.lanes(F32.self)) { Numerics.minimum($0, $1) })
        case .f32x4Max: return v(zip(a.lanes(F32.self), b.lanes(F32.self)) { Numerics.maximum($0, $1) })
        case .f32x4Pmin: return v(zip(a.lanes(F32.self), b.lanes(F32.self)) { $1 < $0 ? $1 : $0 })
        case .f32x4Pmax: return v(zip(a.lanes(F32.self), b.lanes(F32.self)) { $0 < $1 ? $1 : $0 })
        case .f64x2Add: return v(a.lanes(F64.self) + b.lanes(F64.self))
        case .f64x2Sub: return v(a.lanes(F64.self) - b.lanes(F64.self))
        case .f64x2Mul: return v(a.lanes(F64.self) * b.lanes(F64.self))
        case .f64x2Div: return v(a.lanes(F64.self) / b.lanes(F64.self))
        case .f64x2Min: return v(zip(a.lanes(F64.self), b.lanes(F64.self)) { Numerics.minimum($0, $1) })
        case .f64x2Max: return v(zip(a.lanes(F64.self), b.lanes(F64.self)) { Numerics.maximum($0, $1) })
        case .f64x2Pmin: return v(zip(a.lanes(F64.self), b.lanes(F64.self)) { $1 < $0 ? $1 : $0 })
        case .f64x2Pmax: return v(zip(a.lanes(F64.self), b.lanes(F64.self)) { $0 < $1 ? $1 : $0 })
        default:
            return a
        }
    }

    /// `value` clamped to the range of `T`.
    @inline(__always)
    static func saturating<T: FixedWidthInteger>(_ value: Int) -> T {
        if value < Int(T.min) { return T.min }
        if value > Int(T.max) { return T.max }
        return T(value)
    }

    /// The lanes of `a` then `b`, each clamped to the narrower lane type.
    @inline(__always)
    static func narrow<Wide: SIMD, Narrow: SIMD>(_ a: Wide, _ b: Wide, to _: Narrow.Type) -> Narrow
    where Wide.Scalar: FixedWidthInteger, Narrow.Scalar: FixedWidthInteger {
        var result = Narrow()
        let half = a.scalarCount
        for lane in 0..<half {
            result[lane] = saturating(Int(a[lane]))
            result[half + lane] = saturating(Int(b[lane]))
        }
        return result
    }

    @inline(__always)
    static func pointwiseMin<T: SIMD>(_ a: T, _ b: T) -> T where T.Scalar: Comparable {
        zip(a, b) { Swift.min($0, $1) }
    }

    @inline(__always)
    static func pointwiseMax<T: SIMD>(_ a: T, _ b: T) -> T where T.Scalar: Comparable {
        zip(a, b) { Swift.max($0, $1) }
    }

    /// Products of lanes `start...` of `a` and `b`, widened first.
    @inline(__always)
    static func extendedProduct<Narrow: SIMD, Wide: SIMD>(_ a: Narrow, _ b: Narrow, from start: Int, _: Wide.Type)
        -> Wide
    where Narrow.Scalar: FixedWidthInteger, Wide.Scalar: FixedWidthInteger {
        var result = Wide()
        for lane in result.indices {
            result[lane] =
                Wide.Scalar(truncatingIfNeeded: a[start + lane]) &* Wide.Scalar(truncatingIfNeeded: b[start + lane])
        }
        return result
    }
}
