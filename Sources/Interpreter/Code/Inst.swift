// One translated instruction, and how WasmParser's instruction categories map onto `Op`.
//
// An `Inst` is 16 bytes: the operation, a 16-bit immediate `x` (a lane, a table index) and three
// 32-bit operands. Operands are frame slots (8 bytes each, relative to the frame's base: the
// function's parameters, then its locals, then its operand stack; a v128 takes two slots),
// relative branch offsets (in records, from the branching record), or constants. Operations that
// need more operands read the record after them (`Op.select`, `Op.constV128`, `Op.brTable`, ...),
// and the executor steps over it.

import WasmParser

/// A translated instruction.
struct Inst {
    /// The operation.
    var op: Op
    /// A small immediate: a lane index, a table index.
    var x: UInt16 = 0
    /// The destination slot of operations that produce a value; else the first operand.
    var a: UInt32 = 0
    /// The second operand.
    var b: UInt32 = 0
    /// The third operand.
    var c: UInt32 = 0

    init(_ op: Op, x: UInt16 = 0, a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0) {
        self.op = op
        self.x = x
        self.a = a
        self.b = b
        self.c = c
    }

    /// A record that only carries operands for the record before it.
    static func operands(a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0) -> Inst {
        Inst(.unreachable, a: a, b: b, c: c)
    }

    /// `b` and `c` as one 64-bit immediate (`b` the low half).
    var immediate64: UInt64 { UInt64(b) | UInt64(c) << 32 }
}

// MARK: - Categories

extension Op {
    /// The operation of a WasmParser instruction: the category's first case plus its raw value.
    private static func offset(_ first: Op, _ rawValue: UInt16) -> Op {
        Op(rawValue: first.rawValue + rawValue)!
    }

    static func unary(_ instruction: Instruction.Unary) -> Op { offset(.i32Clz, instruction.rawValue) }
    static func binary(_ instruction: Instruction.Binary) -> Op { offset(.i32Add, instruction.rawValue) }
    static func test(_ instruction: Instruction.Test) -> Op { offset(.i32Eqz, instruction.rawValue) }
    static func compare(_ instruction: Instruction.Compare) -> Op { offset(.i32Eq, instruction.rawValue) }
    static func conversion(_ instruction: Instruction.Conversion) -> Op {
        offset(.i32WrapI64, instruction.rawValue)
    }
    static func load(_ instruction: Instruction.Load) -> Op { offset(.i32Load, instruction.rawValue) }
    static func store(_ instruction: Instruction.Store) -> Op { offset(.i32Store, instruction.rawValue) }
    static func simdUnary(_ instruction: Instruction.SIMDUnary) -> Op { offset(.v128Not, instruction.rawValue) }
    static func simdBinary(_ instruction: Instruction.SIMDBinary) -> Op {
        offset(.i8x16Swizzle, instruction.rawValue)
    }
    static func simdTernary(_ instruction: Instruction.SIMDTernary) -> Op {
        offset(.v128Bitselect, instruction.rawValue)
    }
    static func simdTest(_ instruction: Instruction.SIMDTest) -> Op { offset(.v128AnyTrue, instruction.rawValue) }
    static func simdShift(_ instruction: Instruction.SIMDShift) -> Op { offset(.i8x16Shl, instruction.rawValue) }
    static func simdSplat(_ instruction: Instruction.SIMDSplat) -> Op { offset(.i8x16Splat, instruction.rawValue) }
    static func simdExtractLane(_ instruction: Instruction.SIMDExtractLane) -> Op {
        offset(.i8x16ExtractLaneS, instruction.rawValue)
    }
    static func simdReplaceLane(_ instruction: Instruction.SIMDReplaceLane) -> Op {
        offset(.i8x16ReplaceLane, instruction.rawValue)
    }
    static func simdLoadLane(_ instruction: Instruction.SIMDLoadLane) -> Op {
        offset(.v128Load8Lane, instruction.rawValue)
    }
    static func simdStoreLane(_ instruction: Instruction.SIMDStoreLane) -> Op {
        offset(.v128Store8Lane, instruction.rawValue)
    }
}

// MARK: - Fused forms

extension Op {
    /// The immediate form of an integer binary operation, if there is one.
    var immediateForm: Op? {
        switch self {
        case .i32Add: return .i32AddImm
        case .i32Sub: return .i32SubImm
        case .i32Mul: return .i32MulImm
        case .i32And: return .i32AndImm
        case .i32Or: return .i32OrImm
        case .i32Xor: return .i32XorImm
        case .i32Shl: return .i32ShlImm
        case .i32ShrS: return .i32ShrSImm
        case .i32ShrU: return .i32ShrUImm
        case .i64Add: return .i64AddImm
        case .i64Sub: return .i64SubImm
        case .i64Mul: return .i64MulImm
        case .i64And: return .i64AndImm
        case .i64Or: return .i64OrImm
        case .i64Xor: return .i64XorImm
        case .i64Shl: return .i64ShlImm
        case .i64ShrS: return .i64ShrSImm
        case .i64ShrU: return .i64ShrUImm
        case .i32Rotl: return .i32RotlImm
        case .i32Rotr: return .i32RotrImm
        case .i64Rotl: return .i64RotlImm
        case .i64Rotr: return .i64RotrImm
        default:
            if rawValue >= Op.i32Eq.rawValue && rawValue <= Op.i64GeU.rawValue {
                return Op(rawValue: Op.i32EqImm.rawValue + rawValue - Op.i32Eq.rawValue)
            }
            return nil
        }
    }

    /// Whether the operation is an integer comparison (register or immediate form).
    var isIntegerComparison: Bool {
        (rawValue >= Op.i32Eq.rawValue && rawValue <= Op.i64GeU.rawValue)
            || (rawValue >= Op.i32EqImm.rawValue && rawValue <= Op.i64GeUImm.rawValue)
    }

    /// The comparison that holds exactly when this one does not (`lt_s` for `ge_s`).
    var negatedComparison: Op {
        // Within a block of ten (eq, ne, lt_s, lt_u, gt_s, gt_u, le_s, le_u, ge_s, ge_u).
        let isImmediate = rawValue >= Op.i32EqImm.rawValue && rawValue <= Op.i64GeUImm.rawValue
        let base = isImmediate ? Op.i32EqImm.rawValue : Op.i32Eq.rawValue
        let position = (rawValue - base) % 10
        let block = rawValue - position
        let negated: [UInt16] = [1, 0, 8, 9, 6, 7, 4, 5, 2, 3]
        return Op(rawValue: block + negated[Int(position)])!
    }

    /// The compare-and-branch form of an integer comparison.
    var branchForm: Op {
        if rawValue >= Op.i32EqImm.rawValue && rawValue <= Op.i64GeUImm.rawValue {
            let position = rawValue - Op.i32EqImm.rawValue
            let base = position < 10 ? Op.brIfI32EqImm.rawValue : Op.brIfI64EqImm.rawValue
            return Op(rawValue: base + position % 10)!
        }
        let position = rawValue - Op.i32Eq.rawValue
        let base = position < 10 ? Op.brIfI32Eq.rawValue : Op.brIfI64Eq.rawValue
        return Op(rawValue: base + position % 10)!
    }
}
