// The typing rule of every instruction.
//
// <https://webassembly.github.io/spec/core/valid/instructions.html>
//
// Instructions of the grouped categories take their operand and result types from the instruction
// table (generated/Instruction.swift); the others are typed here one by one.

extension FunctionValidator: InstructionVisitor {
    // MARK: - Numeric and vector categories (types from the table)

    mutating func visitUnary(_ instruction: Instruction.Unary) throws(WasmParserError) {
        let type = PackedType(instruction.resultType)
        try pop(type)
        push(type)
    }

    mutating func visitBinary(_ instruction: Instruction.Binary) throws(WasmParserError) {
        let type = PackedType(instruction.resultType)
        try pop(type)
        try pop(type)
        push(type)
    }

    mutating func visitTest(_ instruction: Instruction.Test) throws(WasmParserError) {
        try pop(PackedType(instruction.topOperandType))
        push(.i32)
    }

    mutating func visitCompare(_ instruction: Instruction.Compare) throws(WasmParserError) {
        let type = PackedType(instruction.topOperandType)
        try pop(type)
        try pop(type)
        push(.i32)
    }

    mutating func visitConversion(_ instruction: Instruction.Conversion) throws(WasmParserError) {
        try pop(PackedType(instruction.topOperandType))
        push(PackedType(instruction.resultType))
    }

    mutating func visitLoad(_ instruction: Instruction.Load, memarg: MemArg) throws(WasmParserError) {
        try checkMemArg(memarg, naturalAlignmentLog2: instruction.naturalAlignmentLog2)
        try pop(.i32)
        push(PackedType(instruction.resultType))
    }

    mutating func visitStore(_ instruction: Instruction.Store, memarg: MemArg) throws(WasmParserError) {
        try checkMemArg(memarg, naturalAlignmentLog2: instruction.naturalAlignmentLog2)
        try pop(PackedType(instruction.topOperandType))
        try pop(.i32)
    }

    mutating func visitSIMDUnary(_ instruction: Instruction.SIMDUnary) throws(WasmParserError) {
        try pop(.v128)
        push(.v128)
    }

    mutating func visitSIMDBinary(_ instruction: Instruction.SIMDBinary) throws(WasmParserError) {
        try pop(.v128)
        try pop(.v128)
        push(.v128)
    }

    mutating func visitSIMDTernary(_ instruction: Instruction.SIMDTernary) throws(WasmParserError) {
        try pop(.v128)
        try pop(.v128)
        try pop(.v128)
        push(.v128)
    }

    mutating func visitSIMDTest(_ instruction: Instruction.SIMDTest) throws(WasmParserError) {
        try pop(.v128)
        push(.i32)
    }

    mutating func visitSIMDShift(_ instruction: Instruction.SIMDShift) throws(WasmParserError) {
        try pop(.i32)
        try pop(.v128)
        push(.v128)
    }

    mutating func visitSIMDSplat(_ instruction: Instruction.SIMDSplat) throws(WasmParserError) {
        try pop(PackedType(instruction.topOperandType))
        push(.v128)
    }

    mutating func visitSIMDExtractLane(_ instruction: Instruction.SIMDExtractLane, lane: UInt8) throws(WasmParserError) {
        try checkLane(lane, count: instruction.laneCount)
        try pop(.v128)
        push(PackedType(instruction.resultType))
    }

    mutating func visitSIMDReplaceLane(_ instruction: Instruction.SIMDReplaceLane, lane: UInt8) throws(WasmParserError) {
        try checkLane(lane, count: instruction.laneCount)
        try pop(PackedType(instruction.topOperandType))
        try pop(.v128)
        push(.v128)
    }

    mutating func visitSIMDLoadLane(_ instruction: Instruction.SIMDLoadLane, memarg: MemArg, lane: UInt8)
        throws(WasmParserError)
    {
        try checkMemArg(memarg, naturalAlignmentLog2: instruction.naturalAlignmentLog2)
        try checkLane(lane, count: instruction.laneCount)
        try pop(.v128)
        try pop(.i32)
        push(.v128)
    }

    mutating func visitSIMDStoreLane(_ instruction: Instruction.SIMDStoreLane, memarg: MemArg, lane: UInt8)
        throws(WasmParserError)
    {
        try checkMemArg(memarg, naturalAlignmentLog2: instruction.naturalAlignmentLog2)
        try checkLane(lane, count: instruction.laneCount)
        try pop(.v128)
        try pop(.i32)
    }

    // MARK: - Control
    // <https://webassembly.github.io/spec/core/valid/instructions.html#control-instructions>

