// Lowers one validated function body to LLVM IR, as an `InstructionVisitor`.
//
// The body arrives instruction by instruction. Wasm operands live on `values`, a stack of LLVM
// SSA values; control constructs live on `frames`, each holding the blocks a branch to it goes to
// and the phis that receive the branch's values:
//   - block: `end` block, one phi per result;
//   - loop:  `header` block with one phi per parameter (branches go there), and an `end` block;
//   - if:    an `else` block created at `if` (it falls through to `end` when there is no else).
// Locals are allocas in the entry block; mem2reg/SROA turn them into SSA values.
// After an unconditional branch the rest of a frame is unreachable: instructions there are
// skipped, only their nesting is counted (`deadDepth`), until the frame's `else` or `end`.
// Traps branch to one cold block per trap code per function (`trapBlocks`).

import CLLVM
import WasmParser

/// A control frame of the lowering.
struct LoweringFrame {
    enum Kind {
        case function, block, loop, `if`, `else`
    }

    var kind: Kind
    var parameterTypes: [ValueType]
    var resultTypes: [ValueType]
    /// Height of the value stack below the frame's parameters.
    var stackHeight: Int
    /// Where control continues after the frame.
    var endBlock: LLVMBasicBlockRef
    /// One phi per result, in `endBlock`.
    var resultPhis: [LLVMValueRef]
    /// Loops: the block branches go to, and its parameter phis.
    var header: LLVMBasicBlockRef?
    var headerPhis: [LLVMValueRef] = []
    /// Ifs: the block of the else branch, and the parameter values it starts with.
    var elseBlock: LLVMBasicBlockRef?
    var ifParameters: [LLVMValueRef] = []
    /// Whether some branch or fallthrough reaches `endBlock`.
    var isEndReachable = false
    /// Whether the code being lowered in this frame is unreachable.
    var isUnreachable = false

    /// The types a branch to this frame carries.
    var labelTypes: [ValueType] { kind == .loop ? parameterTypes : resultTypes }
}

/// Lowers the body of one defined function.
struct FunctionLowering {
    let moduleLowering: ModuleLowering
    let builder: IRBuilder
    let function: LLVMValueRef
    let functionIndex: UInt32
    let type: FunctionType
    var types: TypeCache { builder.types }
    var module: Module { moduleLowering.module }

    var values: [LLVMValueRef] = []
    var frames: [LoweringFrame] = []
    var locals: [(pointer: LLVMValueRef, type: LLVMTypeRef)] = []
    var deadDepth = 0
    var trapBlocks: [RuntimeABI.TrapCode: LLVMBasicBlockRef] = [:]
    let instance: LLVMValueRef
    /// Base of memory 0, loaded once in the entry block.
    var memoryBase: LLVMValueRef?
    /// Memory 0's `w2n_memory`, loaded once in the entry block (deleted by LLVM when unused): the
    /// bounds checks of `memory.copy` and `memory.fill` and `memory.size` read its current size.
    var memoryDescriptor: LLVMValueRef?
    var blockCounter = 0
    /// An error the visitor methods could not throw in their own type (see `fail`).
    var loweringError: LoweringError?

    init(moduleLowering: ModuleLowering, builder: IRBuilder, function: LLVMValueRef, functionIndex: UInt32, type: FunctionType) {
        self.moduleLowering = moduleLowering
        self.builder = builder
        self.function = function
        self.functionIndex = functionIndex
        self.type = type
        self.instance = LLVMGetParam(function, 0)
    }

    /// Emits the function's body.
    mutating func lower(body: FunctionBody, definedIndex: Int) throws(LoweringError) {
        let entry = LLVMAppendBasicBlockInContext(builder.context, function, "entry")!
        builder.position(at: entry)
        LLVMSetValueName2(instance, "instance", 8)

        // Parameters and locals become allocas; the parameters are stored into theirs.
        for (i, parameterType) in type.parameters.enumerated() {
            let llvmType = types.type(of: parameterType)
            let slot = LLVMBuildAlloca(builder.builder, llvmType, "local\(i)")!
            builder.store(LLVMGetParam(function, UInt32(i + 1)), slot)
            locals.append((slot, llvmType))
        }
        for declaration in body.locals {
            let llvmType = types.type(of: declaration.type)
            for _ in 0..<declaration.count {
                let slot = LLVMBuildAlloca(builder.builder, llvmType, "local\(locals.count)")!
                builder.store(LLVMConstNull(llvmType), slot)
                locals.append((slot, llvmType))
            }
        }
        if !module.memoryTypes.isEmpty {
            memoryBase = builder.loadPointer(instance, offset: RuntimeABI.InstanceOffset.memory0, "memory0", invariant: true)
            memoryDescriptor = builder.memoryDescriptor(instance)
        }

        let returnBlock = LLVMAppendBasicBlockInContext(builder.context, function, "return")!
        builder.position(at: returnBlock)
        let resultPhis = type.results.enumerated().map { i, type in builder.phi(types.type(of: type), "result\(i)") }
        builder.position(at: entry)
        frames.append(
            LoweringFrame(
                kind: .function, parameterTypes: [], resultTypes: type.results, stackHeight: 0,
                endBlock: returnBlock, resultPhis: resultPhis))

        do {
            try module.visitInstructions(ofDefinedFunction: definedIndex, visitor: &self)
        } catch {
            throw loweringError ?? .internalError("function \(functionIndex): \(error)")
        }
        if let loweringError { throw loweringError }
    }

