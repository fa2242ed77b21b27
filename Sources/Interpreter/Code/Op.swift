// The interpreter's instruction set: what a translated function body is made of.
//
// A function is translated once into an array of fixed-size `Inst` records (Inst.swift) whose
// operands are frame slots (registers), not an operand stack: `local.get` disappears, a result
// is written straight into the local a following `local.set` names, constants sit in the
// instruction, and a compare followed by `br_if` becomes one branch. See FunctionTranslator.swift.
//
// The cases of each WasmParser instruction category (`Instruction.Unary`, `Instruction.Binary`,
// ...) appear here in the same order and with the same names, so that a category's instruction
// maps to its operation by adding its raw value to the category's first case (`Op.unary(_:)` and
// friends); a unit test checks the names agree. Everything else is the interpreter's own:
// control flow, moves, constants, calls, variables, and the fused forms.

/// One operation of the interpreter.
enum Op: UInt16, CaseIterable {
    // MARK: Control, moves, constants
    /// Traps with "unreachable".
    case unreachable
    /// Jumps by the relative offset `a`.
    case br
    /// Jumps by `a` when the i32 in slot `b` is non-zero.
    case brIf
    /// Jumps by `a` when the i32 in slot `b` is zero.
    case brIfNot
    /// Jumps by the offset in entry min(slot a, b) of the `b + 1` records that follow.
    case brTable
    /// Copies 8 bytes from slot `b` to slot `a`.
    case copy
    /// Copies 16 bytes from slots `b`, `b + 1` to `a`, `a + 1`.
    case copyV128
    /// Slot `a` = the 64 bits `b | c << 32`.
    case const64
    /// Slots `a`, `a + 1` = `b | c << 32` and the next record's `a | b << 32`.
    case constV128
    /// Calls defined function `a` of the current module with its frame at slot `b`.
    case call
    /// Calls the function in the instance's slot for function `a` (an import) with its frame at `b`.
    case callImport
    /// Calls table element (slot `a`) of table `x` checked against type `c`, frame at `b`.
    case callIndirect
    /// Returns; the results are in slots 0 onwards.
    case `return`
    /// Slot `a` = slot `b` if the i32 in the next record's slot `a` is non-zero, else slot `c`.
    case select
    /// The same for v128 values.
    case selectV128

    // MARK: Variables and references
    case globalGet32, globalGet64, globalGetV128
    case globalSet32, globalSet64, globalSetV128
    /// Slot `a` = 1 if the reference in slot `b` is null, else 0.
    case refIsNull
    /// Slot `a` = the funcref of function `b`.
    case refFunc

    // MARK: Tables and memory
    case tableGet, tableSet, tableSize, tableGrow, tableFill, tableCopy, tableInit, elemDrop
    case memorySize, memoryGrow, memoryFill, memoryCopy, memoryInit, dataDrop

    // MARK: Vector operations outside the categories
    /// Slots `a`, `a + 1` = lanes of `b` and `c` picked by the 16 bytes in the next two records.
    case i8x16Shuffle

    // MARK: Fused forms: an immediate right operand (`c`), and compare-and-branch
    /// Slot `a` = slot `b` op the constant `c` (sign-extended to 64 bits for i64).
    case i32AddImm, i32SubImm, i32MulImm, i32AndImm, i32OrImm, i32XorImm, i32ShlImm, i32ShrSImm, i32ShrUImm
    case i64AddImm, i64SubImm, i64MulImm, i64AndImm, i64OrImm, i64XorImm, i64ShlImm, i64ShrSImm, i64ShrUImm
    case i32RotlImm, i32RotrImm, i64RotlImm, i64RotrImm
    /// Slot `a` = slot `b` compared with the constant `c` (sign-extended for i64).
    case i32EqImm, i32NeImm, i32LtSImm, i32LtUImm, i32GtSImm, i32GtUImm, i32LeSImm, i32LeUImm, i32GeSImm, i32GeUImm
    case i64EqImm, i64NeImm, i64LtSImm, i64LtUImm, i64GtSImm, i64GtUImm, i64LeSImm, i64LeUImm, i64GeSImm, i64GeUImm
    /// Jumps by `a` when slot `b` compared with slot `c` (or the constant `c`) holds.
    case brIfI32Eq, brIfI32Ne, brIfI32LtS, brIfI32LtU, brIfI32GtS, brIfI32GtU, brIfI32LeS, brIfI32LeU, brIfI32GeS
    case brIfI32GeU, brIfI32EqImm, brIfI32NeImm, brIfI32LtSImm, brIfI32LtUImm, brIfI32GtSImm, brIfI32GtUImm
    case brIfI32LeSImm, brIfI32LeUImm, brIfI32GeSImm, brIfI32GeUImm, brIfI64Eq, brIfI64Ne, brIfI64LtS, brIfI64LtU
    case brIfI64GtS, brIfI64GtU, brIfI64LeS, brIfI64LeU, brIfI64GeS, brIfI64GeU, brIfI64EqImm, brIfI64NeImm
    case brIfI64LtSImm, brIfI64LtUImm, brIfI64GtSImm, brIfI64GtUImm, brIfI64LeSImm, brIfI64LeUImm, brIfI64GeSImm
    case brIfI64GeUImm

