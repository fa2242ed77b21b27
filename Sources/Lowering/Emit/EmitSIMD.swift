// Fixed-width SIMD (the 128-bit vector instructions): shapes, constants, shuffles, lanes, and
// the vector loads and stores. The lane-wise arithmetic is in EmitSIMDArithmetic.swift.
//
// Every v128 value on the value stack, in locals, globals, phis, parameters and results is the
// canonical `types.v128` (<2 x i64>). An instruction bitcasts its operands to the lane shape it
// works on (<16 x i8>, <4 x float>, ...), and its result back to <2 x i64>; LLVM folds the casts.
// Lane 0 is the lowest-addressed lane, which is LLVM's element 0 on the little-endian targets
// (x86_64, aarch64) the compiler supports.
// <https://webassembly.github.io/spec/core/exec/instructions.html#vector-instructions>

import CLLVM
import WasmParser

/// A lane interpretation of a v128 value.
enum LaneShape {
    case i8x16, i16x8, i32x4, i64x2, f32x4, f64x2

    /// The number of lanes.
    var laneCount: UInt32 {
        switch self {
        case .i8x16: return 16
        case .i16x8: return 8
        case .i32x4, .f32x4: return 4
        case .i64x2, .f64x2: return 2
        }
    }

    /// The width of a lane in bits.
    var laneBits: UInt32 { 128 / laneCount }

    /// Whether the lanes are floating-point numbers.
    var isFloat: Bool { self == .f32x4 || self == .f64x2 }

    /// The integer shape with lanes of the same width.
    var integerShape: LaneShape {
        switch self {
        case .f32x4: return .i32x4
        case .f64x2: return .i64x2
        default: return self
        }
    }
}

extension FunctionLowering {
    // MARK: - Shapes

    /// The LLVM type of one lane of `shape`.
    func laneType(_ shape: LaneShape) -> LLVMTypeRef {
        switch shape {
        case .i8x16: return types.i8
        case .i16x8: return types.i16
        case .i32x4: return types.i32
        case .i64x2: return types.i64
        case .f32x4: return types.f32
        case .f64x2: return types.f64
        }
    }

    /// The LLVM vector type of `shape` (<16 x i8>, <4 x float>, ...).
    func vectorType(_ shape: LaneShape) -> LLVMTypeRef {
        types.vector(laneType(shape), shape.laneCount)
    }

    /// `value` (any 128-bit vector) seen with the lanes of `shape`.
    func lanes(_ value: LLVMValueRef, _ shape: LaneShape) -> LLVMValueRef {
        builder.bitcast(value, vectorType(shape))
    }

    /// `value` (any 128-bit vector) as the canonical v128 type.
    func canonical(_ value: LLVMValueRef) -> LLVMValueRef {
        builder.bitcast(value, types.v128)
    }

    /// Pops a v128 operand, seen with the lanes of `shape`.
    mutating func popLanes(_ shape: LaneShape) -> LLVMValueRef {
        lanes(pop(), shape)
    }

    /// Pushes a 128-bit vector result as the canonical v128 type.
    mutating func pushVector(_ value: LLVMValueRef) {
        push(canonical(value))
    }

    // MARK: - Vector helpers

    /// A constant vector of integer lanes of `type`.
    func constantVector(_ type: LLVMTypeRef, _ values: [UInt64]) -> LLVMValueRef {
        var elements: [LLVMValueRef?] = values.map { LLVMConstInt(type, $0, 0) }
        return elements.withUnsafeMutableBufferPointer { LLVMConstVector($0.baseAddress, UInt32($0.count)) }
    }

    /// A vector of `count` copies of the constant `value` of the integer type `type`.
    func constantSplat(_ type: LLVMTypeRef, _ value: UInt64, count: UInt32) -> LLVMValueRef {
        constantVector(type, Array(repeating: value, count: Int(count)))
    }

    /// `shufflevector lhs, rhs, mask` (indices below the operands' lane count pick from `lhs`).
    func shuffle(_ lhs: LLVMValueRef, _ rhs: LLVMValueRef, _ mask: [UInt32], _ name: String = "") -> LLVMValueRef {
        LLVMBuildShuffleVector(builder.builder, lhs, rhs, constantVector(types.i32, mask.map(UInt64.init)), name)
    }

    /// `insertelement vector, value, lane`.
    func insertLane(_ vector: LLVMValueRef, _ value: LLVMValueRef, _ lane: UInt32, _ name: String = "")
        -> LLVMValueRef
    {
        LLVMBuildInsertElement(builder.builder, vector, value, builder.i32(lane), name)
    }

    /// `extractelement vector, lane`.
    func extractLane(_ vector: LLVMValueRef, _ lane: UInt32, _ name: String = "") -> LLVMValueRef {
        LLVMBuildExtractElement(builder.builder, vector, builder.i32(lane), name)
    }

