// Lane-wise SIMD arithmetic with exact wasm semantics: wrapping and saturating integer
// arithmetic, masked shifts, all-ones/all-zeros comparison lanes, saturating narrowing,
// NaN-propagating float min/max, saturating float-to-int conversions. No fast-math flags, no
// floating-point contraction. Shapes and bitcasts are in EmitSIMD.swift.
// <https://webassembly.github.io/spec/core/exec/numerics.html>
// <https://webassembly.github.io/spec/core/exec/instructions.html#vector-instructions>

import CLLVM
import WasmParser

extension FunctionLowering {
    // MARK: - Unary

    mutating func visitSIMDUnary(_ instruction: Instruction.SIMDUnary) throws(WasmParserError) {
        guard isReachable else { return }
        let operand = pop()
        let b = builder.builder
        let name = instruction.name
        /// A one-operand intrinsic over the lanes of `shape`.
        func intrinsic(_ intrinsicName: String, _ shape: LaneShape, _ extra: [LLVMValueRef] = []) -> LLVMValueRef {
            builder.intrinsic(intrinsicName, overloads: [vectorType(shape)], [lanes(operand, shape)] + extra, name)
        }
        /// `iNxM.abs`: |INT_MIN| is INT_MIN (the intrinsic must not make it poison).
        func abs(_ shape: LaneShape) -> LLVMValueRef { intrinsic("llvm.abs", shape, [builder.i1(false)]) }
        /// `iNxM.neg`: 0 - x, wrapping.
        func neg(_ shape: LaneShape) -> LLVMValueRef { LLVMBuildNeg(b, lanes(operand, shape), name) }
        /// `fNxM.ceil/floor/trunc/nearest`. Without SSE4.1 these become libm calls per lane, and
        /// musl's return a signalling NaN unchanged where wasm wants a quiet one, hence the
        /// quieting. `nearest` is `llvm.nearbyint`: it rounds in the current rounding mode, which
        /// is always to-nearest-even here (nothing changes it), and unlike `llvm.roundeven` it has
        /// a libm fallback that musl provides (`roundevenf` is missing there).
        func rounding(_ intrinsicName: String, _ shape: LaneShape) -> LLVMValueRef {
            quietNaNLanes(intrinsic(intrinsicName, shape), shape)
        }
        /// `iNxM.extadd_pairwise_*`: each result lane is the sum of two adjacent lanes, extended.
        func extaddPairwise(_ shape: LaneShape, signed: Bool) -> LLVMValueRef {
            let half = shape.laneCount / 2
            let vector = lanes(operand, shape)
            let wide = types.vector(LLVMIntTypeInContext(builder.context, shape.laneBits * 2), half)
            let even = shuffle(vector, LLVMGetPoison(LLVMTypeOf(vector)), (0..<half).map { 2 * $0 })
            let odd = shuffle(vector, LLVMGetPoison(LLVMTypeOf(vector)), (0..<half).map { 2 * $0 + 1 })
            return signed
                ? LLVMBuildAdd(b, builder.sext(even, wide), builder.sext(odd, wide), name)
                : LLVMBuildAdd(b, builder.zext(even, wide), builder.zext(odd, wide), name)
        }
        /// `i32x4.trunc_sat_f32x4_*`, `i32x4.trunc_sat_f64x2_*_zero`: NaN → 0, out of range → the bound.
        func truncSat(_ source: LaneShape, signed: Bool) -> LLVMValueRef {
            let target = types.vector(types.i32, source.laneCount)
            let converted = builder.intrinsic(
                signed ? "llvm.fptosi.sat" : "llvm.fptoui.sat", overloads: [target, vectorType(source)],
                [lanes(operand, source)], source == .f64x2 ? "" : name)
            return source == .f64x2 ? padWithZeros(converted, name) : converted
        }
        /// `f64x2.convert_low_i32x4_*`: the two low i32 lanes, converted exactly.
        func convertLow(signed: Bool) -> LLVMValueRef {
            let low = subvector(lanes(operand, .i32x4), from: 0, count: 2)
            let target = vectorType(.f64x2)
            return signed ? LLVMBuildSIToFP(b, low, target, name) : LLVMBuildUIToFP(b, low, target, name)
        }

        let result: LLVMValueRef
        switch instruction {
        case .v128Not: result = LLVMBuildNot(b, operand, name)
        case .f32x4DemoteF64x2Zero:
            let demoted = LLVMBuildFPTrunc(b, lanes(operand, .f64x2), types.vector(types.f32, 2), "")!
            let padded = padWithZeros(demoted, name)
            // fptrunc(fpext x) folds to x, which would keep a signalling NaN signalling.
            result = isPromotion(operand) ? quietNaNLanes(padded, .f32x4) : padded
        case .f64x2PromoteLowF32x4:
            result = LLVMBuildFPExt(b, subvector(lanes(operand, .f32x4), from: 0, count: 2), vectorType(.f64x2), name)
        case .i8x16Abs: result = abs(.i8x16)
        case .i16x8Abs: result = abs(.i16x8)
        case .i32x4Abs: result = abs(.i32x4)
        case .i64x2Abs: result = abs(.i64x2)
        case .i8x16Neg: result = neg(.i8x16)
        case .i16x8Neg: result = neg(.i16x8)
        case .i32x4Neg: result = neg(.i32x4)
        case .i64x2Neg: result = neg(.i64x2)
        case .i8x16Popcnt: result = intrinsic("llvm.ctpop", .i8x16)
        case .f32x4Ceil: result = rounding("llvm.ceil", .f32x4)
        case .f32x4Floor: result = rounding("llvm.floor", .f32x4)
        case .f32x4Trunc: result = rounding("llvm.trunc", .f32x4)
        case .f32x4Nearest: result = rounding("llvm.nearbyint", .f32x4)
        case .f64x2Ceil: result = rounding("llvm.ceil", .f64x2)
        case .f64x2Floor: result = rounding("llvm.floor", .f64x2)
        case .f64x2Trunc: result = rounding("llvm.trunc", .f64x2)
        case .f64x2Nearest: result = rounding("llvm.nearbyint", .f64x2)
        case .f32x4Abs: result = intrinsic("llvm.fabs", .f32x4)
        case .f64x2Abs: result = intrinsic("llvm.fabs", .f64x2)
        case .f32x4Neg: result = LLVMBuildFNeg(b, lanes(operand, .f32x4), name)
        case .f64x2Neg: result = LLVMBuildFNeg(b, lanes(operand, .f64x2), name)
        case .f32x4Sqrt: result = intrinsic("llvm.sqrt", .f32x4)
        case .f64x2Sqrt: result = intrinsic("llvm.sqrt", .f64x2)
        case .i16x8ExtaddPairwiseI8x16S: result = extaddPairwise(.i8x16, signed: true)
        case .i16x8ExtaddPairwiseI8x16U: result = extaddPairwise(.i8x16, signed: false)
        case .i32x4ExtaddPairwiseI16x8S: result = extaddPairwise(.i16x8, signed: true)
        case .i32x4ExtaddPairwiseI16x8U: result = extaddPairwise(.i16x8, signed: false)
        case .i16x8ExtendLowI8x16S: result = extendHalf(operand, .i8x16, high: false, signed: true)
        case .i16x8ExtendHighI8x16S: result = extendHalf(operand, .i8x16, high: true, signed: true)
        case .i16x8ExtendLowI8x16U: result = extendHalf(operand, .i8x16, high: false, signed: false)
        case .i16x8ExtendHighI8x16U: result = extendHalf(operand, .i8x16, high: true, signed: false)
        case .i32x4ExtendLowI16x8S: result = extendHalf(operand, .i16x8, high: false, signed: true)
        case .i32x4ExtendHighI16x8S: result = extendHalf(operand, .i16x8, high: true, signed: true)
        case .i32x4ExtendLowI16x8U: result = extendHalf(operand, .i16x8, high: false, signed: false)
        case .i32x4ExtendHighI16x8U: result = extendHalf(operand, .i16x8, high: true, signed: false)
        case .i64x2ExtendLowI32x4S: result = extendHalf(operand, .i32x4, high: false, signed: true)
        case .i64x2ExtendHighI32x4S: result = extendHalf(operand, .i32x4, high: true, signed: true)
        case .i64x2ExtendLowI32x4U: result = extendHalf(operand, .i32x4, high: false, signed: false)
        case .i64x2ExtendHighI32x4U: result = extendHalf(operand, .i32x4, high: true, signed: false)
        case .i32x4TruncSatF32x4S: result = truncSat(.f32x4, signed: true)
        case .i32x4TruncSatF32x4U: result = truncSat(.f32x4, signed: false)
        case .i32x4TruncSatF64x2SZero: result = truncSat(.f64x2, signed: true)
        case .i32x4TruncSatF64x2UZero: result = truncSat(.f64x2, signed: false)
        case .f32x4ConvertI32x4S: result = LLVMBuildSIToFP(b, lanes(operand, .i32x4), vectorType(.f32x4), name)
        case .f32x4ConvertI32x4U: result = LLVMBuildUIToFP(b, lanes(operand, .i32x4), vectorType(.f32x4), name)
        case .f64x2ConvertLowI32x4S: result = convertLow(signed: true)
        case .f64x2ConvertLowI32x4U: result = convertLow(signed: false)
        }
        pushVector(result)
    }

