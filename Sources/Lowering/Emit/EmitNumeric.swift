// Numeric instructions with exact wasm semantics: trapping division and conversions, masked
// shifts, NaN-propagating min/max, round-to-nearest-even, no floating-point contraction.
// <https://webassembly.github.io/spec/core/exec/numerics.html>

import CLLVM
import WasmParser

extension FunctionLowering {
    mutating func visitI32Const(value: Int32) throws(WasmParserError) {
        guard isReachable else { return }
        push(builder.i32(UInt32(bitPattern: value)))
    }

    mutating func visitI64Const(value: Int64) throws(WasmParserError) {
        guard isReachable else { return }
        push(builder.i64(UInt64(bitPattern: value)))
    }

    mutating func visitF32Const(value: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        push(builder.f32(bits: value))
    }

    mutating func visitF64Const(value: UInt64) throws(WasmParserError) {
        guard isReachable else { return }
        push(builder.f64(bits: value))
    }

    mutating func visitUnary(_ instruction: Instruction.Unary) throws(WasmParserError) {
        guard isReachable else { return }
        let operand = pop()
        let type = LLVMTypeOf(operand)!
        let b = builder.builder
        let name = instruction.name
        let result: LLVMValueRef
        switch instruction {
        case .i32Clz, .i64Clz: result = builder.intrinsic("llvm.ctlz", overloads: [type], [operand, builder.i1(false)], name)
        case .i32Ctz, .i64Ctz: result = builder.intrinsic("llvm.cttz", overloads: [type], [operand, builder.i1(false)], name)
        case .i32Popcnt, .i64Popcnt: result = builder.intrinsic("llvm.ctpop", overloads: [type], [operand], name)
        case .f32Abs, .f64Abs: result = builder.intrinsic("llvm.fabs", overloads: [type], [operand], name)
        case .f32Neg, .f64Neg: result = LLVMBuildFNeg(b, operand, name)
        // Without SSE4.1 these become libm calls, and musl's return a signalling NaN as it is:
        // quiet it. `nearest` is nearbyint (round-to-nearest-even is the only rounding mode here;
        // musl has no roundeven).
        case .f32Ceil, .f64Ceil: result = quietNaN(builder.intrinsic("llvm.ceil", overloads: [type], [operand], name))
        case .f32Floor, .f64Floor: result = quietNaN(builder.intrinsic("llvm.floor", overloads: [type], [operand], name))
        case .f32Trunc, .f64Trunc: result = quietNaN(builder.intrinsic("llvm.trunc", overloads: [type], [operand], name))
        case .f32Nearest, .f64Nearest:
            result = quietNaN(builder.intrinsic("llvm.nearbyint", overloads: [type], [operand], name))
        case .f32Sqrt, .f64Sqrt: result = builder.intrinsic("llvm.sqrt", overloads: [type], [operand], name)
        case .i32Extend8S: result = builder.sext(builder.trunc(operand, types.i8), types.i32, name)
        case .i32Extend16S: result = builder.sext(builder.trunc(operand, types.i16), types.i32, name)
        case .i64Extend8S: result = builder.sext(builder.trunc(operand, types.i8), types.i64, name)
        case .i64Extend16S: result = builder.sext(builder.trunc(operand, types.i16), types.i64, name)
        case .i64Extend32S: result = builder.sext(builder.trunc(operand, types.i32), types.i64, name)
        }
        push(result)
    }