    // MARK: Instruction.Unary
    case i32Clz, i32Ctz, i32Popcnt, i64Clz, i64Ctz, i64Popcnt, f32Abs, f32Neg, f32Ceil, f32Floor, f32Trunc
    case f32Nearest, f32Sqrt, f64Abs, f64Neg, f64Ceil, f64Floor, f64Trunc, f64Nearest, f64Sqrt, i32Extend8S
    case i32Extend16S, i64Extend8S, i64Extend16S, i64Extend32S

    // MARK: Instruction.Binary
    case i32Add, i32Sub, i32Mul, i32DivS, i32DivU, i32RemS, i32RemU, i32And, i32Or, i32Xor, i32Shl, i32ShrS, i32ShrU
    case i32Rotl, i32Rotr, i64Add, i64Sub, i64Mul, i64DivS, i64DivU, i64RemS, i64RemU, i64And, i64Or, i64Xor, i64Shl
    case i64ShrS, i64ShrU, i64Rotl, i64Rotr, f32Add, f32Sub, f32Mul, f32Div, f32Min, f32Max, f32Copysign, f64Add
    case f64Sub, f64Mul, f64Div, f64Min, f64Max, f64Copysign

    // MARK: Instruction.Test
    case i32Eqz, i64Eqz

    // MARK: Instruction.Compare
    case i32Eq, i32Ne, i32LtS, i32LtU, i32GtS, i32GtU, i32LeS, i32LeU, i32GeS, i32GeU, i64Eq, i64Ne, i64LtS, i64LtU
    case i64GtS, i64GtU, i64LeS, i64LeU, i64GeS, i64GeU, f32Eq, f32Ne, f32Lt, f32Gt, f32Le, f32Ge, f64Eq, f64Ne
    case f64Lt, f64Gt, f64Le, f64Ge

    // MARK: Instruction.Conversion
    case i32WrapI64, i32TruncF32S, i32TruncF32U, i32TruncF64S, i32TruncF64U, i64ExtendI32S, i64ExtendI32U
    case i64TruncF32S, i64TruncF32U, i64TruncF64S, i64TruncF64U, f32ConvertI32S, f32ConvertI32U, f32ConvertI64S
    case f32ConvertI64U, f32DemoteF64, f64ConvertI32S, f64ConvertI32U, f64ConvertI64S, f64ConvertI64U, f64PromoteF32
    case i32ReinterpretF32, i64ReinterpretF64, f32ReinterpretI32, f64ReinterpretI64, i32TruncSatF32S
    case i32TruncSatF32U, i32TruncSatF64S, i32TruncSatF64U, i64TruncSatF32S, i64TruncSatF32U, i64TruncSatF64S
    case i64TruncSatF64U

    // MARK: Instruction.Load
    case i32Load, i64Load, f32Load, f64Load, i32Load8S, i32Load8U, i32Load16S, i32Load16U, i64Load8S, i64Load8U
    case i64Load16S, i64Load16U, i64Load32S, i64Load32U, v128Load, v128Load8x8S, v128Load8x8U, v128Load16x4S
    case v128Load16x4U, v128Load32x2S, v128Load32x2U, v128Load8Splat, v128Load16Splat, v128Load32Splat
    case v128Load64Splat, v128Load32Zero, v128Load64Zero

    // MARK: Instruction.Store
    case i32Store, i64Store, f32Store, f64Store, i32Store8, i32Store16, i64Store8, i64Store16, i64Store32, v128Store

    // MARK: Instruction.SIMDUnary
    case v128Not, f32x4DemoteF64x2Zero, f64x2PromoteLowF32x4, i8x16Abs, i8x16Neg, i8x16Popcnt, f32x4Ceil, f32x4Floor
    case f32x4Trunc, f32x4Nearest, f64x2Ceil, f64x2Floor, f64x2Trunc, i16x8ExtaddPairwiseI8x16S
    case i16x8ExtaddPairwiseI8x16U, i32x4ExtaddPairwiseI16x8S, i32x4ExtaddPairwiseI16x8U, i16x8Abs, i16x8Neg
    case i16x8ExtendLowI8x16S, i16x8ExtendHighI8x16S, i16x8ExtendLowI8x16U, i16x8ExtendHighI8x16U, f64x2Nearest
    case i32x4Abs, i32x4Neg, i32x4ExtendLowI16x8S, i32x4ExtendHighI16x8S, i32x4ExtendLowI16x8U
    case i32x4ExtendHighI16x8U, i64x2Abs, i64x2Neg, i64x2ExtendLowI32x4S, i64x2ExtendHighI32x4S
    case i64x2ExtendLowI32x4U, i64x2ExtendHighI32x4U, f32x4Abs, f32x4Neg, f32x4Sqrt, f64x2Abs, f64x2Neg, f64x2Sqrt
    case i32x4TruncSatF32x4S, i32x4TruncSatF32x4U, f32x4ConvertI32x4S, f32x4ConvertI32x4U, i32x4TruncSatF64x2SZero
    case i32x4TruncSatF64x2UZero, f64x2ConvertLowI32x4S, f64x2ConvertLowI32x4U