    // MARK: - Binary

    mutating func visitSIMDBinary(_ instruction: Instruction.SIMDBinary) throws(WasmParserError) {
        guard isReachable else { return }
        let rhsVector = pop()
        let lhsVector = pop()
        let b = builder.builder
        let name = instruction.name
        /// `operation` on the two operands seen with the lanes of `shape`.
        func lanewise(_ shape: LaneShape, _ operation: (LLVMValueRef, LLVMValueRef) -> LLVMValueRef) -> LLVMValueRef {
            operation(lanes(lhsVector, shape), lanes(rhsVector, shape))
        }
        /// A two-operand intrinsic over the lanes of `shape`.
        func intrinsic(_ intrinsicName: String, _ shape: LaneShape) -> LLVMValueRef {
            lanewise(shape) { builder.intrinsic(intrinsicName, overloads: [vectorType(shape)], [$0, $1], name) }
        }
        /// An integer comparison: all-ones lanes where it holds, all-zeros lanes elsewhere.
        func compare(_ shape: LaneShape, _ predicate: LLVMIntPredicate) -> LLVMValueRef {
            lanewise(shape) { builder.sext(builder.icmp(predicate, $0, $1), vectorType(shape), name) }
        }
        /// A float comparison, as integer lanes of the same width.
        func compare(_ shape: LaneShape, _ predicate: LLVMRealPredicate) -> LLVMValueRef {
            lanewise(shape) { builder.sext(builder.fcmp(predicate, $0, $1), vectorType(shape.integerShape), name) }
        }
        /// `narrow`: the lanes of both (signed) operands, saturated to half their width.
        func narrow(_ source: LaneShape, signed: Bool) -> LLVMValueRef {
            let count = 2 * source.laneCount
            let bits = source.laneBits / 2
            let joined = shuffle(lanes(lhsVector, source), lanes(rhsVector, source), Array(0..<count))
            let minimum: Int64 = signed ? -(1 << (bits - 1)) : 0
            let maximum: Int64 = signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1
            let type = laneType(source)
            let wideType = LLVMTypeOf(joined)!
            let atLeast = builder.intrinsic(
                "llvm.smax", overloads: [wideType],
                [joined, constantSplat(type, UInt64(bitPattern: minimum), count: count)])
            let clamped = builder.intrinsic(
                "llvm.smin", overloads: [wideType],
                [atLeast, constantSplat(type, UInt64(bitPattern: maximum), count: count)])
            return builder.trunc(clamped, types.vector(LLVMIntTypeInContext(builder.context, bits), count), name)
        }
        /// `avgr_u`: (a + b + 1) / 2 computed without overflow, in lanes of twice the width.
        func averageRounded(_ shape: LaneShape) -> LLVMValueRef {
            let wideLane = LLVMIntTypeInContext(builder.context, shape.laneBits * 2)!
            let wide = types.vector(wideLane, shape.laneCount)
            let sum = LLVMBuildAdd(
                b, builder.zext(lanes(lhsVector, shape), wide), builder.zext(lanes(rhsVector, shape), wide), "")!
            let rounded = LLVMBuildAdd(b, sum, constantSplat(wideLane, 1, count: shape.laneCount), "")!
            let halved = LLVMBuildLShr(b, rounded, constantSplat(wideLane, 1, count: shape.laneCount), "")!
            return builder.trunc(halved, vectorType(shape), name)
        }
        /// `extmul_low/high`: the lanes of one half of each operand, extended, multiplied.
        func extendedMultiply(_ shape: LaneShape, high: Bool, signed: Bool) -> LLVMValueRef {
            let lhs = extendHalf(lhsVector, shape, high: high, signed: signed)
            let rhs = extendHalf(rhsVector, shape, high: high, signed: signed)
            return LLVMBuildMul(b, lhs, rhs, name)
        }
        /// `fNxM.add/sub/mul/div`. Their NaN results must be quiet; hardware quiets them, but LLVM
        /// folds x * ±1, x / ±1, x ± 0 and -0 - x to x or -x, which keeps a signalling NaN
        /// signalling. Those folds need an operand whose lanes are all 0 or ±1 (of a division, the
        /// divisor), and only then is the result quieted explicitly. (Like the scalar lowering,
        /// this sees constants that are operands here, not ones that reach the operation through a
        /// local after optimisation.)
        func floatArithmetic(
            _ shape: LaneShape, divisorOnly: Bool = false, _ operation: (LLVMValueRef, LLVMValueRef) -> LLVMValueRef
        ) -> LLVMValueRef {
            let lhs = lanes(lhsVector, shape)
            let rhs = lanes(rhsVector, shape)
            let result = operation(lhs, rhs)
            let foldable = (!divisorOnly && isFoldingConstant(lhs, shape)) || isFoldingConstant(rhs, shape)
            return foldable ? quietNaNLanes(result, shape) : result
        }
        /// `pmin`: b < a ? b : a; `pmax`: a < b ? b : a (the operand order matters for NaN and ±0).
        func pseudoMinimum(_ shape: LaneShape, maximum: Bool) -> LLVMValueRef {
            lanewise(shape) { lhs, rhs in
                let rhsWins = maximum ? builder.fcmp(LLVMRealOLT, lhs, rhs) : builder.fcmp(LLVMRealOLT, rhs, lhs)
                return builder.select(rhsWins, rhs, lhs, name)
            }
        }

        let result: LLVMValueRef
        switch instruction {
        case .i8x16Swizzle: result = swizzle(lanes(lhsVector, .i8x16), lanes(rhsVector, .i8x16))

        case .i8x16Eq: result = compare(.i8x16, LLVMIntEQ)
        case .i8x16Ne: result = compare(.i8x16, LLVMIntNE)
        case .i8x16LtS: result = compare(.i8x16, LLVMIntSLT)
        case .i8x16LtU: result = compare(.i8x16, LLVMIntULT)
        case .i8x16GtS: result = compare(.i8x16, LLVMIntSGT)
        case .i8x16GtU: result = compare(.i8x16, LLVMIntUGT)
        case .i8x16LeS: result = compare(.i8x16, LLVMIntSLE)
        case .i8x16LeU: result = compare(.i8x16, LLVMIntULE)
        case .i8x16GeS: result = compare(.i8x16, LLVMIntSGE)
        case .i8x16GeU: result = compare(.i8x16, LLVMIntUGE)
        case .i16x8Eq: result = compare(.i16x8, LLVMIntEQ)
        case .i16x8Ne: result = compare(.i16x8, LLVMIntNE)
        case .i16x8LtS: result = compare(.i16x8, LLVMIntSLT)
        case .i16x8LtU: result = compare(.i16x8, LLVMIntULT)
        case .i16x8GtS: result = compare(.i16x8, LLVMIntSGT)
        case .i16x8GtU: result = compare(.i16x8, LLVMIntUGT)
        case .i16x8LeS: result = compare(.i16x8, LLVMIntSLE)
        case .i16x8LeU: result = compare(.i16x8, LLVMIntULE)
        case .i16x8GeS: result = compare(.i16x8, LLVMIntSGE)
        case .i16x8GeU: result = compare(.i16x8, LLVMIntUGE)
        case .i32x4Eq: result = compare(.i32x4, LLVMIntEQ)
        case .i32x4Ne: result = compare(.i32x4, LLVMIntNE)
        case .i32x4LtS: result = compare(.i32x4, LLVMIntSLT)
        case .i32x4LtU: result = compare(.i32x4, LLVMIntULT)
        case .i32x4GtS: result = compare(.i32x4, LLVMIntSGT)
        case .i32x4GtU: result = compare(.i32x4, LLVMIntUGT)
        case .i32x4LeS: result = compare(.i32x4, LLVMIntSLE)
        case .i32x4LeU: result = compare(.i32x4, LLVMIntULE)
        case .i32x4GeS: result = compare(.i32x4, LLVMIntSGE)
        case .i32x4GeU: result = compare(.i32x4, LLVMIntUGE)
        case .i64x2Eq: result = compare(.i64x2, LLVMIntEQ)
        case .i64x2Ne: result = compare(.i64x2, LLVMIntNE)
        case .i64x2LtS: result = compare(.i64x2, LLVMIntSLT)
        case .i64x2GtS: result = compare(.i64x2, LLVMIntSGT)
        case .i64x2LeS: result = compare(.i64x2, LLVMIntSLE)
        case .i64x2GeS: result = compare(.i64x2, LLVMIntSGE)
        // Ordered comparisons are false on NaN; `ne` is unordered-or-not-equal (true on NaN).
        case .f32x4Eq: result = compare(.f32x4, LLVMRealOEQ)
        case .f32x4Ne: result = compare(.f32x4, LLVMRealUNE)
        case .f32x4Lt: result = compare(.f32x4, LLVMRealOLT)
        case .f32x4Gt: result = compare(.f32x4, LLVMRealOGT)
        case .f32x4Le: result = compare(.f32x4, LLVMRealOLE)
        case .f32x4Ge: result = compare(.f32x4, LLVMRealOGE)
        case .f64x2Eq: result = compare(.f64x2, LLVMRealOEQ)
        case .f64x2Ne: result = compare(.f64x2, LLVMRealUNE)
        case .f64x2Lt: result = compare(.f64x2, LLVMRealOLT)
        case .f64x2Gt: result = compare(.f64x2, LLVMRealOGT)
        case .f64x2Le: result = compare(.f64x2, LLVMRealOLE)
        case .f64x2Ge: result = compare(.f64x2, LLVMRealOGE)

        case .v128And: result = LLVMBuildAnd(b, lhsVector, rhsVector, name)
        case .v128Andnot: result = LLVMBuildAnd(b, lhsVector, LLVMBuildNot(b, rhsVector, ""), name)
        case .v128Or: result = LLVMBuildOr(b, lhsVector, rhsVector, name)
        case .v128Xor: result = LLVMBuildXor(b, lhsVector, rhsVector, name)

        case .i8x16NarrowI16x8S: result = narrow(.i16x8, signed: true)
        case .i8x16NarrowI16x8U: result = narrow(.i16x8, signed: false)
        case .i16x8NarrowI32x4S: result = narrow(.i32x4, signed: true)
        case .i16x8NarrowI32x4U: result = narrow(.i32x4, signed: false)

        case .i8x16Add: result = lanewise(.i8x16) { LLVMBuildAdd(b, $0, $1, name) }
        case .i16x8Add: result = lanewise(.i16x8) { LLVMBuildAdd(b, $0, $1, name) }
        case .i32x4Add: result = lanewise(.i32x4) { LLVMBuildAdd(b, $0, $1, name) }
        case .i64x2Add: result = lanewise(.i64x2) { LLVMBuildAdd(b, $0, $1, name) }
        case .i8x16Sub: result = lanewise(.i8x16) { LLVMBuildSub(b, $0, $1, name) }
        case .i16x8Sub: result = lanewise(.i16x8) { LLVMBuildSub(b, $0, $1, name) }
        case .i32x4Sub: result = lanewise(.i32x4) { LLVMBuildSub(b, $0, $1, name) }
        case .i64x2Sub: result = lanewise(.i64x2) { LLVMBuildSub(b, $0, $1, name) }
        case .i16x8Mul: result = lanewise(.i16x8) { LLVMBuildMul(b, $0, $1, name) }
        case .i32x4Mul: result = lanewise(.i32x4) { LLVMBuildMul(b, $0, $1, name) }
        case .i64x2Mul: result = lanewise(.i64x2) { LLVMBuildMul(b, $0, $1, name) }

        case .i8x16AddSatS: result = intrinsic("llvm.sadd.sat", .i8x16)
        case .i8x16AddSatU: result = intrinsic("llvm.uadd.sat", .i8x16)
        case .i8x16SubSatS: result = intrinsic("llvm.ssub.sat", .i8x16)
        case .i8x16SubSatU: result = intrinsic("llvm.usub.sat", .i8x16)
        case .i16x8AddSatS: result = intrinsic("llvm.sadd.sat", .i16x8)
        case .i16x8AddSatU: result = intrinsic("llvm.uadd.sat", .i16x8)
        case .i16x8SubSatS: result = intrinsic("llvm.ssub.sat", .i16x8)
        case .i16x8SubSatU: result = intrinsic("llvm.usub.sat", .i16x8)

        case .i8x16MinS: result = intrinsic("llvm.smin", .i8x16)
        case .i8x16MinU: result = intrinsic("llvm.umin", .i8x16)
        case .i8x16MaxS: result = intrinsic("llvm.smax", .i8x16)
        case .i8x16MaxU: result = intrinsic("llvm.umax", .i8x16)
        case .i16x8MinS: result = intrinsic("llvm.smin", .i16x8)
        case .i16x8MinU: result = intrinsic("llvm.umin", .i16x8)
        case .i16x8MaxS: result = intrinsic("llvm.smax", .i16x8)
        case .i16x8MaxU: result = intrinsic("llvm.umax", .i16x8)
        case .i32x4MinS: result = intrinsic("llvm.smin", .i32x4)
        case .i32x4MinU: result = intrinsic("llvm.umin", .i32x4)
        case .i32x4MaxS: result = intrinsic("llvm.smax", .i32x4)
        case .i32x4MaxU: result = intrinsic("llvm.umax", .i32x4)

        case .i8x16AvgrU: result = averageRounded(.i8x16)
        case .i16x8AvgrU: result = averageRounded(.i16x8)
        case .i16x8Q15mulrSatS: result = q15MultiplyRoundSaturate(lanes(lhsVector, .i16x8), lanes(rhsVector, .i16x8))

        case .i16x8ExtmulLowI8x16S: result = extendedMultiply(.i8x16, high: false, signed: true)
        case .i16x8ExtmulHighI8x16S: result = extendedMultiply(.i8x16, high: true, signed: true)
        case .i16x8ExtmulLowI8x16U: result = extendedMultiply(.i8x16, high: false, signed: false)
        case .i16x8ExtmulHighI8x16U: result = extendedMultiply(.i8x16, high: true, signed: false)
        case .i32x4ExtmulLowI16x8S: result = extendedMultiply(.i16x8, high: false, signed: true)
        case .i32x4ExtmulHighI16x8S: result = extendedMultiply(.i16x8, high: true, signed: true)
        case .i32x4ExtmulLowI16x8U: result = extendedMultiply(.i16x8, high: false, signed: false)
        case .i32x4ExtmulHighI16x8U: result = extendedMultiply(.i16x8, high: true, signed: false)
        case .i64x2ExtmulLowI32x4S: result = extendedMultiply(.i32x4, high: false, signed: true)
        case .i64x2ExtmulHighI32x4S: result = extendedMultiply(.i32x4, high: true, signed: true)
        case .i64x2ExtmulLowI32x4U: result = extendedMultiply(.i32x4, high: false, signed: false)
        case .i64x2ExtmulHighI32x4U: result = extendedMultiply(.i32x4, high: true, signed: false)
        case .i32x4DotI16x8S: result = dotProduct(lanes(lhsVector, .i16x8), lanes(rhsVector, .i16x8))

        case .f32x4Add: result = floatArithmetic(.f32x4) { LLVMBuildFAdd(b, $0, $1, name) }
        case .f32x4Sub: result = floatArithmetic(.f32x4) { LLVMBuildFSub(b, $0, $1, name) }
        case .f32x4Mul: result = floatArithmetic(.f32x4) { LLVMBuildFMul(b, $0, $1, name) }
        case .f32x4Div: result = floatArithmetic(.f32x4, divisorOnly: true) { LLVMBuildFDiv(b, $0, $1, name) }
        case .f64x2Add: result = floatArithmetic(.f64x2) { LLVMBuildFAdd(b, $0, $1, name) }
        case .f64x2Sub: result = floatArithmetic(.f64x2) { LLVMBuildFSub(b, $0, $1, name) }
        case .f64x2Mul: result = floatArithmetic(.f64x2) { LLVMBuildFMul(b, $0, $1, name) }
        case .f64x2Div: result = floatArithmetic(.f64x2, divisorOnly: true) { LLVMBuildFDiv(b, $0, $1, name) }
        // NaN if either lane is NaN, and -0 < +0: llvm.minimum / llvm.maximum, whose NaN result
        // must then be made quiet (wasm requires an arithmetic NaN).
        case .f32x4Min: result = quietNaNLanes(intrinsic("llvm.minimum", .f32x4), .f32x4)
        case .f32x4Max: result = quietNaNLanes(intrinsic("llvm.maximum", .f32x4), .f32x4)
        case .f64x2Min: result = quietNaNLanes(intrinsic("llvm.minimum", .f64x2), .f64x2)
        case .f64x2Max: result = quietNaNLanes(intrinsic("llvm.maximum", .f64x2), .f64x2)
        case .f32x4Pmin: result = pseudoMinimum(.f32x4, maximum: false)
        case .f32x4Pmax: result = pseudoMinimum(.f32x4, maximum: true)
        case .f64x2Pmin: result = pseudoMinimum(.f64x2, maximum: false)
        case .f64x2Pmax: result = pseudoMinimum(.f64x2, maximum: true)
        }
        pushVector(result)
    }

