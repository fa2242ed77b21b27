// Fixed-width SIMD. Not lowered yet: a module that uses SIMD instructions is refused with a
// message naming the feature and the first instruction, rather than miscompiled.

import WasmParser

extension FunctionLowering {
    mutating func unsupportedSIMD(_ name: String) -> WasmParserError {
        fail(.unsupported(feature: "simd", detail: "instruction \(name)"))
    }

    mutating func visitSIMDUnary(_ instruction: Instruction.SIMDUnary) throws(WasmParserError) {
        guard isReachable else { return }
        throw unsupportedSIMD(instruction.name)
    }

    mutating func visitSIMDBinary(_ instruction: Instruction.SIMDBinary) throws(WasmParserError) {
        guard isReachable else { return }
        throw unsupportedSIMD(instruction.name)
    }

    mutating func visitSIMDTernary(_ instruction: Instruction.SIMDTernary) throws(WasmParserError) {
        guard isReachable else { return }
        throw unsupportedSIMD(instruction.name)
    }

    mutating func visitSIMDTest(_ instruction: Instruction.SIMDTest) throws(WasmParserError) {
        guard isReachable else { return }
        throw unsupportedSIMD(instruction.name)
    }

    mutating func visitSIMDShift(_ instruction: Instruction.SIMDShift) throws(WasmParserError) {
        guard isReachable else { return }
        throw unsupportedSIMD(instruction.name)
    }

    mutating func visitSIMDSplat(_ instruction: Instruction.SIMDSplat) throws(WasmParserError) {
        guard isReachable else { return }
        throw unsupportedSIMD(instruction.name)
    }

    mutating func visitSIMDExtractLane(_ instruction: Instruction.SIMDExtractLane, lane: UInt8) throws(WasmParserError) {
        guard isReachable else { return }
        throw unsupportedSIMD(instruction.name)
    }

    mutating func visitSIMDReplaceLane(_ instruction: Instruction.SIMDReplaceLane, lane: UInt8) throws(WasmParserError) {
        guard isReachable else { return }
        throw unsupportedSIMD(instruction.name)
    }

    mutating func visitSIMDLoadLane(_ instruction: Instruction.SIMDLoadLane, memarg: MemArg, lane: UInt8)
        throws(WasmParserError)
    {
        guard isReachable else { return }
        throw unsupportedSIMD(instruction.name)
    }

    mutating func visitSIMDStoreLane(_ instruction: Instruction.SIMDStoreLane, memarg: MemArg, lane: UInt8)
        throws(WasmParserError)
    {
        guard isReachable else { return }
        throw unsupportedSIMD(instruction.name)
    }

    mutating func visitV128Const(value: V128) throws(WasmParserError) {
        guard isReachable else { return }
        throw unsupportedSIMD("v128.const")
    }

    mutating func visitI8x16Shuffle(lanes: V128) throws(WasmParserError) {
        guard isReachable else { return }
        throw unsupportedSIMD("i8x16.shuffle")
    }
}
