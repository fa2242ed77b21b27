// Control flow: blocks, loops, ifs, branches, returns and calls (see FunctionTranslator.swift).
//
// A branch carries the top `branchSizes.count` operands to the label's canonical slots
// (`base` onwards); `moves(to:)` lists the copies that needs, and they run only on the taken
// path. A branch to the function's own label is a return: the results go to slots 0 onwards.

import WasmParser

extension FunctionTranslator {
    // MARK: - Structure

    mutating func enterBlock(_ kind: Control.Kind, _ blockType: BlockType) {
        let (parameters, results) = signature(of: blockType)
        materializeAll()
        let stackCount = stack.count - parameters.count
        let base = stackCount > 0 ? stack[stackCount - 1].canonical + stack[stackCount - 1].size : localsEnd
        var control = Control(
            kind: kind, stackCount: stackCount, base: base, parameters: parameters.map(Self.slots),
            results: results.map(Self.slots))
        if kind == .loop {
            defineLabel()
            control.loopHeader = code.count
        }
        controls.append(control)
    }

    mutating func enterIf(_ blockType: BlockType) {
        // Operands below the condition are materialized before the branch (on both paths); when
        // there are none to materialize, a comparison computing the condition fuses with it.
        let condition = stack.removeLast()
        let pending = hasPendingOperands
        stack.append(condition)
        let branch: Int
        if pending {
            let slot = pop()
            materializeAll()
            branch = emit(Inst(.brIfNot, b: slot))
        } else {
            branch = emitConditionalBranch(whenTrue: false)
        }
        enterBlock(.if, blockType)
        controls[controls.count - 1].elseBranch = branch
    }

    mutating func enterElse() {
        var control = controls.removeLast()
        if reachable {
            emitMoves(control.results, to: control.base)
            control.patches.append((emit(Inst(.br)), code.count - 1))
        }
        if let branch = control.elseBranch { patch(branch, origin: branch, to: code.count) }
        control.elseBranch = nil
        control.kind = .else
        stack.removeLast(stack.count - control.stackCount)
        for size in control.parameters { push(size: size) }
        controls.append(control)
        reachable = true
        defineLabel()
    }

    mutating func exitBlock() {
        if controls.count == 1 {
            if reachable { emitReturn() }
            controls.removeLast()
            return
        }
        let control = controls.removeLast()
        if reachable { emitMoves(control.results, to: control.base) }
        defineLabel()
        if let branch = control.elseBranch { patch(branch, origin: branch, to: code.count) }
        for (record, origin) in control.patches { patch(record, origin: origin, to: code.count) }
        stack.removeLast(stack.count - control.stackCount)
        for size in control.results { push(size: size) }
        reachable = true
    }

    // MARK: - Moves

    /// The copies that bring the top `sizes.count` operands to the slots from `base` on:
    /// (operand index, destination) for each operand not already there.
    func moves(_ sizes: [UInt32], to base: UInt32) -> [(operand: Int, destination: UInt32)] {
        var result: [(Int, UInt32)] = []
        var destination = base
        let first = stack.count - sizes.count
        for (offset, size) in sizes.enumerated() {
            let operand = stack[first + offset]
            if !(operand.location == .canonical && operand.canonical == destination) {
                result.append((first + offset, destination))
            }
            destination += size
        }
        return result
    }

    /// Emits the copies `moves(sizes, to: base)` lists, leaving the operand stack as it is.
    mutating func emitMoves(_ sizes: [UInt32], to base: UInt32) {
        for (index, destination) in moves(sizes, to: base) {
            let operand = stack[index]
            switch operand.location {
            case .canonical: emitMove(from: operand.canonical, to: destination, size: operand.size)
            case .local(let slot): emitMove(from: slot, to: destination, size: operand.size)
            case .constant(let bits): emit(constant: bits, to: destination)
            }
        }
    }

    /// Moves the results to slots 0 onwards and returns. Results read from locals that the moves
    /// overwrite go through their canonical slots. The operand stack is left as it is (the return
    /// may be on one path of a `br_if`).
    mutating func emitReturn() {
        let sizes = controls[0].results
        let first = stack.count - sizes.count
        var sources: [Operand.Location] = stack[first...].map(\.location)
        for (offset, source) in sources.enumerated() {
            if case .local(let slot) = source, slot < resultSlots {
                let operand = stack[first + offset]
                emitMove(from: slot, to: operand.canonical, size: operand.size)
                sources[offset] = .canonical
            }
        }
        var destination: UInt32 = 0
        for (offset, size) in sizes.enumerated() {
            let operand = stack[first + offset]
            switch sources[offset] {
            case .canonical: emitMove(from: operand.canonical, to: destination, size: size)
            case .local(let slot): emitMove(from: slot, to: destination, size: size)
            case .constant(let bits): emit(constant: bits, to: destination)
            }
            destination += size
        }
        emit(Inst(.return))
    }

    // MARK: - Branches