    // MARK: Instruction.SIMDBinary
    case i8x16Swizzle, i8x16Eq, i8x16Ne, i8x16LtS, i8x16LtU, i8x16GtS, i8x16GtU, i8x16LeS, i8x16LeU, i8x16GeS
    case i8x16GeU, i16x8Eq, i16x8Ne, i16x8LtS, i16x8LtU, i16x8GtS, i16x8GtU, i16x8LeS, i16x8LeU, i16x8GeS, i16x8GeU
    case i32x4Eq, i32x4Ne, i32x4LtS, i32x4LtU, i32x4GtS, i32x4GtU, i32x4LeS, i32x4LeU, i32x4GeS, i32x4GeU, f32x4Eq
    case f32x4Ne, f32x4Lt, f32x4Gt, f32x4Le, f32x4Ge, f64x2Eq, f64x2Ne, f64x2Lt, f64x2Gt, f64x2Le, f64x2Ge, v128And
    case v128Andnot, v128Or, v128Xor, i8x16NarrowI16x8S, i8x16NarrowI16x8U, i8x16Add, i8x16AddSatS, i8x16AddSatU
    case i8x16Sub, i8x16SubSatS, i8x16SubSatU, i8x16MinS, i8x16MinU, i8x16MaxS, i8x16MaxU, i8x16AvgrU
    case i16x8Q15mulrSatS, i16x8NarrowI32x4S, i16x8NarrowI32x4U, i16x8Add, i16x8AddSatS, i16x8AddSatU, i16x8Sub
    case i16x8SubSatS, i16x8SubSatU, i16x8Mul, i16x8MinS, i16x8MinU, i16x8MaxS, i16x8MaxU, i16x8AvgrU
    case i16x8ExtmulLowI8x16S, i16x8ExtmulHighI8x16S, i16x8ExtmulLowI8x16U, i16x8ExtmulHighI8x16U, i32x4Add
    case i32x4Sub, i32x4Mul, i32x4MinS, i32x4MinU, i32x4MaxS, i32x4MaxU, i32x4DotI16x8S, i32x4ExtmulLowI16x8S
    case i32x4ExtmulHighI16x8S, i32x4ExtmulLowI16x8U, i32x4ExtmulHighI16x8U, i64x2Add, i64x2Sub, i64x2Mul, i64x2Eq
    case i64x2Ne, i64x2LtS, i64x2GtS, i64x2LeS, i64x2GeS, i64x2ExtmulLowI32x4S, i64x2ExtmulHighI32x4S
    case i64x2ExtmulLowI32x4U, i64x2ExtmulHighI32x4U, f32x4Add, f32x4Sub, f32x4Mul, f32x4Div, f32x4Min, f32x4Max
    case f32x4Pmin, f32x4Pmax, f64x2Add, f64x2Sub, f64x2Mul, f64x2Div, f64x2Min, f64x2Max, f64x2Pmin, f64x2Pmax

    // MARK: Instruction.SIMDTernary
    case v128Bitselect

    // MARK: Instruction.SIMDTest
    case v128AnyTrue, i8x16AllTrue, i8x16Bitmask, i16x8AllTrue, i16x8Bitmask, i32x4AllTrue, i32x4Bitmask
    case i64x2AllTrue, i64x2Bitmask

    // MARK: Instruction.SIMDShift
    case i8x16Shl, i8x16ShrS, i8x16ShrU, i16x8Shl, i16x8ShrS, i16x8ShrU, i32x4Shl, i32x4ShrS, i32x4ShrU, i64x2Shl
    case i64x2ShrS, i64x2ShrU

    // MARK: Instruction.SIMDSplat
    case i8x16Splat, i16x8Splat, i32x4Splat, i64x2Splat, f32x4Splat, f64x2Splat

    // MARK: Instruction.SIMDExtractLane
    case i8x16ExtractLaneS, i8x16ExtractLaneU, i16x8ExtractLaneS, i16x8ExtractLaneU, i32x4ExtractLane
    case i64x2ExtractLane, f32x4ExtractLane, f64x2ExtractLane

    // MARK: Instruction.SIMDReplaceLane
    case i8x16ReplaceLane, i16x8ReplaceLane, i32x4ReplaceLane, i64x2ReplaceLane, f32x4ReplaceLane, f64x2ReplaceLane

    // MARK: Instruction.SIMDLoadLane
    case v128Load8Lane, v128Load16Lane, v128Load32Lane, v128Load64Lane

    // MARK: Instruction.SIMDStoreLane
    case v128Store8Lane, v128Store16Lane, v128Store32Lane, v128Store64Lane
}
