// Control instructions, calls, variables and parametric instructions.
// <https://webassembly.github.io/spec/core/exec/instructions.html#control-instructions>

import CLLVM
import WasmParser

extension FunctionLowering {
    func blockSignature(_ blockType: BlockType) -> (parameters: [ValueType], results: [ValueType]) {
        switch blockType {
        case .empty: return ([], [])
        case .value(let type): return ([], [type])
        case .typeIndex(let index):
            let type = module.functionType(at: index)!
            return (type.parameters, type.results)
        }
    }

    // MARK: - Structured control

    mutating func visitBlock(blockType: BlockType) throws(WasmParserError) {
        guard isReachable else { deadDepth += 1; return }
        let (parameters, results) = blockSignature(blockType)
        let end = newBlock("block.end")
        frames.append(
            LoweringFrame(
                kind: .block, parameterTypes: parameters, resultTypes: results,
                stackHeight: values.count - parameters.count, endBlock: end,
                resultPhis: makePhis(results, in: end, "block.result")))
    }

    mutating func visitLoop(blockType: BlockType) throws(WasmParserError) {
        guard isReachable else { deadDepth += 1; return }
        let (parameters, results) = blockSignature(blockType)
        let header = newBlock("loop.header")
        let headerPhis = makePhis(parameters, in: header, "loop.param")
        let arguments = pop(parameters.count)
        let from = builder.currentBlock
        for (phi, value) in zip(headerPhis, arguments) { builder.addIncoming(phi, value, from: from) }
        builder.branch(to: header)
        builder.position(at: header)
        values.append(contentsOf: headerPhis)
        let end = newBlock("loop.end")
        var frame = LoweringFrame(
            kind: .loop, parameterTypes: parameters, resultTypes: results,
            stackHeight: values.count - parameters.count, endBlock: end,
            resultPhis: makePhis(results, in: end, "loop.result"))
        frame.header = header
        frame.headerPhis = headerPhis
        frames.append(frame)
    }

    mutating func visitIf(blockType: BlockType) throws(WasmParserError) {
        guard isReachable else { deadDepth += 1; return }
        let (parameters, results) = blockSignature(blockType)
        let condition = builder.icmp(LLVMIntNE, pop(), builder.i32(0), "if.condition")
        let thenBlock = newBlock("if.then")
        let elseBlock = newBlock("if.else")
        let end = newBlock("if.end")
        builder.conditionalBranch(condition, thenBlock, elseBlock)
        builder.position(at: thenBlock)
        var frame = LoweringFrame(
            kind: .if, parameterTypes: parameters, resultTypes: results,
            stackHeight: values.count - parameters.count, endBlock: end,
            resultPhis: makePhis(results, in: end, "if.result"))
        frame.elseBlock = elseBlock
        frame.ifParameters = Array(values.suffix(parameters.count))
        frames.append(frame)
    }

    mutating func visitElse() throws(WasmParserError) {
        guard deadDepth == 0 else { return }
        let index = frames.count - 1
        if !frames[index].isUnreachable {
            branch(toDepth: 0)
        }
        let frame = frames[index]
        values.removeLast(values.count - frame.stackHeight)
        values.append(contentsOf: frame.ifParameters)
        builder.position(at: frame.elseBlock!)
        frames[index].kind = .else
        frames[index].elseBlock = nil
        frames[index].isUnreachable = false
    }

    mutating func visitEnd() throws(WasmParserError) {
        if deadDepth > 0 {
            deadDepth -= 1
            return
        }
        let index = frames.count - 1
        if !frames[index].isUnreachable {
            // Falling off the end continues after the frame, a loop's too (only a branch to a
            // loop goes back to its header).
            let results = Array(values.suffix(frames[index].resultTypes.count))
            let from = builder.currentBlock
            for (phi, value) in zip(frames[index].resultPhis, results) { builder.addIncoming(phi, value, from: from) }
            builder.branch(to: frames[index].endBlock)
            frames[index].isEndReachable = true
        }
        if let elseBlock = frames[index].elseBlock {
            // An `if` without `else`: the false branch passes the parameters through.
            builder.position(at: elseBlock)
            for (phi, value) in zip(frames[index].resultPhis, frames[index].ifParameters) {
                builder.addIncoming(phi, value, from: elseBlock)
            }
            builder.branch(to: frames[index].endBlock)
            frames[index].isEndReachable = true
        }
        let frame = frames.removeLast()
        values.removeLast(values.count - frame.stackHeight)
        builder.position(at: frame.endBlock)
        if !frame.isEndReachable {
            // Nothing reaches the end: its phis have no incoming values.
            for phi in frame.resultPhis { LLVMInstructionEraseFromParent(phi) }
            LLVMBuildUnreachable(builder.builder)
            if !frames.isEmpty { markUnreachable() }
            return
        }
        if frame.kind == .function {
            emitReturn(frame.resultPhis)
            return
        }
        values.append(contentsOf: frame.resultPhis)
    }