    /// Whether `value` (through bitcasts) is the result of a float extension (`promote_low`).
    func isPromotion(_ value: LLVMValueRef) -> Bool {
        var value = value
        while LLVMIsABitCastInst(value) != nil { value = LLVMGetOperand(value, 0) }
        return LLVMIsAFPExtInst(value) != nil
    }

    /// Sets the quiet bit of the NaN lanes of `value` (a float vector of `shape`).
    ///
    /// LLVM lets `llvm.minimum`/`llvm.maximum` return a NaN operand unchanged, a signalling NaN
    /// included (x86 does), while wasm wants an arithmetic NaN: quiet bit set, payload free.
    /// Canonical NaNs stay canonical. Done on the bits, so no optimisation can drop it.
    func quietNaNLanes(_ value: LLVMValueRef, _ shape: LaneShape) -> LLVMValueRef {
        let b = builder.builder
        let integers = lanes(value, shape.integerShape)
        let isNaN = builder.sext(builder.fcmp(LLVMRealUNO, value, value), vectorType(shape.integerShape))
        let quietBit: UInt64 = shape == .f32x4 ? 0x0040_0000 : 0x0008_0000_0000_0000
        let quietBits = constantSplat(laneType(shape.integerShape), quietBit, count: shape.laneCount)
        let quietLanes = LLVMBuildAnd(b, isNaN, quietBits, "")!
        return LLVMBuildOr(b, integers, quietLanes, "quiet")!
    }

