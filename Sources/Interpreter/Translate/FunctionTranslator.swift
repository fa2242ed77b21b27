// Translation of one function body into the interpreter's register form (see Op.swift).
//
// The translator is an `InstructionVisitor` fed by WasmParser's decoder. It keeps an operand
// stack of `Operand`s that mirrors the wasm operand stack; every stack position owns a fixed
// *canonical* frame slot (positions are numbered from the end of the locals up, a v128 owning
// two slots), so the body needs no stack pointer at run time. A value may sit somewhere other
// than its canonical slot while the translator knows where:
//   - `local.get` pushes a reference to the local's slot (nothing is emitted);
//   - a constant stays in the translator until an instruction uses it (as an immediate where an
//     immediate form exists, else it is written to the canonical slot first).
// Such values are *materialized* (copied to their canonical slot) before anything that could
// change their source (a `local.set` of that local) and at every control-flow boundary (block,
// loop and if entries), so that all paths into a label agree on where values are.
//
// Instructions write their result to the canonical slot of the position the result takes; a
// `local.set`/`local.tee` right after such an instruction rewrites its destination to the local
// (`lastProducer`), and a `br_if`/`if` right after an integer comparison becomes one
// compare-and-branch. Branches copy the values they carry to the target label's canonical slots
// (only on the taken path). Code after `br`, `return`, `unreachable` and `br_table` is skipped
// up to the `else` or `end` that makes code reachable again.
//
// Control frames record where their values live (`base`), which records to patch with the
// label's position once it is known (forward branches), and the loop header for backward ones.

import WasmParser

/// A translated function: its code and frame layout.
struct TranslatedFunction {
    /// The records.
    var code: [Inst]
    /// Slots of the parameters (at the frame's base).
    var parameterSlots: UInt32
    /// Slots of the declared locals (after the parameters; zeroed on entry).
    var localSlots: UInt32
    /// Slots of the results (at the frame's base when the function returns).
    var resultSlots: UInt32
    /// Every slot the function uses: the frame size.
    var frameSlots: UInt32
}

/// Translates one function body (see the file comment).
struct FunctionTranslator {
    /// A value on the operand stack and where it is.
    struct Operand {
        enum Location: Equatable {
            /// In its canonical slot.
            case canonical
            /// In a local's slot (a `local.get` not yet copied).
            case local(UInt32)
            /// A constant not yet written anywhere (the bits: i32 zero-extended, floats as bits).
            case constant(UInt64)
        }

        var location: Location
        /// The slot this stack position owns.
        var canonical: UInt32
        /// 1, or 2 for v128.
        var size: UInt32
    }

    /// A block, loop, if or the function itself.
    struct Control {
        enum Kind { case function, block, loop, `if`, `else` }

        var kind: Kind
        /// Operands below the frame's parameters.
        var stackCount: Int
        /// The canonical slot of the first parameter (and result).
        var base: UInt32
        /// Slot sizes of the parameters and the results.
        var parameters: [UInt32]
        var results: [UInt32]
        /// Loop: the index of its first record.
        var loopHeader = 0
        /// Records to patch with the end's position: (record, origin of its relative offset).
        var patches: [(record: Int, origin: Int)] = []
        /// If: the branch to patch with the else's (or the end's) position.
        var elseBranch: Int?

        /// Slot sizes of the values a branch to this label carries.
        var branchSizes: [UInt32] { kind == .loop ? parameters : results }
    }

    let module: Module
    /// The function's index in the function index space.
    let functionIndex: UInt32
    let type: FunctionType

    var code: [Inst] = []
    var stack: [Operand] = []
    var controls: [Control] = []
    /// Slot and size of each local (parameters first).
    var localSlot: [UInt32] = []
    var localSize: [UInt32] = []
    /// The first slot after the locals: where the operand stack starts.
    var localsEnd: UInt32 = 0
    var parameterSlots: UInt32 = 0
    var resultSlots: UInt32 = 0
    /// The highest slot height reached.
    var maxHeight: UInt32 = 0
    /// Whether the current position is reachable; blocks entered while it is not are counted in
    /// `skipDepth` and skipped.
    var reachable = true
    var skipDepth = 0
    /// The last record emitted, when it wrote a value to a canonical slot and nothing else was
    /// emitted since: its index, the index after its operand records, and the slot.
    var lastProducer: (index: Int, end: Int, slot: UInt32)?
    /// An implementation limit hit while translating.
    var limitError: String?

    init(module: Module, definedIndex: Int) {
        self.module = module
        functionIndex = UInt32(module.importedFunctionCount + definedIndex)
        type = module.typeOfFunction(functionIndex) ?? FunctionType(parameters: [], results: [])
    }

    /// Translates defined function `definedIndex` of a validated module.
    static func translate(module: Module, definedIndex: Int) throws(InterpreterError) -> TranslatedFunction {
        var translator = FunctionTranslator(module: module, definedIndex: definedIndex)
        translator.start(body: module.functionBodies[definedIndex])
        do {
            try module.visitInstructions(ofDefinedFunction: definedIndex, visitor: &translator)
        } catch {
            throw .invalidModule(error)
        }
        if let limit = translator.limitError { throw .implementationLimit(limit) }
        let localSlots = translator.localsEnd - translator.parameterSlots
        guard translator.maxHeight < UInt32(Int32.max) / 2 else {
            throw .implementationLimit("function \(translator.functionIndex) needs too many slots")
        }
        return TranslatedFunction(
            code: translator.code, parameterSlots: translator.parameterSlots, localSlots: localSlots,
            resultSlots: translator.resultSlots,
            frameSlots: max(translator.maxHeight, translator.resultSlots, translator.localsEnd))
    }