    mutating func emitReturn(_ results: [LLVMValueRef]) {
        switch results.count {
        case 0: LLVMBuildRetVoid(builder.builder)
        case 1: LLVMBuildRet(builder.builder, results[0])
        default:
            var aggregate = LLVMGetUndef(LLVMGetReturnType(moduleLowering.nativeType(of: type)))!
            for (i, value) in results.enumerated() {
                aggregate = LLVMBuildInsertValue(builder.builder, aggregate, value, UInt32(i), "")
            }
            LLVMBuildRet(builder.builder, aggregate)
        }
    }

    // MARK: - Branches

    mutating func visitUnreachable() throws(WasmParserError) {
        guard isReachable else { return }
        trapAlways(.unreachable)
    }

    mutating func visitNop() throws(WasmParserError) {}

    mutating func visitBr(relativeDepth: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        branch(toDepth: Int(relativeDepth))
        markUnreachable()
    }

    mutating func visitBrIf(relativeDepth: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let condition = builder.icmp(LLVMIntNE, pop(), builder.i32(0), "br_if.condition")
        let index = frames.count - 1 - Int(relativeDepth)
        let frame = frames[index]
        let arguments = Array(values.suffix(frame.labelTypes.count))
        let from = builder.currentBlock
        let continuation = newBlock("br_if.else")
        if frame.kind == .loop {
            for (phi, value) in zip(frame.headerPhis, arguments) { builder.addIncoming(phi, value, from: from) }
            builder.conditionalBranch(condition, frame.header!, continuation)
        } else {
            for (phi, value) in zip(frame.resultPhis, arguments) { builder.addIncoming(phi, value, from: from) }
            builder.conditionalBranch(condition, frame.endBlock, continuation)
            frames[index].isEndReachable = true
        }
        builder.position(at: continuation)
    }

    mutating func visitBrTable(targets: BrTable) throws(WasmParserError) {
        guard isReachable else { return }
        let selector = pop()
        let from = builder.currentBlock
        /// The destination block of a label, with the branch's values added to its phis.
        func destination(_ depth: UInt32) -> LLVMBasicBlockRef {
            let index = frames.count - 1 - Int(depth)
            let frame = frames[index]
            let arguments = Array(values.suffix(frame.labelTypes.count))
            if frame.kind == .loop {
                for (phi, value) in zip(frame.headerPhis, arguments) { builder.addIncoming(phi, value, from: from) }
                return frame.header!
            }
            for (phi, value) in zip(frame.resultPhis, arguments) { builder.addIncoming(phi, value, from: from) }
            frames[index].isEndReachable = true
            return frame.endBlock
        }
        let count = targets.labels.count
        // The default is the table's last entry, at min(selector, count): a jump table without a
        // range check in front of it.
        let bounded = builder.intrinsic("llvm.umin", overloads: [types.i32], [selector, builder.i32(UInt32(count))], "br_table.index")
        let unreachableBlock = newBlock("br_table.beyond")
        let switchInstruction = LLVMBuildSwitch(builder.builder, bounded, unreachableBlock, UInt32(count + 1))!
        for (i, depth) in targets.labels.enumerated() {
            LLVMAddCase(switchInstruction, builder.i32(UInt32(i)), destination(depth))
        }
        LLVMAddCase(switchInstruction, builder.i32(UInt32(count)), destination(targets.defaultLabel))
        builder.position(at: unreachableBlock)
        LLVMBuildUnreachable(builder.builder)
        markUnreachable()
    }

    mutating func visitReturn() throws(WasmParserError) {
        guard isReachable else { return }
        branch(toDepth: frames.count - 1)
        markUnreachable()
    }

    // MARK: - Calls

    mutating func visitCall(functionIndex callee: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let calleeType = module.typeOfFunction(callee)!
        let arguments = pop(calleeType.parameters.count)
        let result: LLVMValueRef
        if let target = moduleLowering.directCallTarget(callee) {
            result = builder.call(target.function, type: target.type, [instance] + arguments, "call")
        } else {
            // An import resolved at instantiation: call through its funcref.
            let functionsArray = builder.loadPointer(instance, offset: RuntimeABI.InstanceOffset.functions, "functions", invariant: true)
            let funcref = builder.loadPointer(functionsArray, offset: 8 * Int(callee), "import\(callee)", invariant: true)
            result = callThroughFuncRef(funcref, type: calleeType, arguments: arguments)
        }
        pushResults(result, count: calleeType.results.count)
    }