    mutating func visitUnreachable() throws(WasmParserError) {
        markUnreachable()
    }

    mutating func visitNop() throws(WasmParserError) {}

    mutating func visitBlock(blockType: BlockType) throws(WasmParserError) {
        let (parameters, results) = try blockTypes(blockType)
        try pop(parameters)
        try pushFrame(.block, parameters: parameters, results: results)
    }

    mutating func visitLoop(blockType: BlockType) throws(WasmParserError) {
        let (parameters, results) = try blockTypes(blockType)
        try pop(parameters)
        try pushFrame(.loop, parameters: parameters, results: results)
    }

    mutating func visitIf(blockType: BlockType) throws(WasmParserError) {
        let (parameters, results) = try blockTypes(blockType)
        try pop(.i32)
        try pop(parameters)
        try pushFrame(.if, parameters: parameters, results: results)
    }

    mutating func visitElse() throws(WasmParserError) {
        guard frames[frames.count - 1].kind == .if else { throw invalid("else found outside of an if block") }
        let frame = try popFrame()
        try pushFrame(.else, parameters: frame.parameters, results: frame.results)
    }

    mutating func visitEnd() throws(WasmParserError) {
        let frame = try popFrame()
        // An `if` without `else` passes its parameters through the missing branch.
        if frame.kind == .if && !(frame.parameters == frame.results) { throw typeMismatch() }
        if frame.kind == .function {
            isFinished = true
            return
        }
        push(frame.results)
    }

    mutating func visitBr(relativeDepth: UInt32) throws(WasmParserError) {
        try pop(try label(relativeDepth).labelTypes)
        markUnreachable()
    }

    mutating func visitBrIf(relativeDepth: UInt32) throws(WasmParserError) {
        let types = try label(relativeDepth).labelTypes
        try pop(.i32)
        // The label's types are popped and pushed back as known types, even in unreachable code.
        try pop(types)
        push(types)
    }

    mutating func visitBrTable(targets: BrTable) throws(WasmParserError) {
        try pop(.i32)
        let defaultTypes = try label(targets.defaultLabel).labelTypes
        for depth in targets.labels {
            let types = try label(depth).labelTypes
            guard types.count == defaultTypes.count else { throw typeMismatch() }
            try checkTop(types)
        }
        try pop(defaultTypes)
        markUnreachable()
    }

    mutating func visitReturn() throws(WasmParserError) {
        try pop(frames[0].results)
        markUnreachable()
    }

    mutating func visitCall(functionIndex: UInt32) throws(WasmParserError) {
        let type = try functionType(functionIndex)
        try pop(TypeList(type.parameters))
        push(TypeList(type.results))
    }

    mutating func visitCallIndirect(typeIndex: UInt32, tableIndex: UInt32) throws(WasmParserError) {
        let table = try tableType(tableIndex)
        guard table.elementType.heapType == .abstract(.func) else { throw typeMismatch() }
        guard let type = context.functionType(at: typeIndex) else { throw invalid("unknown type \(typeIndex)") }
        try pop(.i32)
        try pop(TypeList(type.parameters))
        push(TypeList(type.results))
    }

    // MARK: - Parametric

    mutating func visitDrop() throws(WasmParserError) {
        _ = try pop()
    }

    mutating func visitSelect() throws(WasmParserError) {
        try pop(.i32)
        let first = try pop()
        let second = try pop()
        // Without a type immediate, select works on numbers and vectors only.
        if first.isReference || second.isReference { throw typeMismatch() }
        if first.isKnown && second.isKnown && first != second { throw typeMismatch() }
        push(first.isKnown ? first : second)
    }

    mutating func visitSelectTyped(type: ValueType) throws(WasmParserError) {
        let packed = PackedType(type)
        try pop(.i32)
        try pop(packed)
        try pop(packed)
        push(packed)
    }

    // MARK: - Variables

    mutating func visitLocalGet(localIndex: UInt32) throws(WasmParserError) {
        push(try localType(localIndex))
    }

    mutating func visitLocalSet(localIndex: UInt32) throws(WasmParserError) {
        try pop(try localType(localIndex))
    }

    mutating func visitLocalTee(localIndex: UInt32) throws(WasmParserError) {
        let type = try localType(localIndex)
        try pop(type)
        push(type)
    }

    mutating func visitGlobalGet(globalIndex: UInt32) throws(WasmParserError) {
        push(PackedType(try globalType(globalIndex).valueType))
    }

    mutating func visitGlobalSet(globalIndex: UInt32) throws(WasmParserError) {
        let type = try globalType(globalIndex)
        guard type.isMutable else { throw invalid("immutable global") }
        try pop(PackedType(type.valueType))
    }