    /// Slots a value of `type` takes.
    static func slots(_ type: ValueType) -> UInt32 { type == .v128 ? 2 : 1 }

    private mutating func start(body: FunctionBody) {
        var slot: UInt32 = 0
        for parameter in type.parameters {
            localSlot.append(slot)
            localSize.append(Self.slots(parameter))
            slot += Self.slots(parameter)
        }
        parameterSlots = slot
        for declaration in body.locals {
            let size = Self.slots(declaration.type)
            if UInt64(slot) + UInt64(declaration.count) * UInt64(size) > UInt64(Int32.max) / 4 {
                limitError = "function \(functionIndex) has too many locals"
                break
            }
            for _ in 0..<declaration.count {
                localSlot.append(slot)
                localSize.append(size)
                slot += size
            }
        }
        localsEnd = slot
        maxHeight = slot
        resultSlots = type.results.reduce(0) { $0 + Self.slots($1) }
        controls.append(
            Control(
                kind: .function, stackCount: 0, base: 0, parameters: [], results: type.results.map(Self.slots)))
    }

    // MARK: - The operand stack

    /// The canonical slot of the next pushed value.
    var height: UInt32 {
        guard let top = stack.last else { return localsEnd }
        return top.canonical + top.size
    }

    /// Pushes a value at `location` and returns its canonical slot.
    @discardableResult
    mutating func push(size: UInt32, location: Operand.Location = .canonical) -> UInt32 {
        let slot = height
        stack.append(Operand(location: location, canonical: slot, size: size))
        maxHeight = max(maxHeight, slot + size)
        return slot
    }

    /// Pops a value and returns the slot it is in, writing a constant to its canonical slot first.
    mutating func pop() -> UInt32 {
        let slot = use(stack.count - 1)
        stack.removeLast()
        return slot
    }

    /// The slot that holds operand `index`, writing a constant to its canonical slot first.
    mutating func use(_ index: Int) -> UInt32 {
        let operand = stack[index]
        switch operand.location {
        case .canonical: return operand.canonical
        case .local(let slot): return slot
        case .constant(let bits):
            emit(constant: bits, to: operand.canonical)
            stack[index].location = .canonical
            return operand.canonical
        }
    }

    /// Copies operand `index` to its canonical slot if it is elsewhere.
    mutating func materialize(_ index: Int) {
        let operand = stack[index]
        switch operand.location {
        case .canonical: return
        case .local(let slot): emitMove(from: slot, to: operand.canonical, size: operand.size)
        case .constant(let bits): emit(constant: bits, to: operand.canonical)
        }
        stack[index].location = .canonical
    }

    /// Materializes every operand (before a label or a call).
    mutating func materializeAll(from first: Int = 0) {
        for index in first..<stack.count { materialize(index) }
    }

    /// Whether some operand is not in its canonical slot.
    var hasPendingOperands: Bool {
        stack.contains { $0.location != .canonical }
    }

    /// Materializes the operands that read local slot `slot` (before the local changes).
    mutating func materializeReaders(ofLocal slot: UInt32) {
        for index in stack.indices where stack[index].location == .local(slot) { materialize(index) }
    }

    // MARK: - Emitting

    /// Appends a record and returns its index.
    @discardableResult
    mutating func emit(_ inst: Inst) -> Int {
        code.append(inst)
        lastProducer = nil
        return code.count - 1
    }

    /// Appends a record that writes a value to `inst.a` (the canonical slot of the value it
    /// pushes), plus its operand records, and remembers it as the last producer.
    mutating func emitProducing(_ inst: Inst, operands: [Inst] = []) {
        code.append(inst)
        code.append(contentsOf: operands)
        lastProducer = (code.count - 1 - operands.count, code.count, inst.a)
    }

    /// Writes 64 constant bits to `slot`.
    mutating func emit(constant bits: UInt64, to slot: UInt32) {
        emit(Inst(.const64, a: slot, b: UInt32(truncatingIfNeeded: bits), c: UInt32(truncatingIfNeeded: bits >> 32)))
    }

    mutating func emitMove(from source: UInt32, to destination: UInt32, size: UInt32) {
        guard source != destination else { return }
        emit(Inst(size == 2 ? .copyV128 : .copy, a: destination, b: source))
    }

    /// Whether the top operand is the value the last record just wrote (so that record may be
    /// rewritten).
    var topIsLastProduced: Bool {
        guard let producer = lastProducer, producer.end == code.count, let top = stack.last else { return false }
        return top.location == .canonical && top.canonical == producer.slot
    }

    /// Sets a relative branch offset: the record at `record` jumps to `target`; offsets count
    /// from the record after `origin`.
    mutating func patch(_ record: Int, origin: Int, to target: Int) {
        code[record].a = UInt32(bitPattern: Int32(target - (origin + 1)))
    }

    /// Notes that the next record starts a label (no rewriting across it).
    mutating func defineLabel() {
        lastProducer = nil
    }

    // MARK: - Types

    /// The parameter and result types of a block type.
    func signature(of blockType: BlockType) -> (parameters: [ValueType], results: [ValueType]) {
        switch blockType {
        case .empty: return ([], [])
        case .value(let type): return ([], [type])
        case .typeIndex(let index):
            let type = module.functionType(at: index) ?? FunctionType(parameters: [], results: [])
            return (type.parameters, type.results)
        }
    }

    mutating func noteLimit(_ text: String) {
        if limitError == nil { limitError = text }
    }
}