    mutating func visitBinary(_ instruction: Instruction.Binary) throws(WasmParserError) {
        guard isReachable else { return }
        let rhs = pop()
        let lhs = pop()
        let type = LLVMTypeOf(lhs)!
        let b = builder.builder
        let name = instruction.name
        let bits: UInt64 = type == types.i64 ? 64 : 32
        func constant(_ value: Int64) -> LLVMValueRef { LLVMConstInt(type, UInt64(bitPattern: value), 1) }
        let result: LLVMValueRef
        switch instruction {
        case .i32Add, .i64Add: result = LLVMBuildAdd(b, lhs, rhs, name)
        case .i32Sub, .i64Sub: result = LLVMBuildSub(b, lhs, rhs, name)
        case .i32Mul, .i64Mul: result = LLVMBuildMul(b, lhs, rhs, name)
        case .i32DivS, .i64DivS:
            trap(if: builder.icmp(LLVMIntEQ, rhs, constant(0)), .integerDivideByZero)
            let minimum = constant(bits == 64 ? Int64.min : Int64(Int32.min))
            let overflow = LLVMBuildAnd(
                b, builder.icmp(LLVMIntEQ, lhs, minimum), builder.icmp(LLVMIntEQ, rhs, constant(-1)), "overflow")!
            trap(if: overflow, .integerOverflow)
            result = LLVMBuildSDiv(b, lhs, rhs, name)
        case .i32DivU, .i64DivU:
            trap(if: builder.icmp(LLVMIntEQ, rhs, constant(0)), .integerDivideByZero)
            result = LLVMBuildUDiv(b, lhs, rhs, name)
        case .i32RemS, .i64RemS:
            trap(if: builder.icmp(LLVMIntEQ, rhs, constant(0)), .integerDivideByZero)
            // INT_MIN % -1 is 0 in wasm but undefined in LLVM: divide by 1 instead.
            let isMinusOne = builder.icmp(LLVMIntEQ, rhs, constant(-1))
            let divisor = builder.select(isMinusOne, constant(1), rhs)
            result = LLVMBuildSRem(b, lhs, divisor, name)
        case .i32RemU, .i64RemU:
            trap(if: builder.icmp(LLVMIntEQ, rhs, constant(0)), .integerDivideByZero)
            result = LLVMBuildURem(b, lhs, rhs, name)
        case .i32And, .i64And: result = LLVMBuildAnd(b, lhs, rhs, name)
        case .i32Or, .i64Or: result = LLVMBuildOr(b, lhs, rhs, name)
        case .i32Xor, .i64Xor: result = LLVMBuildXor(b, lhs, rhs, name)
        case .i32Shl, .i64Shl: result = LLVMBuildShl(b, lhs, LLVMBuildAnd(b, rhs, constant(Int64(bits - 1)), ""), name)
        case .i32ShrS, .i64ShrS: result = LLVMBuildAShr(b, lhs, LLVMBuildAnd(b, rhs, constant(Int64(bits - 1)), ""), name)
        case .i32ShrU, .i64ShrU: result = LLVMBuildLShr(b, lhs, LLVMBuildAnd(b, rhs, constant(Int64(bits - 1)), ""), name)
        case .i32Rotl, .i64Rotl: result = builder.intrinsic("llvm.fshl", overloads: [type], [lhs, lhs, rhs], name)
        case .i32Rotr, .i64Rotr: result = builder.intrinsic("llvm.fshr", overloads: [type], [lhs, lhs, rhs], name)
        case .f32Add, .f64Add: result = quietIfFoldable(LLVMBuildFAdd(b, lhs, rhs, name), [lhs, rhs], identities: [0])
        case .f32Sub, .f64Sub: result = quietIfFoldable(LLVMBuildFSub(b, lhs, rhs, name), [lhs, rhs], identities: [0])
        case .f32Mul, .f64Mul: result = quietIfFoldable(LLVMBuildFMul(b, lhs, rhs, name), [lhs, rhs], identities: [1, -1])
        case .f32Div, .f64Div: result = quietIfFoldable(LLVMBuildFDiv(b, lhs, rhs, name), [rhs], identities: [1, -1])
        case .f32Min, .f64Min: result = quietNaN(builder.intrinsic("llvm.minimum", overloads: [type], [lhs, rhs], name))
        case .f32Max, .f64Max: result = quietNaN(builder.intrinsic("llvm.maximum", overloads: [type], [lhs, rhs], name))
        case .f32Copysign, .f64Copysign: result = builder.intrinsic("llvm.copysign", overloads: [type], [lhs, rhs], name)
        }
        push(result)
    }

    mutating func visitTest(_ instruction: Instruction.Test) throws(WasmParserError) {
        guard isReachable else { return }
        let operand = pop()
        let isZero = builder.icmp(LLVMIntEQ, operand, LLVMConstNull(LLVMTypeOf(operand)), instruction.name)
        push(builder.zext(isZero, types.i32))
    }