    // MARK: - Tables

    mutating func visitTableGet(table: UInt32) throws(WasmParserError) {
        let type = try tableType(table)
        try pop(.i32)
        push(PackedType(.ref(type.elementType)))
    }

    mutating func visitTableSet(table: UInt32) throws(WasmParserError) {
        let type = try tableType(table)
        try pop(PackedType(.ref(type.elementType)))
        try pop(.i32)
    }

    mutating func visitTableInit(elementIndex: UInt32, table: UInt32) throws(WasmParserError) {
        let tableType = try tableType(table)
        let segmentType = try elementType(elementIndex)
        guard isSubtype(.ref(segmentType), of: .ref(tableType.elementType)) else { throw typeMismatch() }
        try pop(.i32)
        try pop(.i32)
        try pop(.i32)
    }

    mutating func visitElemDrop(elementIndex: UInt32) throws(WasmParserError) {
        _ = try elementType(elementIndex)
    }

    mutating func visitTableCopy(destinationTable: UInt32, sourceTable: UInt32) throws(WasmParserError) {
        let destination = try tableType(destinationTable)
        let source = try tableType(sourceTable)
        guard isSubtype(.ref(source.elementType), of: .ref(destination.elementType)) else { throw typeMismatch() }
        try pop(.i32)
        try pop(.i32)
        try pop(.i32)
    }

    mutating func visitTableGrow(table: UInt32) throws(WasmParserError) {
        let type = try tableType(table)
        try pop(.i32)
        try pop(PackedType(.ref(type.elementType)))
        push(.i32)
    }

    mutating func visitTableSize(table: UInt32) throws(WasmParserError) {
        _ = try tableType(table)
        push(.i32)
    }

    mutating func visitTableFill(table: UInt32) throws(WasmParserError) {
        let type = try tableType(table)
        try pop(.i32)
        try pop(PackedType(.ref(type.elementType)))
        try pop(.i32)
    }

    // MARK: - Memory

    mutating func visitMemorySize(memory: UInt32) throws(WasmParserError) {
        try checkMemory(memory)
        push(.i32)
    }

    mutating func visitMemoryGrow(memory: UInt32) throws(WasmParserError) {
        try checkMemory(memory)
        try pop(.i32)
        push(.i32)
    }

    mutating func visitMemoryInit(dataIndex: UInt32, memory: UInt32) throws(WasmParserError) {
        try checkMemory(memory)
        try checkDataSegment(dataIndex)
        try pop(.i32)
        try pop(.i32)
        try pop(.i32)
    }

    mutating func visitDataDrop(dataIndex: UInt32) throws(WasmParserError) {
        try checkDataSegment(dataIndex)
    }

    mutating func visitMemoryCopy(destinationMemory: UInt32, sourceMemory: UInt32) throws(WasmParserError) {
        try checkMemory(destinationMemory)
        try checkMemory(sourceMemory)
        try pop(.i32)
        try pop(.i32)
        try pop(.i32)
    }

    mutating func visitMemoryFill(memory: UInt32) throws(WasmParserError) {
        try checkMemory(memory)
        try pop(.i32)
        try pop(.i32)
        try pop(.i32)
    }

    // MARK: - Constants and references

    mutating func visitI32Const(value: Int32) throws(WasmParserError) { push(.i32) }
    mutating func visitI64Const(value: Int64) throws(WasmParserError) { push(.i64) }
    mutating func visitF32Const(value: UInt32) throws(WasmParserError) { push(.f32) }
    mutating func visitF64Const(value: UInt64) throws(WasmParserError) { push(.f64) }
    mutating func visitV128Const(value: V128) throws(WasmParserError) { push(.v128) }

    mutating func visitI8x16Shuffle(lanes: V128) throws(WasmParserError) {
        for i in 0..<16 where lanes[byte: i] >= 32 { throw invalid("invalid lane index") }
        try pop(.v128)
        try pop(.v128)
        push(.v128)
    }

    mutating func visitRefNull(type: HeapType) throws(WasmParserError) {
        push(PackedType(.ref(ReferenceType(isNullable: true, heapType: type))))
    }

    mutating func visitRefIsNull() throws(WasmParserError) {
        let operand = try pop()
        if operand.isKnown && !operand.isReference { throw typeMismatch() }
        push(.i32)
    }

    mutating func visitRefFunc(functionIndex: UInt32) throws(WasmParserError) {
        _ = try functionType(functionIndex)
        guard context.declaredFunctionReferences.contains(functionIndex) else {
            throw invalid("undeclared function reference")
        }
        push(PackedType(.funcRef))
    }
}