    /// Records a lowering error and stops the walk (visitor methods throw `WasmParserError`).
    mutating func fail(_ error: LoweringError) -> WasmParserError {
        loweringError = error
        return WasmParserError(.invalid, "lowering stopped", offset: 0)
    }

    // MARK: - Value stack

    mutating func push(_ value: LLVMValueRef) { values.append(value) }

    mutating func pop() -> LLVMValueRef { values.removeLast() }

    mutating func pop(_ count: Int) -> [LLVMValueRef] {
        let popped = Array(values.suffix(count))
        values.removeLast(count)
        return popped
    }

    /// Whether the instruction being visited is reachable (otherwise it is skipped).
    var isReachable: Bool { deadDepth == 0 && !frames[frames.count - 1].isUnreachable }

    // MARK: - Blocks

    mutating func newBlock(_ name: String) -> LLVMBasicBlockRef {
        blockCounter += 1
        return LLVMAppendBasicBlockInContext(builder.context, function, "\(name)\(blockCounter)")!
    }

    /// Creates one phi per type at the start of `block`, keeping the builder where it was.
    func makePhis(_ types: [ValueType], in block: LLVMBasicBlockRef, _ name: String) -> [LLVMValueRef] {
        let current = builder.currentBlock
        builder.position(at: block)
        let phis = types.enumerated().map { i, type in builder.phi(self.types.type(of: type), "\(name)\(i)") }
        builder.position(at: current)
        return phis
    }

    /// Branches from the current block to the frame `depth` levels up, passing the top values.
    mutating func branch(toDepth depth: Int) {
        let index = frames.count - 1 - depth
        let frame = frames[index]
        let arguments = Array(values.suffix(frame.labelTypes.count))
        let from = builder.currentBlock
        if frame.kind == .loop {
            for (phi, value) in zip(frame.headerPhis, arguments) { builder.addIncoming(phi, value, from: from) }
            builder.branch(to: frame.header!)
        } else {
            for (phi, value) in zip(frame.resultPhis, arguments) { builder.addIncoming(phi, value, from: from) }
            builder.branch(to: frame.endBlock)
            frames[index].isEndReachable = true
        }
    }

    /// Drops the frame's operands and skips code until its `else` or `end`.
    mutating func markUnreachable() {
        let index = frames.count - 1
        values.removeLast(values.count - frames[index].stackHeight)
        frames[index].isUnreachable = true
    }

    // MARK: - Traps

    /// Branches to the function's trap block for `code` when `condition` holds.
    mutating func trap(if condition: LLVMValueRef, _ code: RuntimeABI.TrapCode) {
        let trapBlock = trapBlock(code)
        let continuation = newBlock("ok")
        builder.conditionalBranch(condition, trapBlock, continuation)
        builder.position(at: continuation)
    }

    mutating func trapBlock(_ code: RuntimeABI.TrapCode) -> LLVMBasicBlockRef {
        if let block = trapBlocks[code] { return block }
        let block = LLVMAppendBasicBlockInContext(builder.context, function, "trap.\(code)")!
        let current = builder.currentBlock
        builder.position(at: block)
        moduleLowering.callBuiltin("w2n_trap", builder: builder, [builder.i32(code.rawValue)])
        LLVMBuildUnreachable(builder.builder)
        builder.position(at: current)
        trapBlocks[code] = block
        return block
    }

    /// Traps unconditionally and makes the rest of the frame unreachable.
    mutating func trapAlways(_ code: RuntimeABI.TrapCode) {
        builder.branch(to: trapBlock(code))
        markUnreachable()
    }
}

extension FunctionLowering: InstructionVisitor {}

/// Why a module could not be lowered.
public enum LoweringError: Error, CustomStringConvertible, Sendable {
    /// The module uses a feature the compiler does not support yet.
    case unsupported(feature: String, detail: String)
    /// An import that is neither WASI nor provided, when not allowed to trap.
    case unresolvedImports([String])
    /// LLVM rejected the generated IR (a compiler bug).
    case internalError(String)

    public var description: String {
        switch self {
        case .unsupported(let feature, let detail):
            return "unsupported feature: \(feature) (\(detail)) is not supported by the native compiler yet"
        case .unresolvedImports(let names):
            return "unresolved imports: \(names.joined(separator: ", ")); they are neither WASI functions nor provided "
                + "(pass --trap-unresolved-imports to compile them as functions that trap when called)"
        case .internalError(let message):
            return "internal compiler error: \(message); please report it"
        }
    }
}