    mutating func visitCompare(_ instruction: Instruction.Compare) throws(WasmParserError) {
        guard isReachable else { return }
        let rhs = pop()
        let lhs = pop()
        let name = instruction.name
        let condition: LLVMValueRef
        switch instruction {
        case .i32Eq, .i64Eq: condition = builder.icmp(LLVMIntEQ, lhs, rhs, name)
        case .i32Ne, .i64Ne: condition = builder.icmp(LLVMIntNE, lhs, rhs, name)
        case .i32LtS, .i64LtS: condition = builder.icmp(LLVMIntSLT, lhs, rhs, name)
        case .i32LtU, .i64LtU: condition = builder.icmp(LLVMIntULT, lhs, rhs, name)
        case .i32GtS, .i64GtS: condition = builder.icmp(LLVMIntSGT, lhs, rhs, name)
        case .i32GtU, .i64GtU: condition = builder.icmp(LLVMIntUGT, lhs, rhs, name)
        case .i32LeS, .i64LeS: condition = builder.icmp(LLVMIntSLE, lhs, rhs, name)
        case .i32LeU, .i64LeU: condition = builder.icmp(LLVMIntULE, lhs, rhs, name)
        case .i32GeS, .i64GeS: condition = builder.icmp(LLVMIntSGE, lhs, rhs, name)
        case .i32GeU, .i64GeU: condition = builder.icmp(LLVMIntUGE, lhs, rhs, name)
        // Ordered comparisons are false on NaN; `ne` is unordered-or-not-equal (true on NaN).
        case .f32Eq, .f64Eq: condition = builder.fcmp(LLVMRealOEQ, lhs, rhs, name)
        case .f32Ne, .f64Ne: condition = builder.fcmp(LLVMRealUNE, lhs, rhs, name)
        case .f32Lt, .f64Lt: condition = builder.fcmp(LLVMRealOLT, lhs, rhs, name)
        case .f32Gt, .f64Gt: condition = builder.fcmp(LLVMRealOGT, lhs, rhs, name)
        case .f32Le, .f64Le: condition = builder.fcmp(LLVMRealOLE, lhs, rhs, name)
        case .f32Ge, .f64Ge: condition = builder.fcmp(LLVMRealOGE, lhs, rhs, name)
        }
        push(builder.zext(condition, types.i32))
    }

    mutating func visitConversion(_ instruction: Instruction.Conversion) throws(WasmParserError) {
        guard isReachable else { return }
        let operand = pop()
        let b = builder.builder
        let name = instruction.name
        let target = types.type(of: instruction.resultType)
        let result: LLVMValueRef
        switch instruction {
        case .i32WrapI64: result = builder.trunc(operand, types.i32, name)
        case .i64ExtendI32S: result = builder.sext(operand, types.i64, name)
        case .i64ExtendI32U: result = builder.zext(operand, types.i64, name)
        case .i32TruncF32S, .i32TruncF64S, .i64TruncF32S, .i64TruncF64S,
            .i32TruncF32U, .i32TruncF64U, .i64TruncF32U, .i64TruncF64U:
            result = emitTrappingTruncation(instruction, operand, target)
        case .i32TruncSatF32S, .i32TruncSatF64S, .i64TruncSatF32S, .i64TruncSatF64S:
            result = builder.intrinsic("llvm.fptosi.sat", overloads: [target, LLVMTypeOf(operand)], [operand], name)
        case .i32TruncSatF32U, .i32TruncSatF64U, .i64TruncSatF32U, .i64TruncSatF64U:
            result = builder.intrinsic("llvm.fptoui.sat", overloads: [target, LLVMTypeOf(operand)], [operand], name)
        case .f32ConvertI32S, .f32ConvertI64S, .f64ConvertI32S, .f64ConvertI64S:
            result = LLVMBuildSIToFP(b, operand, target, name)
        case .f32ConvertI32U, .f32ConvertI64U, .f64ConvertI32U, .f64ConvertI64U:
            result = LLVMBuildUIToFP(b, operand, target, name)
        case .f32DemoteF64:
            // fptrunc(fpext x) folds to x, which would keep a signalling NaN signalling.
            let isPromoted = LLVMIsAFPExtInst(operand) != nil
            let demoted = LLVMBuildFPTrunc(b, operand, types.f32, name)!
            result = isPromoted ? quietNaN(demoted) : demoted
        case .f64PromoteF32: result = LLVMBuildFPExt(b, operand, types.f64, name)
        case .i32ReinterpretF32, .i64ReinterpretF64, .f32ReinterpretI32, .f64ReinterpretI64:
            result = builder.bitcast(operand, target, name)
        }
        push(result)
    }