    /// Whether `value` is a constant float vector that LLVM may fold an operation with away:
    /// every lane ±0 or ±1 (or not a plain number, such as poison).
    func isFoldingConstant(_ value: LLVMValueRef, _ shape: LaneShape) -> Bool {
        guard LLVMIsAConstant(value) != nil else { return false }
        for lane in 0..<shape.laneCount {
            guard let element = LLVMGetAggregateElement(value, lane), LLVMIsAConstantFP(element) != nil else {
                return true
            }
            var losesInfo: LLVMBool = 0
            let number = LLVMConstRealGetDouble(element, &losesInfo)
            if number != 0 && number != 1 && number != -1 { return false }
        }
        return true
    }

    /// `i8x16.swizzle`: lane i is `table[indices[i]]`, or 0 when `indices[i]` ≥ 16.
    /// The indices are dynamic, so each lane is extracted on its own (with the index masked to
    /// 0-15 so that no extraction is out of range) and the out-of-range lanes are zeroed at the end.
    func swizzle(_ table: LLVMValueRef, _ indices: LLVMValueRef) -> LLVMValueRef {
        let b = builder.builder
        let masked = LLVMBuildAnd(b, indices, constantSplat(types.i8, 15, count: 16), "")!
        var gathered = LLVMGetPoison(vectorType(.i8x16))!
        for lane in 0..<UInt32(16) {
            let element = LLVMBuildExtractElement(b, table, extractLane(masked, lane), "")!
            gathered = insertLane(gathered, element, lane)
        }
        let inRange = builder.icmp(LLVMIntULT, indices, constantSplat(types.i8, 16, count: 16))
        return builder.select(inRange, gathered, LLVMConstNull(vectorType(.i8x16)), "i8x16.swizzle")
    }