    /// A vector of `count` copies of the scalar `value`.
    func splat(_ value: LLVMValueRef, count: UInt32, _ name: String = "") -> LLVMValueRef {
        let vectorType = types.vector(LLVMTypeOf(value), count)
        let single = insertLane(LLVMGetPoison(vectorType), value, 0)
        return shuffle(single, LLVMGetPoison(vectorType), Array(repeating: 0, count: Int(count)), name)
    }

    /// Lanes `first ..< first + count` of the vector `value`.
    func subvector(_ value: LLVMValueRef, from first: UInt32, count: UInt32, _ name: String = "") -> LLVMValueRef {
        shuffle(value, LLVMGetPoison(LLVMTypeOf(value)), Array(first..<first + count), name)
    }

    /// The low or high half of the lanes of `value` (as `shape`), sign- or zero-extended to twice
    /// their width.
    func extendHalf(_ value: LLVMValueRef, _ shape: LaneShape, high: Bool, signed: Bool) -> LLVMValueRef {
        let half = shape.laneCount / 2
        let part = subvector(lanes(value, shape), from: high ? half : 0, count: half)
        let wide = types.vector(LLVMIntTypeInContext(builder.context, shape.laneBits * 2), half)
        return signed ? builder.sext(part, wide) : builder.zext(part, wide)
    }

    /// `value` extended with zero lanes to twice its lane count (`fNxM_zero` results).
    func padWithZeros(_ value: LLVMValueRef, _ name: String = "") -> LLVMValueRef {
        let count = LLVMGetVectorSize(LLVMTypeOf(value))
        return shuffle(value, LLVMConstNull(LLVMTypeOf(value)), Array(0..<2 * count), name)
    }

    /// `i32` → the lane type of an integer shape (truncating for i8 and i16 lanes).
    func scalarToLane(_ value: LLVMValueRef, _ shape: LaneShape) -> LLVMValueRef {
        switch shape {
        case .i8x16, .i16x8: return builder.trunc(value, laneType(shape))
        default: return value
        }
    }

    // MARK: - Constants and shuffles

    mutating func visitV128Const(value: V128) throws(WasmParserError) {
        guard isReachable else { return }
        push(constantVector(types.i64, [value.low, value.high]))
    }

    mutating func visitI8x16Shuffle(lanes mask: V128) throws(WasmParserError) {
        guard isReachable else { return }
        let rhs = popLanes(.i8x16)
        let lhs = popLanes(.i8x16)
        // Lane indices 0-15 pick from the first operand, 16-31 from the second (validated < 32).
        let indices = (0..<16).map { UInt32(mask[byte: $0]) }
        pushVector(shuffle(lhs, rhs, indices, "i8x16.shuffle"))
    }

    // MARK: - Splat and lanes

    mutating func visitSIMDSplat(_ instruction: Instruction.SIMDSplat) throws(WasmParserError) {
        guard isReachable else { return }
        let shape: LaneShape
        switch instruction {
        case .i8x16Splat: shape = .i8x16
        case .i16x8Splat: shape = .i16x8
        case .i32x4Splat: shape = .i32x4
        case .i64x2Splat: shape = .i64x2
        case .f32x4Splat: shape = .f32x4
        case .f64x2Splat: shape = .f64x2
        }
        pushVector(splat(scalarToLane(pop(), shape), count: shape.laneCount, instruction.name))
    }

    mutating func visitSIMDExtractLane(_ instruction: Instruction.SIMDExtractLane, lane: UInt8)
        throws(WasmParserError)
    {
        guard isReachable else { return }
        let shape: LaneShape
        /// For i8 and i16 lanes, whether the lane is sign-extended to i32.
        var signed: Bool?
        switch instruction {
        case .i8x16ExtractLaneS: (shape, signed) = (.i8x16, true)
        case .i8x16ExtractLaneU: (shape, signed) = (.i8x16, false)
        case .i16x8ExtractLaneS: (shape, signed) = (.i16x8, true)
        case .i16x8ExtractLaneU: (shape, signed) = (.i16x8, false)
        case .i32x4ExtractLane: shape = .i32x4
        case .i64x2ExtractLane: shape = .i64x2
        case .f32x4ExtractLane: shape = .f32x4
        case .f64x2ExtractLane: shape = .f64x2
        }
        let vector = popLanes(shape)
        let name = instruction.name
        let element = extractLane(vector, UInt32(lane), signed == nil ? name : "")
        switch signed {
        case true?: push(builder.sext(element, types.i32, name))
        case false?: push(builder.zext(element, types.i32, name))
        case nil: push(element)
        }
    }

    mutating func visitSIMDReplaceLane(_ instruction: Instruction.SIMDReplaceLane, lane: UInt8)
        throws(WasmParserError)
    {
        guard isReachable else { return }
        let shape: LaneShape
        switch instruction {
        case .i8x16ReplaceLane: shape = .i8x16
        case .i16x8ReplaceLane: shape = .i16x8
        case .i32x4ReplaceLane: shape = .i32x4
        case .i64x2ReplaceLane: shape = .i64x2
        case .f32x4ReplaceLane: shape = .f32x4
        case .f64x2ReplaceLane: shape = .f64x2
        }
        let value = scalarToLane(pop(), shape)
        let vector = popLanes(shape)
        pushVector(insertLane(vector, value, UInt32(lane), instruction.name))
    }

