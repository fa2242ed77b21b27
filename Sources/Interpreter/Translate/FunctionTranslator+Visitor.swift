// The `InstructionVisitor` conformance: one method per instruction or category, each turning the
// instruction into records over frame slots (see FunctionTranslator.swift). Every method except
// the structural ones returns at once in unreachable code.

import WasmParser

extension FunctionTranslator: InstructionVisitor {
    // MARK: - Numeric

    mutating func visitUnary(_ instruction: Instruction.Unary) throws(WasmParserError) {
        guard reachable else { return }
        unary(.unary(instruction), resultSize: 1)
    }

    mutating func visitBinary(_ instruction: Instruction.Binary) throws(WasmParserError) {
        guard reachable else { return }
        binary(.binary(instruction), resultSize: 1)
    }

    mutating func visitTest(_ instruction: Instruction.Test) throws(WasmParserError) {
        guard reachable else { return }
        unary(.test(instruction), resultSize: 1)
    }

    mutating func visitCompare(_ instruction: Instruction.Compare) throws(WasmParserError) {
        guard reachable else { return }
        binary(.compare(instruction), resultSize: 1)
    }

    mutating func visitConversion(_ instruction: Instruction.Conversion) throws(WasmParserError) {
        guard reachable else { return }
        unary(.conversion(instruction), resultSize: 1)
    }

    /// `a` = op(`b`).
    mutating func unary(_ op: Op, resultSize: UInt32) {
        let source = pop()
        let destination = push(size: resultSize)
        emitProducing(Inst(op, a: destination, b: source))
    }

    /// `a` = `b` op `c`, with a constant right operand as an immediate where the operation has an
    /// immediate form and the constant fits (32 bits, sign-extended for i64).
    mutating func binary(_ op: Op, resultSize: UInt32) {
        if case .constant(let bits) = stack[stack.count - 1].location, let immediate = op.immediateForm,
            Self.fitsImmediate(bits, op: op)
        {
            stack.removeLast()
            let left = pop()
            let destination = push(size: resultSize)
            emitProducing(Inst(immediate, a: destination, b: left, c: UInt32(truncatingIfNeeded: bits)))
            return
        }
        let right = pop()
        let left = pop()
        let destination = push(size: resultSize)
        emitProducing(Inst(op, a: destination, b: left, c: right))
    }