    /// `i16x8.q15mulr_sat_s`: (a * b + 0x4000) >> 15, saturated to i16. Only -32768 * -32768
    /// overflows (to 32768), so clamping from above suffices.
    func q15MultiplyRoundSaturate(_ lhs: LLVMValueRef, _ rhs: LLVMValueRef) -> LLVMValueRef {
        let b = builder.builder
        let wide = types.vector(types.i32, 8)
        let product = LLVMBuildMul(b, builder.sext(lhs, wide), builder.sext(rhs, wide), "")!
        let rounded = LLVMBuildAdd(b, product, constantSplat(types.i32, 0x4000, count: 8), "")!
        let shifted = LLVMBuildAShr(b, rounded, constantSplat(types.i32, 15, count: 8), "")!
        let maximum = constantSplat(types.i32, 0x7FFF, count: 8)
        let clamped = builder.intrinsic("llvm.smin", overloads: [wide], [shifted, maximum])
        return builder.trunc(clamped, vectorType(.i16x8), "i16x8.q15mulr_sat_s")
    }

    /// `i32x4.dot_i16x8_s`: lane i is a[2i]·b[2i] + a[2i+1]·b[2i+1] in 32 bits (wrapping only when
    /// both products are (-32768)²).
    func dotProduct(_ lhs: LLVMValueRef, _ rhs: LLVMValueRef) -> LLVMValueRef {
        let b = builder.builder
        let wide = types.vector(types.i32, 8)
        let products = LLVMBuildMul(b, builder.sext(lhs, wide), builder.sext(rhs, wide), "")!
        let poison = LLVMGetPoison(wide)!
        let even = shuffle(products, poison, [0, 2, 4, 6])
        let odd = shuffle(products, poison, [1, 3, 5, 7])
        return LLVMBuildAdd(b, even, odd, "i32x4.dot_i16x8_s")
    }