    /// Pops the condition and emits a branch taken when it is non-zero (`whenTrue`) or zero, to be
    /// patched; a comparison just computed into the condition becomes part of the branch.
    mutating func emitConditionalBranch(whenTrue: Bool) -> Int {
        if topIsLastProduced, let producer = lastProducer {
            let compare = code[producer.index]
            var fused: Inst?
            if compare.op.isIntegerComparison {
                let op = whenTrue ? compare.op : compare.op.negatedComparison
                fused = Inst(op.branchForm, b: compare.b, c: compare.c)
            } else if compare.op == .i32Eqz {
                fused = Inst(whenTrue ? .brIfNot : .brIf, b: compare.b)
            } else if compare.op == .i64Eqz {
                fused = Inst(whenTrue ? .brIfI64EqImm : .brIfI64NeImm, b: compare.b, c: 0)
            }
            if let fused, producer.end == producer.index + 1 {
                stack.removeLast()
                code[producer.index] = fused
                lastProducer = nil
                return producer.index
            }
        }
        let condition = pop()
        return emit(Inst(whenTrue ? .brIf : .brIfNot, b: condition))
    }

    /// Emits an unconditional jump to the label `depth` levels out (after its moves), or a
    /// return for the function's label.
    mutating func emitBranch(depth: Int) {
        let targetIndex = controls.count - 1 - depth
        let target = controls[targetIndex]
        if target.kind == .function {
            emitReturn()
            return
        }
        emitMoves(target.branchSizes, to: target.base)
        let record = emit(Inst(.br))
        addBranch(record, origin: record, to: targetIndex)
    }

    /// Points branch record `record` (offset from `origin`) at control `targetIndex`'s label.
    mutating func addBranch(_ record: Int, origin: Int, to targetIndex: Int) {
        let target = controls[targetIndex]
        if target.kind == .loop {
            patch(record, origin: origin, to: target.loopHeader)
        } else {
            controls[targetIndex].patches.append((record, origin))
        }
    }

    mutating func branchIf(depth: Int) {
        let targetIndex = controls.count - 1 - depth
        let target = controls[targetIndex]
        // The moves are computed below the condition, which the branch pops first.
        let conditionOperand = stack.removeLast()
        let needsMoves = target.kind == .function || !moves(target.branchSizes, to: target.base).isEmpty
        stack.append(conditionOperand)
        if !needsMoves {
            let branch = emitConditionalBranch(whenTrue: true)
            addBranch(branch, origin: branch, to: targetIndex)
            return
        }
        let skip = emitConditionalBranch(whenTrue: false)
        emitBranch(depth: depth)
        defineLabel()
        patch(skip, origin: skip, to: code.count)
    }

    mutating func branchTable(_ table: BrTable) {
        let index = pop()
        let depths = table.labels + [table.defaultLabel]
        let origin = emit(Inst(.brTable, a: index, b: UInt32(table.labels.count)))
        var stubs: [(entry: Int, depth: Int)] = []
        for depth in depths {
            let entry = emit(Inst.operands())
            let targetIndex = controls.count - 1 - Int(depth)
            let target = controls[targetIndex]
            if target.kind != .function && moves(target.branchSizes, to: target.base).isEmpty {
                addBranch(entry, origin: origin, to: targetIndex)
            } else {
                stubs.append((entry, Int(depth)))
            }
        }
        var stubStart: [Int: Int] = [:]
        for (entry, depth) in stubs {
            if let start = stubStart[depth] {
                patch(entry, origin: origin, to: start)
                continue
            }
            stubStart[depth] = code.count
            patch(entry, origin: origin, to: code.count)
            emitBranch(depth: depth)
        }
        lastProducer = nil
    }

    // MARK: - Calls

    /// Materializes the top `parameters` operands and returns the slot of the first (the callee's
    /// frame base).
    mutating func prepareCall(parameters: [ValueType]) -> UInt32 {
        let first = stack.count - parameters.count
        materializeAll(from: first)
        let frame = first < stack.count ? stack[first].canonical : height
        stack.removeLast(parameters.count)
        return frame
    }

    /// Pushes a call's results (in canonical slots from `frame`, where the callee left them).
    mutating func finishCall(results: [ValueType], frame: UInt32) {
        var slot = frame
        for result in results {
            stack.append(Operand(location: .canonical, canonical: slot, size: Self.slots(result)))
            slot += Self.slots(result)
        }
        maxHeight = max(maxHeight, slot)
        lastProducer = nil
    }

    mutating func call(_ function: UInt32) {
        guard let type = module.typeOfFunction(function) else { return }
        let frame = prepareCall(parameters: type.parameters)
        let isImport = function < UInt32(module.importedFunctionCount)
        emit(Inst(isImport ? .callImport : .call, a: function, b: frame))
        finishCall(results: type.results, frame: frame)
    }

    mutating func callIndirect(typeIndex: UInt32, table: UInt32) {
        guard let type = module.functionType(at: typeIndex) else { return }
        guard table <= UInt32(UInt16.max) else {
            noteLimit("call_indirect on table \(table) (at most 65535)")
            return
        }
        // The element index is above the arguments; it is read before the call.
        let element = pop()
        let frame = prepareCall(parameters: type.parameters)
        emit(Inst(.callIndirect, x: UInt16(table), a: element, b: frame, c: typeIndex))
        finishCall(results: type.results, frame: frame)
    }
}