    // MARK: - Memory

    /// Loads a value of `type` at `address` (unaligned, tagged as linear memory).
    func loadLinearMemory(_ type: LLVMTypeRef, _ address: LLVMValueRef, _ name: String) -> LLVMValueRef {
        let value = builder.load(type, address, name, align: 1)
        tagLinearMemoryAccess(value)
        return value
    }

    /// The v128 loads other than `v128.load`: extending, splatting and zero-filling loads.
    /// Returns the canonical v128 result.
    func emitSIMDLoad(_ instruction: Instruction.Load, _ address: LLVMValueRef) -> LLVMValueRef? {
        let name = instruction.name
        /// `v128.loadNxM_s/u`: M lanes of N bits, each extended to 2N bits.
        func extending(_ element: LLVMTypeRef, _ wide: LLVMTypeRef, signed: Bool) -> LLVMValueRef {
            let narrow = loadLinearMemory(types.vector(element, 64 / LLVMGetIntTypeWidth(element)), address, name)
            let wideType = types.vector(wide, 64 / LLVMGetIntTypeWidth(element))
            return canonical(signed ? builder.sext(narrow, wideType) : builder.zext(narrow, wideType))
        }
        /// `v128.loadN_splat`.
        func splatting(_ shape: LaneShape) -> LLVMValueRef {
            canonical(splat(loadLinearMemory(laneType(shape), address, name), count: shape.laneCount, name))
        }
        /// `v128.loadN_zero`: lane 0 loaded, the others zero.
        func zeroFilling(_ shape: LaneShape) -> LLVMValueRef {
            let scalar = loadLinearMemory(laneType(shape), address, name)
            return canonical(insertLane(LLVMConstNull(vectorType(shape)), scalar, 0, name))
        }
        switch instruction {
        case .v128Load8x8S: return extending(types.i8, types.i16, signed: true)
        case .v128Load8x8U: return extending(types.i8, types.i16, signed: false)
        case .v128Load16x4S: return extending(types.i16, types.i32, signed: true)
        case .v128Load16x4U: return extending(types.i16, types.i32, signed: false)
        case .v128Load32x2S: return extending(types.i32, types.i64, signed: true)
        case .v128Load32x2U: return extending(types.i32, types.i64, signed: false)
        case .v128Load8Splat: return splatting(.i8x16)
        case .v128Load16Splat: return splatting(.i16x8)
        case .v128Load32Splat: return splatting(.i32x4)
        case .v128Load64Splat: return splatting(.i64x2)
        case .v128Load32Zero: return zeroFilling(.i32x4)
        case .v128Load64Zero: return zeroFilling(.i64x2)
        default: return nil
        }
    }

    /// The shape whose lanes `v128.loadN_lane` / `v128.storeN_lane` access.
    private func laneAccessShape(bits: Int) -> LaneShape {
        switch bits {
        case 8: return .i8x16
        case 16: return .i16x8
        case 32: return .i32x4
        default: return .i64x2
        }
    }

    mutating func visitSIMDLoadLane(_ instruction: Instruction.SIMDLoadLane, memarg: MemArg, lane: UInt8)
        throws(WasmParserError)
    {
        guard isReachable else { return }
        let shape: LaneShape
        switch instruction {
        case .v128Load8Lane: shape = laneAccessShape(bits: 8)
        case .v128Load16Lane: shape = laneAccessShape(bits: 16)
        case .v128Load32Lane: shape = laneAccessShape(bits: 32)
        case .v128Load64Lane: shape = laneAccessShape(bits: 64)
        }
        let vector = popLanes(shape)
        let address = effectiveAddress(pop(), memarg)
        let value = loadLinearMemory(laneType(shape), address, instruction.name)
        pushVector(insertLane(vector, value, UInt32(lane)))
    }

    mutating func visitSIMDStoreLane(_ instruction: Instruction.SIMDStoreLane, memarg: MemArg, lane: UInt8)
        throws(WasmParserError)
    {
        guard isReachable else { return }
        let shape: LaneShape
        switch instruction {
        case .v128Store8Lane: shape = laneAccessShape(bits: 8)
        case .v128Store16Lane: shape = laneAccessShape(bits: 16)
        case .v128Store32Lane: shape = laneAccessShape(bits: 32)
        case .v128Store64Lane: shape = laneAccessShape(bits: 64)
        }
        let vector = popLanes(shape)
        let address = effectiveAddress(pop(), memarg)
        let value = extractLane(vector, UInt32(lane), instruction.name)
        tagLinearMemoryAccess(builder.store(value, address, align: 1))
    }
}