    // MARK: - Ternary, tests, shifts

    mutating func visitSIMDTernary(_ instruction: Instruction.SIMDTernary) throws(WasmParserError) {
        guard isReachable else { return }
        let b = builder.builder
        switch instruction {
        case .v128Bitselect:
            // Bits of the first operand where the mask is 1, of the second where it is 0.
            let mask = pop()
            let otherwise = pop()
            let then = pop()
            let selected = LLVMBuildAnd(b, then, mask, "")!
            let kept = LLVMBuildAnd(b, otherwise, LLVMBuildNot(b, mask, ""), "")!
            push(LLVMBuildOr(b, selected, kept, instruction.name))
        }
    }

    mutating func visitSIMDTest(_ instruction: Instruction.SIMDTest) throws(WasmParserError) {
        guard isReachable else { return }
        let operand = pop()
        let name = instruction.name
        /// One i1 per lane of `shape`: whether the lane is non-zero, or (for bitmask) negative.
        func laneConditions(_ shape: LaneShape, _ predicate: LLVMIntPredicate) -> LLVMValueRef {
            builder.icmp(predicate, lanes(operand, shape), LLVMConstNull(vectorType(shape)))
        }
        /// `all_true`: every lane is non-zero.
        func allTrue(_ shape: LaneShape) -> LLVMValueRef {
            let nonZero = laneConditions(shape, LLVMIntNE)
            return builder.intrinsic("llvm.vector.reduce.and", overloads: [LLVMTypeOf(nonZero)], [nonZero], name)
        }
        /// `bitmask`: bit i of the result is the sign bit of lane i (<N x i1> → iN puts lane 0 in
        /// bit 0 on little-endian targets).
        func bitmask(_ shape: LaneShape) -> LLVMValueRef {
            let negative = laneConditions(shape, LLVMIntSLT)
            return builder.bitcast(negative, LLVMIntTypeInContext(builder.context, shape.laneCount), name)
        }
        let result: LLVMValueRef
        switch instruction {
        case .v128AnyTrue:
            let whole = builder.bitcast(operand, LLVMIntTypeInContext(builder.context, 128))
            result = builder.icmp(LLVMIntNE, whole, LLVMConstNull(LLVMTypeOf(whole)), name)
        case .i8x16AllTrue: result = allTrue(.i8x16)
        case .i16x8AllTrue: result = allTrue(.i16x8)
        case .i32x4AllTrue: result = allTrue(.i32x4)
        case .i64x2AllTrue: result = allTrue(.i64x2)
        case .i8x16Bitmask: result = bitmask(.i8x16)
        case .i16x8Bitmask: result = bitmask(.i16x8)
        case .i32x4Bitmask: result = bitmask(.i32x4)
        case .i64x2Bitmask: result = bitmask(.i64x2)
        }
        push(builder.zext(result, types.i32))
    }