    /// A NaN result of wasm arithmetic must be quiet ("arithmetic NaN"). Hardware quiets NaNs,
    /// but LLVM may fold `x ± 0`, `±0 - x`, `x * ±1` and `x / ±1` to `x` or `-x`, which keeps a
    /// signalling NaN signalling. Those folds need one of `operands` (for a division, the divisor:
    /// `1 / x` stays a division) to be a constant among the operation's `identities` (±0 for
    /// addition and subtraction, ±1 for multiplication and division); only then is the result
    /// quieted explicitly (the quieting stays when LLVM folds the operation away). Like the SIMD
    /// lowering, this sees constant operands, not constants that reach the operation through a
    /// local or an inlined argument after optimisation.
    func quietIfFoldable(_ result: LLVMValueRef, _ operands: [LLVMValueRef], identities: [Double]) -> LLVMValueRef {
        func isFoldingConstant(_ value: LLVMValueRef) -> Bool {
            guard LLVMIsAConstantFP(value) != nil else { return false }
            var losesInfo: LLVMBool = 0
            return identities.contains(LLVMConstRealGetDouble(value, &losesInfo))
        }
        guard operands.contains(where: isFoldingConstant) else { return result }
        return quietNaN(result)
    }

    /// Sets the quiet bit of a NaN (in the integer domain, where LLVM keeps it; x86 cannot select
    /// `llvm.canonicalize`). `llvm.minimum`/`maximum` also return a NaN operand unquieted.
    func quietNaN(_ value: LLVMValueRef) -> LLVMValueRef {
        let floatType = LLVMTypeOf(value)!
        let isDouble = floatType == types.f64
        let integerType = isDouble ? types.i64 : types.i32
        let quietBit: UInt64 = isDouble ? 0x0008_0000_0000_0000 : 0x0040_0000
        let bits = builder.bitcast(value, integerType, "bits")
        let quieted = LLVMBuildOr(builder.builder, bits, LLVMConstInt(integerType, quietBit, 0), "quieted")!
        let isNaN = builder.fcmp(LLVMRealUNO, value, value, "is.nan")
        return builder.bitcast(builder.select(isNaN, quieted, bits), floatType, "quiet")
    }

    /// `iNN.trunc_fMM_s/u`: traps on NaN ("invalid conversion to integer") and on values outside
    /// the target's range ("integer overflow"), then converts.
    mutating func emitTrappingTruncation(
        _ instruction: Instruction.Conversion, _ operand: LLVMValueRef, _ target: LLVMTypeRef
    ) -> LLVMValueRef {
        let sourceType = LLVMTypeOf(operand)!
        let isSigned: Bool
        switch instruction {
        case .i32TruncF32S, .i32TruncF64S, .i64TruncF32S, .i64TruncF64S: isSigned = true
        default: isSigned = false
        }
        let targetBits = target == types.i64 ? 64 : 32
        // The open interval (lower, upper) of values that convert; the bounds are exact in the
        // source type. For the signed minimum, lower is inclusive when it is representable.
        let lower: Double
        let lowerInclusive: Bool
        let upper: Double
        if isSigned {
            upper = targetBits == 64 ? 9_223_372_036_854_775_808.0 : 2_147_483_648.0
            if targetBits == 32 && sourceType == types.f64 {
                lower = -2_147_483_649.0
                lowerInclusive = false
            } else {
                lower = -upper
                lowerInclusive = true
            }
        } else {
            upper = targetBits == 64 ? 18_446_744_073_709_551_616.0 : 4_294_967_296.0
            lower = -1.0
            lowerInclusive = false
        }
        trap(if: builder.fcmp(LLVMRealUNO, operand, operand, "is.nan"), .invalidConversion)
        let lowerConstant = LLVMConstReal(sourceType, lower)!
        let upperConstant = LLVMConstReal(sourceType, upper)!
        let aboveLower = builder.fcmp(lowerInclusive ? LLVMRealOGE : LLVMRealOGT, operand, lowerConstant)
        let belowUpper = builder.fcmp(LLVMRealOLT, operand, upperConstant)
        let inRange = LLVMBuildAnd(builder.builder, aboveLower, belowUpper, "in.range")!
        trap(if: LLVMBuildNot(builder.builder, inRange, "out.of.range")!, .integerOverflow)
        return isSigned
            ? LLVMBuildFPToSI(builder.builder, operand, target, instruction.name)
            : LLVMBuildFPToUI(builder.builder, operand, target, instruction.name)
    }
}