    mutating func visitCallIndirect(typeIndex: UInt32, tableIndex: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let calleeType = module.functionType(at: typeIndex)!
        let elementIndex = pop()
        let arguments = pop(calleeType.parameters.count)
        let table = loadTable(tableIndex)
        let size = builder.load(types.i32, builder.byteOffset(table, RuntimeABI.TableOffset.size), "table.size", align: 4)
        trap(if: builder.icmp(LLVMIntUGE, elementIndex, size, "out.of.table"), .undefinedElement)
        let elements = builder.loadPointer(table, offset: RuntimeABI.TableOffset.elements, "table.elements")
        let slot = builder.byteOffset(elements, builder.zext(LLVMBuildMul(builder.builder, elementIndex, builder.i32(8), "")!, types.i64))
        let funcref = builder.load(types.ptr, slot, "funcref", align: 8)
        trap(if: LLVMBuildIsNull(builder.builder, funcref, "is.null")!, .uninitializedElement)
        let actualType = builder.load(types.i32, builder.byteOffset(funcref, RuntimeABI.FuncRefOffset.typeID), "type.id", align: 4)
        let typeIDs = builder.loadPointer(instance, offset: RuntimeABI.InstanceOffset.typeIDs, "type.ids", invariant: true)
        let expectedType = builder.load(types.i32, builder.byteOffset(typeIDs, 4 * Int(typeIndex)), "expected.type.id", align: 4)
        builder.markInvariant(expectedType)
        trap(if: builder.icmp(LLVMIntNE, actualType, expectedType, "type.mismatch"), .indirectCallTypeMismatch)
        pushResults(callThroughFuncRef(funcref, type: calleeType, arguments: arguments), count: calleeType.results.count)
    }

    func callThroughFuncRef(_ funcref: LLVMValueRef, type: FunctionType, arguments: [LLVMValueRef]) -> LLVMValueRef {
        let code = builder.loadPointer(funcref, offset: RuntimeABI.FuncRefOffset.code, "code")
        let calleeInstance = builder.loadPointer(funcref, offset: RuntimeABI.FuncRefOffset.instance, "callee.instance")
        return builder.call(code, type: moduleLowering.nativeType(of: type), [calleeInstance] + arguments, "call")
    }

    mutating func pushResults(_ result: LLVMValueRef, count: Int) {
        switch count {
        case 0: break
        case 1: push(result)
        default:
            for i in 0..<count { push(LLVMBuildExtractValue(builder.builder, result, UInt32(i), "result\(i)")) }
        }
    }

    /// The `w2n_table *` of table `index`.
    func loadTable(_ index: UInt32) -> LLVMValueRef {
        let tables = builder.loadPointer(instance, offset: RuntimeABI.InstanceOffset.tables, "tables", invariant: true)
        return builder.loadPointer(tables, offset: 8 * Int(index), "table\(index)", invariant: true)
    }

    // MARK: - Parametric

    mutating func visitDrop() throws(WasmParserError) {
        guard isReachable else { return }
        _ = pop()
    }

    mutating func visitSelect() throws(WasmParserError) {
        guard isReachable else { return }
        let condition = builder.icmp(LLVMIntNE, pop(), builder.i32(0), "select.condition")
        let otherwise = pop()
        let then = pop()
        push(builder.select(condition, then, otherwise, "select"))
    }

    mutating func visitSelectTyped(type: ValueType) throws(WasmParserError) {
        try visitSelect()
    }

    // MARK: - Variables

    mutating func visitLocalGet(localIndex: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let local = locals[Int(localIndex)]
        push(builder.load(local.type, local.pointer, "local\(localIndex).value"))
    }

    mutating func visitLocalSet(localIndex: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        builder.store(pop(), locals[Int(localIndex)].pointer)
    }

    mutating func visitLocalTee(localIndex: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        builder.store(values[values.count - 1], locals[Int(localIndex)].pointer)
    }

    /// The 16-byte cell of global `index`.
    func globalCell(_ index: UInt32) -> LLVMValueRef {
        moduleLowering.globalCell(Int(index), instance: instance, builder: builder, invariant: true)
    }

    mutating func visitGlobalGet(globalIndex: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let type = module.globalTypes[Int(globalIndex)]
        let value = builder.load(types.type(of: type.valueType), globalCell(globalIndex), "global\(globalIndex)", align: 8)
        if !type.isMutable { builder.markInvariant(value) }
        LLVMSetMetadata(value, moduleLowering.tbaaKind, moduleLowering.globalTBAA)
        push(value)
    }

    mutating func visitGlobalSet(globalIndex: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let store = builder.store(pop(), globalCell(globalIndex), align: 8)
        LLVMSetMetadata(store, moduleLowering.tbaaKind, moduleLowering.globalTBAA)
    }
}