    mutating func visitSIMDShift(_ instruction: Instruction.SIMDShift) throws(WasmParserError) {
        guard isReachable else { return }
        let b = builder.builder
        let name = instruction.name
        let shape: LaneShape
        switch instruction {
        case .i8x16Shl, .i8x16ShrS, .i8x16ShrU: shape = .i8x16
        case .i16x8Shl, .i16x8ShrS, .i16x8ShrU: shape = .i16x8
        case .i32x4Shl, .i32x4ShrS, .i32x4ShrU: shape = .i32x4
        case .i64x2Shl, .i64x2ShrS, .i64x2ShrU: shape = .i64x2
        }
        // The count is an i32 taken modulo the lane width, then applied to every lane.
        let count = LLVMBuildAnd(b, pop(), builder.i32(shape.laneBits - 1), "")!
        let laneShift = shape == .i64x2 ? builder.zext(count, types.i64) : scalarToLane(count, shape)
        let counts = splat(laneShift, count: shape.laneCount)
        let vector = popLanes(shape)
        let result: LLVMValueRef
        switch instruction {
        case .i8x16Shl, .i16x8Shl, .i32x4Shl, .i64x2Shl: result = LLVMBuildShl(b, vector, counts, name)
        case .i8x16ShrS, .i16x8ShrS, .i32x4ShrS, .i64x2ShrS: result = LLVMBuildAShr(b, vector, counts, name)
        case .i8x16ShrU, .i16x8ShrU, .i32x4ShrU, .i64x2ShrU: result = LLVMBuildLShr(b, vector, counts, name)
        }
        pushVector(result)
    }
}