    /// Whether constant `bits` is the immediate of `op`'s immediate form: every i32 constant; an
    /// i64 one when it is its low 32 bits sign-extended.
    static func fitsImmediate(_ bits: UInt64, op: Op) -> Bool {
        let isI64 = (op.rawValue >= Op.i64Add.rawValue && op.rawValue <= Op.i64Rotr.rawValue)
            || (op.rawValue >= Op.i64Eq.rawValue && op.rawValue <= Op.i64GeU.rawValue)
        if !isI64 { return true }
        return UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: bits))) == bits
    }

    // MARK: - Memory

    mutating func visitLoad(_ instruction: Instruction.Load, memarg: MemArg) throws(WasmParserError) {
        guard reachable else { return }
        let address = pop()
        let size: UInt32 = instruction.rawValue >= Instruction.Load.v128Load.rawValue ? 2 : 1
        let destination = push(size: size)
        emitProducing(Inst(.load(instruction), a: destination, b: address, c: offset(memarg)))
    }

    mutating func visitStore(_ instruction: Instruction.Store, memarg: MemArg) throws(WasmParserError) {
        guard reachable else { return }
        let value = pop()
        let address = pop()
        emit(Inst(.store(instruction), a: address, b: value, c: offset(memarg)))
    }

    /// The memarg offset (below 2^32 for 32-bit memories, which validation checks).
    func offset(_ memarg: MemArg) -> UInt32 { UInt32(truncatingIfNeeded: memarg.offset) }

    mutating func visitMemorySize(memory: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        emitProducing(Inst(.memorySize, a: push(size: 1), b: memory))
    }

    mutating func visitMemoryGrow(memory: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        let delta = pop()
        emit(Inst(.memoryGrow, a: push(size: 1), b: delta, c: memory))
    }

    mutating func visitMemoryInit(dataIndex: UInt32, memory: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        let (destination, source, count) = popThree()
        emit(Inst(.memoryInit, a: destination, b: source, c: count))
        emit(Inst.operands(a: dataIndex, b: memory))
    }

    mutating func visitDataDrop(dataIndex: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        emit(Inst(.dataDrop, a: dataIndex))
    }

    mutating func visitMemoryCopy(destinationMemory: UInt32, sourceMemory: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        let (destination, source, count) = popThree()
        emit(Inst(.memoryCopy, a: destination, b: source, c: count))
        emit(Inst.operands(a: destinationMemory, b: sourceMemory))
    }

    mutating func visitMemoryFill(memory: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        let (destination, value, count) = popThree()
        emit(Inst(.memoryFill, a: destination, b: value, c: count))
        emit(Inst.operands(a: memory))
    }

    /// Pops three operands; returns their slots bottom first.
    mutating func popThree() -> (UInt32, UInt32, UInt32) {
        let third = pop()
        let second = pop()
        let first = pop()
        return (first, second, third)
    }

    // MARK: - Tables

    mutating func visitTableGet(table: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        let index = pop()
        emitProducing(Inst(.tableGet, a: push(size: 1), b: index, c: table))
    }

    mutating func visitTableSet(table: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        let value = pop()
        let index = pop()
        emit(Inst(.tableSet, a: table, b: index, c: value))
    }

    mutating func visitTableSize(table: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        emitProducing(Inst(.tableSize, a: push(size: 1), b: table))
    }

    mutating func visitTableGrow(table: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        let count = pop()
        let initial = pop()
        emit(Inst(.tableGrow, a: push(size: 1), b: initial, c: count))
        emit(Inst.operands(a: table))
    }

    mutating func visitTableFill(table: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        let (index, value, count) = popThree()
        emit(Inst(.tableFill, a: index, b: value, c: count))
        emit(Inst.operands(a: table))
    }

    mutating func visitTableCopy(destinationTable: UInt32, sourceTable: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        let (destination, source, count) = popThree()
        emit(Inst(.tableCopy, a: destination, b: source, c: count))
        emit(Inst.operands(a: destinationTable, b: sourceTable))
    }

    mutating func visitTableInit(elementIndex: UInt32, table: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        let (destination, source, count) = popThree()
        emit(Inst(.tableInit, a: destination, b: source, c: count))
        emit(Inst.operands(a: table, b: elementIndex))
    }

    mutating func visitElemDrop(elementIndex: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        emit(Inst(.elemDrop, a: elementIndex))
    }

    // MARK: - Control

    mutating func visitUnreachable() throws(WasmParserError) {
        guard reachable else { return }
        emit(Inst(.unreachable))
        reachable = false
    }

    mutating func visitNop() throws(WasmParserError) {}

    mutating func visitBlock(blockType: BlockType) throws(WasmParserError) {
        guard reachable else {
            skipDepth += 1
            return
        }
        enterBlock(.block, blockType)
    }

    mutating func visitLoop(blockType: BlockType) throws(WasmParserError) {
        guard reachable else {
            skipDepth += 1
            return
        }
        enterBlock(.loop, blockType)
    }

    mutating func visitIf(blockType: BlockType) throws(WasmParserError) {
        guard reachable else {
            skipDepth += 1
            return
        }
        enterIf(blockType)
    }

    mutating func visitElse() throws(WasmParserError) {
        guard skipDepth == 0 else { return }
        enterElse()
    }

    mutating func visitEnd() throws(WasmParserError) {
        guard skipDepth == 0 else {
            skipDepth -= 1
            return
        }
        exitBlock()
    }

    mutating func visitBr(relativeDepth: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        emitBranch(depth: Int(relativeDepth))
        reachable = false
    }

    mutating func visitBrIf(relativeDepth: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        branchIf(depth: Int(relativeDepth))
    }

    mutating func visitBrTable(targets: BrTable) throws(WasmParserError) {
        guard reachable else { return }
        branchTable(targets)
        reachable = false
    }

    mutating func visitReturn() throws(WasmParserError) {
        guard reachable else { return }
        emitReturn()
        reachable = false
    }

    mutating func visitCall(functionIndex: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        call(functionIndex)
    }

    mutating func visitCallIndirect(typeIndex: UInt32, tableIndex: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        callIndirect(typeIndex: typeIndex, table: tableIndex)
    }

    // MARK: - Parametric

    mutating func visitDrop() throws(WasmParserError) {
        guard reachable else { return }
        stack.removeLast()
    }

    mutating func visitSelect() throws(WasmParserError) {
        guard reachable else { return }
        select()
    }

    mutating func visitSelectTyped(type: ValueType) throws(WasmParserError) {
        guard reachable else { return }
        select()
    }

    mutating func select() {
        let condition = pop()
        let second = pop()
        let size = stack[stack.count - 1].size
        let first = pop()
        let destination = push(size: size)
        emitProducing(
            Inst(size == 2 ? .selectV128 : .select, a: destination, b: first, c: second),
            operands: [Inst.operands(a: condition)])
    }

    // MARK: - Variables

    mutating func visitLocalGet(localIndex: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        let index = Int(localIndex)
        push(size: localSize[index], location: .local(localSlot[index]))
    }

    mutating func visitLocalSet(localIndex: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        setLocal(Int(localIndex))
        stack.removeLast()
    }

    mutating func visitLocalTee(localIndex: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        setLocal(Int(localIndex))
        stack[stack.count - 1].location = .local(localSlot[Int(localIndex)])
    }

    /// Stores the top operand (left on the stack) in local `index`: by rewriting the record that
    /// computed it when possible, else with a copy. Operands reading the local's old value are
    /// copied to their canonical slots first.
    mutating func setLocal(_ index: Int) {
        let slot = localSlot[index]
        let size = localSize[index]
        let top = stack[stack.count - 1]
        if top.location == .local(slot) { return }
        let otherReaders = stack.dropLast().contains { $0.location == .local(slot) }
        if !otherReaders, topIsLastProduced, let producer = lastProducer {
            code[producer.index].a = slot
            lastProducer = nil
            return
        }
        let value = stack.removeLast()
        materializeReaders(ofLocal: slot)
        stack.append(value)
        switch value.location {
        case .canonical: emitMove(from: value.canonical, to: slot, size: size)
        case .local(let source): emitMove(from: source, to: slot, size: size)
        case .constant(let bits): emit(constant: bits, to: slot)
        }
    }

    mutating func visitGlobalGet(globalIndex: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        let type = module.globalTypes[Int(globalIndex)].valueType
        let op: Op = type == .v128 ? .globalGetV128 : (type == .i32 || type == .f32 ? .globalGet32 : .globalGet64)
        emitProducing(Inst(op, a: push(size: Self.slots(type)), b: globalIndex))
    }

    mutating func visitGlobalSet(globalIndex: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        let type = module.globalTypes[Int(globalIndex)].valueType
        let op: Op = type == .v128 ? .globalSetV128 : (type == .i32 || type == .f32 ? .globalSet32 : .globalSet64)
        let value = pop()
        emit(Inst(op, a: globalIndex, b: value))
    }

    // MARK: - Constants and references

    mutating func visitI32Const(value: Int32) throws(WasmParserError) {
        guard reachable else { return }
        push(size: 1, location: .constant(UInt64(UInt32(bitPattern: value))))
    }

    mutating func visitI64Const(value: Int64) throws(WasmParserError) {
        guard reachable else { return }
        push(size: 1, location: .constant(UInt64(bitPattern: value)))
    }

    mutating func visitF32Const(value: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        push(size: 1, location: .constant(UInt64(value)))
    }

    mutating func visitF64Const(value: UInt64) throws(WasmParserError) {
        guard reachable else { return }
        push(size: 1, location: .constant(value))
    }

    mutating func visitV128Const(value: V128) throws(WasmParserError) {
        guard reachable else { return }
        let destination = push(size: 2)
        emitProducing(
            Inst(
                .constV128, a: destination, b: UInt32(truncatingIfNeeded: value.low),
                c: UInt32(truncatingIfNeeded: value.low >> 32)),
            operands: [
                Inst.operands(a: UInt32(truncatingIfNeeded: value.high), b: UInt32(truncatingIfNeeded: value.high >> 32))
            ])
    }

    mutating func visitRefNull(type: HeapType) throws(WasmParserError) {
        guard reachable else { return }
        push(size: 1, location: .constant(0))
    }

    mutating func visitRefIsNull() throws(WasmParserError) {
        guard reachable else { return }
        unary(.refIsNull, resultSize: 1)
    }

    mutating func visitRefFunc(functionIndex: UInt32) throws(WasmParserError) {
        guard reachable else { return }
        emitProducing(Inst(.refFunc, a: push(size: 1), b: functionIndex))
    }

    // MARK: - SIMD

    mutating func visitSIMDUnary(_ instruction: Instruction.SIMDUnary) throws(WasmParserError) {
        guard reachable else { return }
        unary(.simdUnary(instruction), resultSize: 2)
    }

    mutating func visitSIMDBinary(_ instruction: Instruction.SIMDBinary) throws(WasmParserError) {
        guard reachable else { return }
        let right = pop()
        let left = pop()
        emitProducing(Inst(.simdBinary(instruction), a: push(size: 2), b: left, c: right))
    }

    mutating func visitSIMDTernary(_ instruction: Instruction.SIMDTernary) throws(WasmParserError) {
        guard reachable else { return }
        let (first, second, mask) = popThree()
        emitProducing(
            Inst(.simdTernary(instruction), a: push(size: 2), b: first, c: second), operands: [Inst.operands(a: mask)])
    }

    mutating func visitSIMDTest(_ instruction: Instruction.SIMDTest) throws(WasmParserError) {
        guard reachable else { return }
        unary(.simdTest(instruction), resultSize: 1)
    }

    mutating func visitSIMDShift(_ instruction: Instruction.SIMDShift) throws(WasmParserError) {
        guard reachable else { return }
        let amount = pop()
        let vector = pop()
        emitProducing(Inst(.simdShift(instruction), a: push(size: 2), b: vector, c: amount))
    }

    mutating func visitSIMDSplat(_ instruction: Instruction.SIMDSplat) throws(WasmParserError) {
        guard reachable else { return }
        unary(.simdSplat(instruction), resultSize: 2)
    }

    mutating func visitSIMDExtractLane(_ instruction: Instruction.SIMDExtractLane, lane: UInt8) throws(WasmParserError) {
        guard reachable else { return }
        let vector = pop()
        emitProducing(Inst(.simdExtractLane(instruction), x: UInt16(lane), a: push(size: 1), b: vector))
    }

    mutating func visitSIMDReplaceLane(_ instruction: Instruction.SIMDReplaceLane, lane: UInt8) throws(WasmParserError) {
        guard reachable else { return }
        let scalar = pop()
        let vector = pop()
        emitProducing(Inst(.simdReplaceLane(instruction), x: UInt16(lane), a: push(size: 2), b: vector, c: scalar))
    }

    mutating func visitSIMDLoadLane(
        _ instruction: Instruction.SIMDLoadLane, memarg: MemArg, lane: UInt8
    ) throws(WasmParserError) {
        guard reachable else { return }
        let vector = pop()
        let address = pop()
        emitProducing(
            Inst(.simdLoadLane(instruction), x: UInt16(lane), a: push(size: 2), b: address, c: offset(memarg)),
            operands: [Inst.operands(a: vector)])
    }

    mutating func visitSIMDStoreLane(
        _ instruction: Instruction.SIMDStoreLane, memarg: MemArg, lane: UInt8
    ) throws(WasmParserError) {
        guard reachable else { return }
        let vector = pop()
        let address = pop()
        emit(Inst(.simdStoreLane(instruction), x: UInt16(lane), a: address, b: vector, c: offset(memarg)))
    }

    mutating func visitI8x16Shuffle(lanes: V128) throws(WasmParserError) {
        guard reachable else { return }
        let right = pop()
        let left = pop()
        emitProducing(
            Inst(.i8x16Shuffle, a: push(size: 2), b: left, c: right),
            operands: [
                Inst.operands(a: UInt32(truncatingIfNeeded: lanes.low), b: UInt32(truncatingIfNeeded: lanes.low >> 32)),
                Inst.operands(a: UInt32(truncatingIfNeeded: lanes.high), b: UInt32(truncatingIfNeeded: lanes.high >> 32)),
            ])
    }
}
