// The scalar operations the dispatch loop hands off: integer division (which traps), integer
// and float unary operations, and the conversions that are more than a move.

enum Scalar {
    /// div_s, div_u, rem_s, rem_u for i32 and i64: "integer divide by zero" for a zero divisor,
    /// "integer overflow" for the signed minimum divided by -1 (its remainder is 0).
    @inline(never)
    static func divide(_ i: Inst, slots sp: UnsafeMutablePointer<UInt64>) -> UInt32 {
        let left = sp[Int(i.b)]
        let right = sp[Int(i.c)]
        switch i.op {
        case .i32DivS, .i32RemS:
            let l = signed(left)
            let r = signed(right)
            if r == 0 { return TrapCode.integerDivideByZero }
            if r == -1 {
                if i.op == .i32RemS {
                    sp[Int(i.a)] = 0
                    return TrapCode.none
                }
                if l == .min { return TrapCode.integerOverflow }
            }
            sp[Int(i.a)] = slot(i.op == .i32DivS ? l / r : l % r)
        case .i32DivU, .i32RemU:
            let l = low32(left)
            let r = low32(right)
            if r == 0 { return TrapCode.integerDivideByZero }
            sp[Int(i.a)] = slot(i.op == .i32DivU ? l / r : l % r)
        case .i64DivS, .i64RemS:
            let l = signed64(left)
            let r = signed64(right)
            if r == 0 { return TrapCode.integerDivideByZero }
            if r == -1 {
                if i.op == .i64RemS {
                    sp[Int(i.a)] = 0
                    return TrapCode.none
                }
                if l == .min { return TrapCode.integerOverflow }
            }
            sp[Int(i.a)] = UInt64(bitPattern: i.op == .i64DivS ? l / r : l % r)
        default:
            if right == 0 { return TrapCode.integerDivideByZero }
            sp[Int(i.a)] = i.op == .i64DivU ? left / right : left % right
        }
        return TrapCode.none
    }

    /// Unary operations and conversions (the Unary and Conversion categories, except the moves
    /// the loop does itself).
    @inline(never)
    static func execute(_ i: Inst, slots sp: UnsafeMutablePointer<UInt64>) -> UInt32 {
        let value = sp[Int(i.b)]
        let result: UInt64
        switch i.op {
        case .i32Clz: result = UInt64(low32(value).leadingZeroBitCount)
        case .i32Ctz: result = UInt64(low32(value).trailingZeroBitCount)
        case .i32Popcnt: result = UInt64(low32(value).nonzeroBitCount)
        case .i64Clz: result = UInt64(value.leadingZeroBitCount)
        case .i64Ctz: result = UInt64(value.trailingZeroBitCount)
        case .i64Popcnt: result = UInt64(value.nonzeroBitCount)
        case .i32Extend8S: result = slot(Int32(Int8(truncatingIfNeeded: value)))
        case .i32Extend16S: result = slot(Int32(Int16(truncatingIfNeeded: value)))
        case .i64Extend8S: result = UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: value)))
        case .i64Extend16S: result = UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: value)))
        case .i64Extend32S: result = UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: value)))
        case .f32Abs: result = Numerics.abs32(value)
        case .f32Neg: result = Numerics.neg32(value)
        case .f32Ceil: result = slot(float(value).rounded(.up))
        case .f32Floor: result = slot(float(value).rounded(.down))
        case .f32Trunc: result = slot(float(value).rounded(.towardZero))
        case .f32Nearest: result = slot(float(value).rounded(.toNearestOrEven))
        case .f32Sqrt: result = slot(float(value).squareRoot())
        case .f64Abs: result = Numerics.abs64(value)
        case .f64Neg: result = Numerics.neg64(value)
        case .f64Ceil: result = slot(double(value).rounded(.up))
        case .f64Floor: result = slot(double(value).rounded(.down))
        case .f64Trunc: result = slot(double(value).rounded(.towardZero))
        case .f64Nearest: result = slot(double(value).rounded(.toNearestOrEven))
        case .f64Sqrt: result = slot(double(value).squareRoot())

        case .i32TruncF32S:
            let (t, trap) = Numerics.truncate(float(value), above: Numerics.i32MinF32, below: Numerics.i32MaxF32)
            if trap != TrapCode.none { return trap }
            result = slot(Int32(t))
        case .i32TruncF32U:
            let (t, trap) = Numerics.truncate(float(value), above: -1, below: Numerics.u32MaxF32)
            if trap != TrapCode.none { return trap }
            result = UInt64(UInt32(t))
        case .i32TruncF64S:
            let (t, trap) = Numerics.truncate(double(value), above: Numerics.i32MinF64, below: Numerics.i32MaxF64)
            if trap != TrapCode.none { return trap }
            result = slot(Int32(t))
        case .i32TruncF64U:
            let (t, trap) = Numerics.truncate(double(value), above: -1, below: Numerics.u32MaxF64)
            if trap != TrapCode.none { return trap }
            result = UInt64(UInt32(t))
        case .i64TruncF32S:
            let (t, trap) = Numerics.truncate(float(value), above: Numerics.i64MinF32, below: Numerics.i64MaxF32)
            if trap != TrapCode.none { return trap }
            result = UInt64(bitPattern: Int64(t))
        case .i64TruncF32U:
            let (t, trap) = Numerics.truncate(float(value), above: -1, below: Numerics.u64MaxF32)
            if trap != TrapCode.none { return trap }
            result = UInt64(t)
        case .i64TruncF64S:
            let (t, trap) = Numerics.truncate(double(value), above: Numerics.i64MinF64, below: Numerics.i64MaxF64)
            if trap != TrapCode.none { return trap }
            result = UInt64(bitPattern: Int64(t))
        case .i64TruncF64U:
            let (t, trap) = Numerics.truncate(double(value), above: -1, below: Numerics.u64MaxF64)
            if trap != TrapCode.none { return trap }
            result = UInt64(t)
        case .i32TruncSatF32S: result = Numerics.saturateI32(float(value))
        case .i32TruncSatF32U: result = Numerics.saturateU32(float(value))
        case .i32TruncSatF64S: result = Numerics.saturateI32(double(value))
        case .i32TruncSatF64U: result = Numerics.saturateU32(double(value))
        case .i64TruncSatF32S: result = Numerics.saturateI64(float(value))
        case .i64TruncSatF32U: result = Numerics.saturateU64(float(value))
        case .i64TruncSatF64S: result = Numerics.saturateI64(double(value))
        case .i64TruncSatF64U: result = Numerics.saturateU64(double(value))

        case .f32ConvertI32S: result = slot(Float(signed(value)))
        case .f32ConvertI32U: result = slot(Float(low32(value)))
        case .f32ConvertI64S: result = slot(Float(signed64(value)))
        case .f32ConvertI64U: result = slot(Float(value))
        case .f32DemoteF64: result = slot(Float(double(value)))
        case .f64ConvertI32S: result = slot(Double(signed(value)))
        case .f64ConvertI32U: result = slot(Double(low32(value)))
        case .f64ConvertI64S: result = slot(Double(signed64(value)))
        case .f64ConvertI64U: result = slot(Double(value))
        case .f64PromoteF32: result = slot(Double(float(value)))
        default:
            return TrapCode.host
        }
        sp[Int(i.a)] = result
        return TrapCode.none
    }
}
