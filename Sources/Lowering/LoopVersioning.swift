// Loop versioning: loops whose accesses provably stay in bounds run without trap points.
//
// Trap points (TrapPoints.swift) keep out-of-bounds accesses exact, but they also keep LLVM from
// vectorizing, combining or reordering a loop's accesses. Most loops that matter for speed count
// an induction variable to a limit and index memory with induction variables, so the bytes they
// touch are known before they start. Codegen runs this pass between LLVM's simplification and
// optimization pipelines. An innermost loop qualifies when
//
// - it is one basic block (what the vectorizer handles without if-conversion), with a preheader,
//   at most `maximumInstructions` instructions, and trap points;
// - its exit test is `x pred limit`, with x an affine function of the iteration number n
//   (32-bit, compared modulo 2^32, or a 64-bit induction variable LLVM widened) and the limit
//   computed outside the loop: then N, the number of iterations, has a formula (`tripCount`),
//   which holds when x does not wrap around before the loop ends (checked at run time);
// - every linear-memory access has an address of the form
//
//       memory0 + w + zext(i32 v) + c        v = Σ coefficient·leaf + constant + n·stride
//
//   (leaves: values from outside the loop; c: the memarg offset; w: none, or one 64-bit value
//   from outside the loop, which is how LLVM writes an outer loop's 32-bit address arithmetic
//   once it has widened it; zext(v) may also appear as `x & (2^32 − 2^t)` with x a 64-bit affine
//   value whose parts are multiples of 2^t, instcombine's form of zext(trunc(x)) once LLVM has
//   widened v's induction variable), and every other load or store is tagged as instance data,
//   globals or tables, which cannot fault;
// - it calls nothing but trap points and intrinsics without pointer operands (so memory cannot
//   grow while it runs, and nothing observable happens in it);
// - its values are used after it only by phis of its exit blocks (LCSSA, which Codegen forms
//   right before this pass).
//
// Such a loop gets a second copy, the fast copy, without trap points, whose latch counts n up to
// N. The preheader runs the fast copy when N's formula holds and every access of every iteration
// lies in memory (then nothing can fault, so the reordering LLVM does there is invisible), and
// the original loop otherwise, which traps exactly where the module would. The check works per
// group of accesses with the same leaves, coefficients and stride, from the group's base
// b = Σ coefficient·zext(leaf), its lowest constant cMin and highest end eMax (constant +
// memarg offset + access size), in 64-bit arithmetic, with size = the memory's current byte size
// (at most 2^32): for n = 0 and n = N - 1, b + cMin + n·stride ≥ 0 (no wrap below zero) and
// b + eMax + n·stride ≤ size (in bounds; then also below 2^32, so no wrap above), and
// (N - 1)·|stride| ≤ 2^32 (so that the 64-bit products do not wrap; a test needed only when the
// trip count's own bound times |stride| may pass 2^62). With a wide part w, the first test leaves
// w out (it is about v) and the second adds it, and w must be at most 2^40. The memory's base and
// descriptor are loaded once in the entry block; each check reads the size.
//
// Some checks can be decided at compile time, and Codegen runs LLVM's correlated-value
// propagation (and early CSE) after this pass for them: the size load says it is at least the
// memory's minimum size (memories never shrink), and a leaf that is an induction variable of an
// enclosing loop is written in terms of the variable that loop tests (`lockstepValue`), whose
// range LLVM knows from the conditions on it. In n-body, b[i]'s base 56·i, b[j]'s base and the inner trip count 4 − i
// all follow from `i ≤ 3`, and the whole check folds away, with the loop with trap points.
//
// When a group keeps one address through the loop (stride 0, like `b[i]` in n-body's inner loop
// over j) and the loop stores, the copy also requires that group's bytes to lie apart from every
// other group's where one of the two is written, and its accesses carry an alias scope per group
// (declared in the preheader, so that copies LLVM makes of the loop get scopes of their own):
// LLVM then keeps that address's value in a register for the whole loop instead of storing and
// reloading it every iteration.
//
// A run of fewer than `shortestTrip` (8) iterations costs more in the check (some 20
// instructions and a branch) than the trap points it saves, and is too short to vectorize: the
// preheader tests the trip count first and sends such runs to the original loop without the rest
// of the check (merge sort's copy of a run's last element or two, bench/compute sort). Not when
// the check may be decided at compile time (`mayBeDecidedAtCompileTime`: it starts from constants
// and enclosing loops' induction variables only, as in n-body, where every inner loop runs at most
// 4 times): there a gate would keep every run in the original loop, where without it the check
// folds away and only the copy is left.
//
// In the fast copy each group's accesses go through a pointer of its own, memory0 + b, and an
// access is at that pointer + n·stride + its constant: 64-bit affine addresses, which LLVM's
// scalar evolution understands (a zero-extended 32-bit sum it does not), so the loop vectorizer
// can work on them.
//
// Not versioned (measured, bench/compute): loops with several blocks; loops without a counted
// exit (run while n < K, K from the memory size, then hand over to the original loop); loops whose
// exit test compares two moving values (`i < j`, i rising and j falling). On short loops the checks
// cost more than the trap points (fannkuch-redux's flips: 20-40% slower, sort), and such loops do
// not vectorize anyway.

import CLLVM

/// Gives loops whose accesses stay in bounds a copy without trap points (see above).
public enum LoopVersioning {
    /// Loops with more instructions than this are not copied (code size).
    static let maximumInstructions = 600

    /// Versions the loops of every function of `lowered`; returns whether it versioned any. The IR
    /// must be in loop-simplify and LCSSA form (Codegen runs LLVM's `loop-simplify,lcssa` first).
    public static func run(on lowered: LoweredModule) -> Bool {
        guard let linearMemoryTag = lowered.linearMemoryTag, let runtimeDataTag = lowered.runtimeDataTag else { return false }
        let builderRef = LLVMCreateBuilderInContext(lowered.context)!
        defer { LLVMDisposeBuilder(builderRef) }
        var builder = IRBuilder(builder: builderRef, types: TypeCache(context: lowered.context), module: lowered.module)
        builder.tbaaKind = LLVMGetMDKindIDInContext(lowered.context, "tbaa", 4)
        builder.runtimeDataTag = runtimeDataTag
        let context = VersioningContext(
            llvmContext: lowered.context, irBuilder: builder, linearMemoryTag: linearMemoryTag,
            dataLayout: LLVMGetModuleDataLayout(lowered.module), minimumMemoryBytes: lowered.minimumMemoryBytes)
        var versioned = false
        var function = LLVMGetFirstFunction(lowered.module)
        while let current = function {
            if LLVMCountBasicBlocks(current) > 0, LLVMCountParams(current) > 0 {
                versioned = FunctionVersioner(function: current, context: context).run() || versioned
            }
            function = LLVMGetNextFunction(current)
        }
        return versioned
    }

    /// Runs shorter than this take the original loop when the check cannot be decided at compile
    /// time: for them the check costs more than the trap points it saves (merge sort's copy of a
    /// run's last element or two), and they are too short to vectorize.
    static let shortestTrip: Int64 = 8
}

/// What the pass needs of the module.
private struct VersioningContext {
    let llvmContext: LLVMContextRef
    /// Builds the preheader's loads the way Lowering does (runtime-data tags, invariant pointers).
    let irBuilder: IRBuilder
    let linearMemoryTag: LLVMValueRef
    let dataLayout: LLVMTargetDataRef
    /// Memory 0's minimum size in bytes, a lower bound of its size that the checks tell LLVM.
    let minimumMemoryBytes: UInt64
    var builder: LLVMBuilderRef { irBuilder.builder }
    var types: TypeCache { irBuilder.types }
    var tbaaKind: UInt32 { irBuilder.tbaaKind }
    var invariantLoadKind: UInt32 { LLVMGetMDKindIDInContext(llvmContext, "invariant.load", 14) }
    var aliasScopeKind: UInt32 { LLVMGetMDKindIDInContext(llvmContext, "alias.scope", 11) }
    var noAliasKind: UInt32 { LLVMGetMDKindIDInContext(llvmContext, "noalias", 7) }
}

/// An affine 32-bit value of a loop: Σ coefficient·zext(leaf) + constant + n·stride, computed
/// exactly (the value in the IR is this modulo 2^32).
private struct Affine {
    var terms: [(leaf: LLVMValueRef, coefficient: Int64)] = []
    var constant: Int64 = 0
    var stride: Int64 = 0

    /// Coefficients, constants and strides stay small enough that no 64-bit computation of the
    /// check overflows (a leaf is below 2^32).
    static let coefficientLimit: Int64 = 1 << 16
    static let constantLimit: Int64 = 1 << 40

    static func leaf(_ value: LLVMValueRef) -> Affine {
        if LLVMIsAConstantInt(value) != nil { return Affine(constant: LLVMConstIntGetSExtValue(value)) }
        return Affine(terms: [(value, 1)])
    }

    var isWithinLimits: Bool {
        terms.allSatisfy { abs($0.coefficient) <= Self.coefficientLimit } && abs(constant) <= Self.constantLimit
            && abs(stride) <= Self.constantLimit
    }

    static func + (lhs: Affine, rhs: Affine) -> Affine? {
        var result = lhs
        for term in rhs.terms {
            if let i = result.terms.firstIndex(where: { $0.leaf == term.leaf }) {
                result.terms[i].coefficient += term.coefficient
                if result.terms[i].coefficient == 0 { result.terms.remove(at: i) }
            } else {
                result.terms.append(term)
            }
        }
        result.constant += rhs.constant
        result.stride += rhs.stride
        return result.isWithinLimits ? result : nil
    }

    func scaled(by factor: Int64) -> Affine? {
        guard abs(factor) <= Self.coefficientLimit else { return nil }
        var result = Affine(
            terms: terms.map { ($0.leaf, $0.coefficient * factor) }, constant: constant * factor, stride: stride * factor)
        result.terms.removeAll { $0.coefficient == 0 }
        return result.isWithinLimits ? result : nil
    }

    /// Same leaves, coefficients and stride: the two differ by a constant.
    func hasSameVariablePart(as other: Affine) -> Bool {
        stride == other.stride && terms.count == other.terms.count
            && terms.allSatisfy { term in other.terms.contains { $0.leaf == term.leaf && $0.coefficient == term.coefficient } }
    }
}

/// A linear-memory access of a loop: its address is root + wide + zext(variable) + offset.
private struct LinearAccess {
    let instruction: LLVMValueRef
    let pointerOperand: UInt32
    let root: LLVMValueRef
    let variable: Affine
    /// A 64-bit value from outside the loop added as it is (LLVM widens an outer loop's 32-bit
    /// address arithmetic when it proves it cannot wrap), or nil.
    let wide: LLVMValueRef?
    let offset: Int64
    let size: Int64
}

/// Accesses whose variable parts are the same up to a constant share one pointer in the fast
/// copy and one bounds check.
private struct AccessGroup {
    var variable: Affine
    var wide: LLVMValueRef?
    /// The lowest constant of the variable parts (for the test that they do not wrap below zero).
    var lowestConstant: Int64
    /// The lowest constant + memarg offset: where the group's bytes begin (for the overlap tests).
    var lowestStart: Int64
    var highestEnd: Int64
    /// Whether the loop stores through the group.
    var isWritten: Bool

    func contains(_ access: LinearAccess) -> Bool {
        wide == access.wide && variable.hasSameVariablePart(as: access.variable)
    }
}

/// An induction variable of a loop enclosing the versioned one (`inductionForm`).
private struct InductionForm {
    let start: Int64
    let step: Int64
    let entry: LLVMBasicBlockRef
    let latch: LLVMBasicBlockRef
    let next: LLVMValueRef
}

/// A loop that goes on while `counter predicate limit`, `limit` invariant.
private struct CountedExit {
    let counter: CountedValue
    let limit: CountedValue
    let predicate: LLVMIntPredicate

    var stride: Int64 {
        switch counter {
        case .narrow(let affine): return affine.stride
        case .wide(_, _, let stride): return stride
        }
    }
}

/// A value of a counted exit: a 32-bit affine value (compared modulo 2^32), or a 64-bit one,
/// start + constant + n·stride (compared exactly).
private enum CountedValue {
    case narrow(Affine)
    case wide(start: LLVMValueRef, constant: Int64, stride: Int64)
}

extension LLVMIntPredicate {
    /// The predicate of the negated comparison.
    var inverse: LLVMIntPredicate {
        switch self {
        case LLVMIntEQ: return LLVMIntNE
        case LLVMIntNE: return LLVMIntEQ
        case LLVMIntUGT: return LLVMIntULE
        case LLVMIntUGE: return LLVMIntULT
        case LLVMIntULT: return LLVMIntUGE
        case LLVMIntULE: return LLVMIntUGT
        case LLVMIntSGT: return LLVMIntSLE
        case LLVMIntSGE: return LLVMIntSLT
        case LLVMIntSLT: return LLVMIntSGE
        default: return LLVMIntSGT  // SLE
        }
    }

    /// The predicate with its operands exchanged.
    var swapped: LLVMIntPredicate {
        switch self {
        case LLVMIntUGT: return LLVMIntULT
        case LLVMIntUGE: return LLVMIntULE
        case LLVMIntULT: return LLVMIntUGT
        case LLVMIntULE: return LLVMIntUGE
        case LLVMIntSGT: return LLVMIntSLT
        case LLVMIntSGE: return LLVMIntSLE
        case LLVMIntSLT: return LLVMIntSGT
        case LLVMIntSLE: return LLVMIntSGE
        default: return self  // EQ, NE
        }
    }

    var isSigned: Bool { [LLVMIntSGT, LLVMIntSGE, LLVMIntSLT, LLVMIntSLE].contains(self) }
}

private final class FunctionVersioner {
    let function: LLVMValueRef
    let context: VersioningContext
    var builder: LLVMBuilderRef { context.builder }
    /// Alias-scope domains made so far (one per loop whose groups got scopes), for unique names.
    var scopeDomains = 0
    /// memory0's base and descriptor, loaded once in the entry block for all the function's checks
    /// (both are fixed for the instance; the size read through the descriptor is not).
    private var entryLoads: (base: LLVMValueRef, descriptor: LLVMValueRef)?

    init(function: LLVMValueRef, context: VersioningContext) {
        self.function = function
        self.context = context
    }

    /// Versions the function's single-block loops (blocks that branch to themselves; the only
    /// loops this pass takes, see the file comment), found before any copy is added; returns
    /// whether it versioned any.
    func run() -> Bool {
        var versioned = false
        var loops: [LLVMBasicBlockRef] = []
        var block = LLVMGetFirstBasicBlock(function)
        while let current = block {
            if successors(of: current).contains(current) { loops.append(current) }
            block = LLVMGetNextBasicBlock(current)
        }
        for loop in loops {
            var candidate = LoopCandidate(versioner: self, block: loop)
            if candidate.hasTrapPoints() && candidate.analyze() {
                candidate.version()
                versioned = true
            }
        }
        return versioned
    }

    func successors(of block: LLVMBasicBlockRef) -> [LLVMBasicBlockRef] {
        guard let terminator = LLVMGetBasicBlockTerminator(block) else { return [] }
        return (0..<LLVMGetNumSuccessors(terminator)).map { LLVMGetSuccessor(terminator, $0)! }
    }

    /// The blocks whose terminators branch to `block` (its uses), each once.
    func predecessors(of block: LLVMBasicBlockRef) -> [LLVMBasicBlockRef] {
        var result: [LLVMBasicBlockRef] = []
        var use = LLVMGetFirstUse(LLVMBasicBlockAsValue(block))
        while let current = use {
            if let user = LLVMGetUser(current), LLVMIsATerminatorInst(user) != nil,
                let source = LLVMGetInstructionParent(user), !result.contains(source)
            {
                result.append(source)
            }
            use = LLVMGetNextUse(current)
        }
        return result
    }

    /// Gives `block`'s phis an incoming value from `source`, a new predecessor, for each one they
    /// have from `model`: that value, as `value` maps it.
    func addEdge(
        into block: LLVMBasicBlockRef, from source: LLVMBasicBlockRef, like model: LLVMBasicBlockRef,
        value: (LLVMValueRef) -> LLVMValueRef
    ) {
        for phi in instructions(of: block) {
            guard LLVMIsAPHINode(phi) != nil else { break }
            for i in 0..<LLVMCountIncoming(phi) where LLVMGetIncomingBlock(phi, i) == model {
                var incomingValue: LLVMValueRef? = value(LLVMGetIncomingValue(phi, i)!)
                var incomingBlock: LLVMBasicBlockRef? = source
                LLVMAddIncoming(phi, &incomingValue, &incomingBlock, 1)
            }
        }
    }

    // MARK: - Instructions

    func instructions(of block: LLVMBasicBlockRef) -> [LLVMValueRef] {
        var result: [LLVMValueRef] = []
        var instruction = LLVMGetFirstInstruction(block)
        while let current = instruction {
            result.append(current)
            instruction = LLVMGetNextInstruction(current)
        }
        return result
    }

    func isTrapPoint(_ instruction: LLVMValueRef) -> Bool {
        guard LLVMIsACallInst(instruction) != nil, let callee = LLVMGetCalledValue(instruction),
            LLVMIsAInlineAsm(callee) != nil
        else { return false }
        var length = 0
        return LLVMGetInlineAsmAsmString(callee, &length) != nil && length == 0
    }

    /// memory0's base and descriptor, loaded at the end of the entry block the first time a loop
    /// asks (moves the builder): a check in a loop nest then reads only the size, which LLVM may
    /// hoist (it does not hoist the chain instance → memories → descriptor out of an outer loop
    /// when the check runs on some of its paths only, n-body's inner loops).
    func memoryBaseAndDescriptor() -> (base: LLVMValueRef, descriptor: LLVMValueRef) {
        if let entryLoads { return entryLoads }
        LLVMPositionBuilderBefore(builder, LLVMGetBasicBlockTerminator(LLVMGetEntryBasicBlock(function))!)
        let instance = LLVMGetParam(function, 0)!
        let irBuilder = context.irBuilder
        let loads = (
            base: irBuilder.loadPointer(instance, offset: RuntimeABI.InstanceOffset.memory0, "memory0", invariant: true),
            descriptor: irBuilder.memoryDescriptor(instance))
        entryLoads = loads
        return loads
    }

    /// The load of `memory0` from the instance (the function's first parameter).
    func isMemoryBase(_ value: LLVMValueRef) -> Bool {
        LLVMIsALoadInst(value) != nil && LLVMGetOperand(value, 0) == LLVMGetParam(function, 0)
            && LLVMGetMetadata(value, context.invariantLoadKind) != nil
    }
}

/// One loop: the analysis, then the transformation. The loop is one block, its own header and
/// latch; the copy code below is written for a body of blocks and would take more.
private struct LoopCandidate {
    let versioner: FunctionVersioner
    var context: VersioningContext { versioner.context }
    var builder: LLVMBuilderRef { versioner.builder }
    var types: TypeCache { context.types }

    let header: LLVMBasicBlockRef
    var latch: LLVMBasicBlockRef { header }
    let bodyBlocks: [LLVMBasicBlockRef]
    let bodySet: Set<LLVMBasicBlockRef>
    var preheader: LLVMBasicBlockRef!
    /// Header phis that are induction variables: phi → (start, stride).
    var inductionVariables: [LLVMValueRef: (start: LLVMValueRef, stride: Int64)] = [:]
    var affineCache: [LLVMValueRef: Affine?] = [:]
    /// `narrowLeaf`'s values, built once per leaf in the preheader.
    var narrowLeaves: [LLVMValueRef: LLVMValueRef] = [:]
    var accesses: [LinearAccess] = []
    var groups: [AccessGroup] = []
    /// The latch's exit condition, whose trip count has a formula.
    var countedExit: CountedExit!

    init(versioner: FunctionVersioner, block: LLVMBasicBlockRef) {
        self.versioner = versioner
        self.header = block
        bodyBlocks = [block]
        bodySet = [block]
    }

    func hasTrapPoints() -> Bool {
        bodyBlocks.contains { versioner.instructions(of: $0).contains(where: versioner.isTrapPoint) }
    }

    func isInteger(_ value: LLVMValueRef, width: UInt32) -> Bool {
        let type = LLVMTypeOf(value)!
        return LLVMGetTypeKind(type) == LLVMIntegerTypeKind && LLVMGetIntTypeWidth(type) == width
    }

    func isInLoop(_ value: LLVMValueRef) -> Bool {
        LLVMIsAInstruction(value) != nil && bodySet.contains(LLVMGetInstructionParent(value))
    }

    // MARK: Analysis

    /// Whether the loop meets the conditions (file comment); fills in what `version` needs.
    mutating func analyze() -> Bool {
        let outside = versioner.predecessors(of: header).filter { !bodySet.contains($0) }
        guard outside.count == 1 else { return false }
        preheader = outside[0]
        guard let preheaderBranch = LLVMGetBasicBlockTerminator(preheader), LLVMIsABranchInst(preheaderBranch) != nil,
            LLVMGetNumSuccessors(preheaderBranch) == 1,
            let latchBranch = LLVMGetBasicBlockTerminator(latch), LLVMIsABranchInst(latchBranch) != nil
        else { return false }
        let latchSuccessors = (0..<LLVMGetNumSuccessors(latchBranch)).map { LLVMGetSuccessor(latchBranch, $0)! }
        guard latchSuccessors.filter({ $0 == header }).count == 1,
            latchSuccessors.allSatisfy({ $0 == header || !bodySet.contains($0) })
        else { return false }

        findInductionVariables()
        var count = 0
        for block in bodyBlocks {
            for instruction in versioner.instructions(of: block) {
                count += 1
                guard count <= LoopVersioning.maximumInstructions, isUsedOnlyInLoopOrExitPhis(instruction),
                    accept(instruction)
                else { return false }
            }
        }
        guard !accesses.isEmpty else { return false }
        countedExit = findCountedExit(latchBranch)
        return countedExit != nil
    }

    /// The latch's condition as `X pred L` (go on while true) with X affine with a stride and L
    /// invariant, when its trip count has a formula (`tripCount`).
    private mutating func findCountedExit(_ latchBranch: LLVMValueRef) -> CountedExit? {
        guard LLVMIsConditional(latchBranch) != 0, let condition = LLVMGetCondition(latchBranch),
            LLVMIsAICmpInst(condition) != nil
        else { return nil }
        let (a, b) = (LLVMGetOperand(condition, 0)!, LLVMGetOperand(condition, 1)!)
        var predicate = LLVMGetICmpPredicate(condition)
        if LLVMGetSuccessor(latchBranch, 0) != header { predicate = predicate.inverse }
        let exit: CountedExit
        if isInteger(a, width: 32) {
            guard let x = affine(a), let y = affine(b) else { return nil }
            if x.stride != 0 && y.stride == 0 {
                exit = CountedExit(counter: .narrow(x), limit: .narrow(y), predicate: predicate)
            } else if y.stride != 0 && x.stride == 0 {
                exit = CountedExit(counter: .narrow(y), limit: .narrow(x), predicate: predicate.swapped)
            } else {
                return nil
            }
        } else if isInteger(a, width: 64) {
            // 64-bit: a widened induction variable (plus a constant) against a value from outside.
            if let counter = wideCounter(a), !isInLoop(b) {
                exit = CountedExit(counter: counter, limit: .wide(start: b, constant: 0, stride: 0), predicate: predicate)
            } else if let counter = wideCounter(b), !isInLoop(a) {
                exit = CountedExit(
                    counter: counter, limit: .wide(start: a, constant: 0, stride: 0), predicate: predicate.swapped)
            } else {
                return nil
            }
        } else {
            return nil
        }
        let rising = exit.stride > 0
        switch exit.predicate {
        case LLVMIntNE: return exit
        case LLVMIntULT, LLVMIntULE, LLVMIntSLT, LLVMIntSLE: return rising ? exit : nil
        case LLVMIntUGT, LLVMIntUGE, LLVMIntSGT, LLVMIntSGE: return rising ? nil : exit
        default: return nil
        }
    }

    /// A 64-bit induction variable, or one plus a constant, as a counter.
    private func wideCounter(_ value: LLVMValueRef) -> CountedValue? {
        if let (start, stride) = inductionVariables[value] { return .wide(start: start, constant: 0, stride: stride) }
        guard LLVMIsAInstruction(value) != nil, LLVMGetInstructionOpcode(value) == LLVMAdd,
            let (start, stride) = inductionVariables[LLVMGetOperand(value, 0)!],
            LLVMIsAConstantInt(LLVMGetOperand(value, 1)) != nil
        else { return nil }
        let constant = LLVMConstIntGetSExtValue(LLVMGetOperand(value, 1))
        guard abs(constant) <= Affine.constantLimit, abs(stride) <= Affine.constantLimit else { return nil }
        return .wide(start: start, constant: constant, stride: stride)
    }

    private mutating func findInductionVariables() {
        for phi in versioner.instructions(of: header) {
            guard LLVMIsAPHINode(phi) != nil else { break }
            guard isInteger(phi, width: 32) || isInteger(phi, width: 64), LLVMCountIncoming(phi) == 2 else { continue }
            let fromLatch = LLVMGetIncomingBlock(phi, 0) == latch ? 0 : 1
            let next = LLVMGetIncomingValue(phi, UInt32(fromLatch))!
            let start = LLVMGetIncomingValue(phi, UInt32(1 - fromLatch))!
            guard LLVMGetIncomingBlock(phi, UInt32(fromLatch)) == latch, LLVMIsAInstruction(next) != nil else { continue }
            let opcode = LLVMGetInstructionOpcode(next)
            let (a, b) = (LLVMGetOperand(next, 0)!, LLVMGetOperand(next, 1)!)
            if opcode == LLVMAdd, a == phi, LLVMIsAConstantInt(b) != nil {
                inductionVariables[phi] = (start, LLVMConstIntGetSExtValue(b))
            } else if opcode == LLVMAdd, b == phi, LLVMIsAConstantInt(a) != nil {
                inductionVariables[phi] = (start, LLVMConstIntGetSExtValue(a))
            } else if opcode == LLVMSub, a == phi, LLVMIsAConstantInt(b) != nil {
                inductionVariables[phi] = (start, -LLVMConstIntGetSExtValue(b))
            }
        }
    }

    /// LCSSA: every use outside the loop is a phi of an exit block, on an edge from the loop.
    private func isUsedOnlyInLoopOrExitPhis(_ instruction: LLVMValueRef) -> Bool {
        var use = LLVMGetFirstUse(instruction)
        while let current = use {
            defer { use = LLVMGetNextUse(current) }
            let user = LLVMGetUser(current)!
            guard LLVMIsAInstruction(user) != nil else { return false }
            if bodySet.contains(LLVMGetInstructionParent(user)) { continue }
            guard LLVMIsAPHINode(user) != nil else { return false }
            for i in 0..<LLVMCountIncoming(user) where LLVMGetIncomingValue(user, i) == instruction {
                if !bodySet.contains(LLVMGetIncomingBlock(user, i)) { return false }
            }
        }
        return true
    }

    /// Whether the fast copy may hold `instruction`; records linear-memory accesses.
    private mutating func accept(_ instruction: LLVMValueRef) -> Bool {
        if LLVMIsALoadInst(instruction) != nil || LLVMIsAStoreInst(instruction) != nil {
            let isLoad = LLVMIsALoadInst(instruction) != nil
            guard LLVMGetVolatile(instruction) == 0, LLVMGetOrdering(instruction) == LLVMAtomicOrderingNotAtomic
            else { return false }
            let pointerOperand: UInt32 = isLoad ? 0 : 1
            let pointer = LLVMGetOperand(instruction, pointerOperand)!
            if let (root, variable, wide, offset) = address(pointer) {
                let type = isLoad ? LLVMTypeOf(instruction)! : LLVMTypeOf(LLVMGetOperand(instruction, 0))!
                let size = Int64(LLVMStoreSizeOfType(context.dataLayout, type))
                guard offset >= 0, offset <= Affine.constantLimit else { return false }
                accesses.append(
                    LinearAccess(
                        instruction: instruction, pointerOperand: pointerOperand, root: root, variable: variable,
                        wide: wide, offset: offset, size: size))
                return true
            }
            // Not a recognizable linear-memory access: only data that cannot fault may stay.
            guard let tag = LLVMGetMetadata(instruction, context.tbaaKind) else { return false }
            return tag != context.linearMemoryTag
        }
        if LLVMIsACallInst(instruction) != nil {
            if versioner.isTrapPoint(instruction) { return true }
            guard let callee = LLVMGetCalledValue(instruction), LLVMIsAFunction(callee) != nil,
                LLVMGetIntrinsicID(callee) != 0
            else { return false }
            let argumentCount = LLVMGetNumArgOperands(instruction)
            return (0..<argumentCount).allSatisfy {
                LLVMGetTypeKind(LLVMTypeOf(LLVMGetOperand(instruction, $0))) != LLVMPointerTypeKind
            }
        }
        let opcode = LLVMGetInstructionOpcode(instruction)
        switch opcode {
        case LLVMInvoke, LLVMFence, LLVMAtomicRMW, LLVMAtomicCmpXchg, LLVMCallBr, LLVMIndirectBr, LLVMVAArg:
            return false
        default:
            return true
        }
    }

    /// A pointer as root (`memory0`) + wide + zext(variable) + offset.
    private mutating func address(_ pointer: LLVMValueRef) -> (LLVMValueRef, Affine, LLVMValueRef?, Int64)? {
        if versioner.isMemoryBase(pointer) { return (pointer, Affine(), nil, 0) }
        guard LLVMIsAGetElementPtrInst(pointer) != nil, LLVMGetNumOperands(pointer) == 2,
            let (root, baseVariable, baseWide, baseOffset) = address(LLVMGetOperand(pointer, 0)!),
            let index = offsetExpression(LLVMGetOperand(pointer, 1)!)
        else { return nil }
        var (variable, wide, offset) = (baseVariable, baseWide, baseOffset)
        let elementType = LLVMGetGEPSourceElementType(pointer)!
        let elementSize = Int64(LLVMABISizeOfType(context.dataLayout, elementType))
        if index.variable != nil || index.wide != nil {
            guard elementSize == 1 else { return nil }
        }
        if let indexVariable = index.variable {
            guard variable.terms.isEmpty, variable.constant == 0, variable.stride == 0 else { return nil }
            variable = indexVariable
        }
        if let indexWide = index.wide {
            guard wide == nil else { return nil }
            wide = indexWide
        }
        let scaled = index.constant.multipliedReportingOverflow(by: elementSize)
        guard !scaled.overflow, abs(scaled.partialValue) <= Affine.constantLimit else { return nil }
        offset += scaled.partialValue
        guard abs(offset) <= Affine.constantLimit else { return nil }
        return (root, variable, wide, offset)
    }

    /// A 64-bit offset as wide + zext(variable) + constant: at most one zero-extended 32-bit
    /// part, and at most one other 64-bit value from outside the loop.
    private mutating func offsetExpression(
        _ value: LLVMValueRef
    ) -> (variable: Affine?, wide: LLVMValueRef?, constant: Int64)? {
        if LLVMIsAConstantInt(value) != nil {
            let constant = LLVMConstIntGetSExtValue(value)
            return abs(constant) <= Affine.constantLimit ? (nil, nil, constant) : nil
        }
        if LLVMIsAInstruction(value) != nil {
            switch LLVMGetInstructionOpcode(value) {
            case LLVMZExt:
                let operand = LLVMGetOperand(value, 0)!
                guard LLVMGetIntTypeWidth(LLVMTypeOf(operand)) == 32, let variable = affine(operand) else { return nil }
                return (variable, nil, 0)
            case LLVMAdd:
                guard let a = offsetExpression(LLVMGetOperand(value, 0)!),
                    let b = offsetExpression(LLVMGetOperand(value, 1)!),
                    a.variable == nil || b.variable == nil, a.wide == nil || b.wide == nil
                else { break }
                return (a.variable ?? b.variable, a.wide ?? b.wide, a.constant + b.constant)
            case LLVMAnd:
                if let variable = zeroExtendedLowHalf(value) { return (variable, nil, 0) }
            default:
                break
            }
        }
        // Any other value from outside the loop (not a constant expression) is a wide part.
        guard !isInLoop(value), LLVMIsAConstant(value) == nil, isInteger(value, width: 64) else { return nil }
        return (nil, value, 0)
    }

    /// `x & mask` with x a 64-bit affine value of the loop and mask 2^32 − 2^t, where every part
    /// of x is a multiple of 2^t: that is zext(trunc(x)), the form instcombine gives a zero-extended
    /// 32-bit address once LLVM has widened the induction variable it comes from and knows its low
    /// t bits are zero (`and i64 (56·i), 0xFFFFFFF8`). The affine form of x, which describes
    /// trunc(x) as well (it is computed modulo 2^32), or nil.
    private mutating func zeroExtendedLowHalf(_ value: LLVMValueRef) -> Affine? {
        let (x, mask) = (LLVMGetOperand(value, 0)!, LLVMGetOperand(value, 1)!)
        guard isInteger(x, width: 64), LLVMIsAConstantInt(mask) != nil else { return nil }
        let maskBits = LLVMConstIntGetZExtValue(mask)
        let lowZeros = UInt64(maskBits.trailingZeroBitCount)
        guard lowZeros < 32, maskBits == (UInt64(1) << 32) - (UInt64(1) << lowZeros), let variable = affine(x) else { return nil }
        let multiple = Int64(1) << Int64(lowZeros)
        let isMultiple = variable.terms.allSatisfy { $0.coefficient % multiple == 0 } && variable.constant % multiple == 0
            && variable.stride % multiple == 0
        return isMultiple ? variable : nil
    }

    /// A 32-bit value as an affine function of the iteration number, or nil.
    private mutating func affine(_ value: LLVMValueRef) -> Affine? {
        if let cached = affineCache[value] { return cached }
        let result = computeAffine(value)
        affineCache[value] = result
        return result
    }

    private mutating func computeAffine(_ value: LLVMValueRef) -> Affine? {
        guard isInLoop(value) else {
            let isOtherConstant = LLVMIsAConstant(value) != nil && LLVMIsAConstantInt(value) == nil
            return isOtherConstant ? nil : .leaf(value)
        }
        if let (start, stride) = inductionVariables[value] {
            var result = Affine.leaf(start)
            result.stride = stride
            return result.isWithinLimits ? result : nil
        }
        // A 64-bit induction variable (widened by LLVM) truncated: the same value modulo 2^32.
        if LLVMGetInstructionOpcode(value) == LLVMTrunc, isInteger(value, width: 32),
            isInteger(LLVMGetOperand(value, 0)!, width: 64)
        {
            return affine(LLVMGetOperand(value, 0)!)
        }
        guard LLVMGetNumOperands(value) == 2, LLVMIsABinaryOperator(value) != nil else { return nil }
        let (a, b) = (LLVMGetOperand(value, 0)!, LLVMGetOperand(value, 1)!)
        switch LLVMGetInstructionOpcode(value) {
        case LLVMAdd:
            guard let x = affine(a), let y = affine(b) else { return nil }
            return x + y
        case LLVMSub:
            guard let x = affine(a), let y = affine(b), let negated = y.scaled(by: -1) else { return nil }
            return x + negated
        case LLVMMul:
            if LLVMIsAConstantInt(b) != nil { return affine(a)?.scaled(by: LLVMConstIntGetSExtValue(b)) }
            if LLVMIsAConstantInt(a) != nil { return affine(b)?.scaled(by: LLVMConstIntGetSExtValue(a)) }
            return nil
        case LLVMShl:
            guard LLVMIsAConstantInt(b) != nil else { return nil }
            let shift = LLVMConstIntGetZExtValue(b)
            return shift < 17 ? affine(a)?.scaled(by: 1 << Int64(shift)) : nil
        default:
            return nil
        }
    }

    // MARK: Transformation

    /// Adds the fast copy and the check in the preheader that chooses between it and the original.
    mutating func version() {
        for access in accesses {
            let constant = access.variable.constant
            let start = constant + access.offset
            let end = start + access.size
            let isStore = LLVMIsAStoreInst(access.instruction) != nil
            if let i = groups.firstIndex(where: { $0.contains(access) }) {
                groups[i].lowestConstant = min(groups[i].lowestConstant, constant)
                groups[i].lowestStart = min(groups[i].lowestStart, start)
                groups[i].highestEnd = max(groups[i].highestEnd, end)
                groups[i].isWritten = groups[i].isWritten || isStore
            } else {
                groups.append(
                    AccessGroup(
                        variable: access.variable, wide: access.wide, lowestConstant: constant, lowestStart: start,
                        highestEnd: end, isWritten: isStore))
            }
        }

        // The preheader: the trip count N and whether its formula holds; the copy runs when it
        // does and all N iterations are in bounds.
        let (memoryBase, memoryDescriptor) = versioner.memoryBaseAndDescriptor()
        let preheaderBranch = LLVMGetBasicBlockTerminator(preheader)!
        LLVMPositionBuilderBefore(builder, preheaderBranch)
        let (tripCount, valid) = self.tripCount(of: countedExit)
        LLVMSetValueName2(tripCount, "fast.trips", 10)
        // The gate: a run of fewer than `shortestTrip` iterations takes the original loop without
        // computing the rest of the check, unless the check may fold (`mayBeDecidedAtCompileTime`).
        let checkBlock = LLVMInsertBasicBlockInContext(context.llvmContext, header, "fast.check")!
        let long = mayBeDecidedAtCompileTime()
            ? LLVMConstInt(LLVMInt1TypeInContext(context.llvmContext), 1, 0)!
            : LLVMBuildICmp(builder, LLVMIntUGE, tripCount, constant(LoopVersioning.shortestTrip), "fast.long")!
        LLVMBuildCondBr(builder, long, checkBlock, header)
        LLVMInstructionEraseFromParent(preheaderBranch)
        // The check block: per group its base b and whether it stays in bounds.
        LLVMPositionBuilderAtEnd(builder, checkBlock)
        let memorySize = context.irBuilder.memorySize(descriptor: memoryDescriptor, minimumBytes: context.minimumMemoryBytes)
        // Each group's accesses go through a pointer of its own, memory0 + b made by inttoptr:
        // LLVM then sees one object per group (accesses of a group are apart by constants, which
        // its dependence analysis handles) and checks overlaps between groups at run time. With
        // memory0 as everybody's object it would check every pair of pointers, and the pair of
        // accesses a[i] and a[i + 1] of a loop unrolled by two always overlaps.
        let memoryAddress = LLVMBuildPtrToInt(builder, memoryBase, types.i64, "")!
        var enter = valid
        let steps = LLVMBuildSub(builder, tripCount, constant(1), "")!
        let maximumSteps: Int64
        if case .narrow = countedExit.counter { maximumSteps = 1 << 32 } else { maximumSteps = (1 << 41) + 1 }
        var groupPointers: [LLVMValueRef] = []
        var ranges: [(low: LLVMValueRef, high: LLVMValueRef)] = []
        for group in groups {
            var narrowBase = constant(0)
            for term in group.variable.terms {
                let extended = LLVMBuildZExt(builder, narrowLeaf(term.leaf), types.i64, "")!
                narrowBase = LLVMBuildAdd(
                    builder, narrowBase, LLVMBuildMul(builder, extended, constant(term.coefficient), ""), "")
            }
            let base = group.wide.map { LLVMBuildAdd(builder, narrowBase, $0, "")! } ?? narrowBase
            let address = LLVMBuildAdd(builder, memoryAddress, base, "")
            groupPointers.append(LLVMBuildIntToPtr(builder, address, types.ptr, "fast.base")!)
            let (inBounds, range) = isInBounds(
                group, narrowBase: narrowBase, base: base, steps: steps, maximumSteps: maximumSteps,
                memorySize: memorySize)
            enter = LLVMBuildAnd(builder, enter, inBounds, "")!
            ranges.append(range)
        }
        // Groups that the copy may treat as separate objects (alias scopes): see `disjointGroups`.
        let scopes = disjointGroups(ranges: ranges, enter: &enter)

        // The copy.
        var map: [LLVMValueRef: LLVMValueRef] = [:]
        var copies: [(LLVMValueRef, LLVMValueRef)] = []
        var phiCopies: [(LLVMValueRef, LLVMValueRef)] = []
        let function = versioner.function
        for block in bodyBlocks {
            let copy = LLVMAppendBasicBlockInContext(context.llvmContext, function, "fast")!
            map[LLVMBasicBlockAsValue(block)] = LLVMBasicBlockAsValue(copy)
        }
        for block in bodyBlocks {
            LLVMPositionBuilderAtEnd(builder, LLVMValueAsBasicBlock(map[LLVMBasicBlockAsValue(block)]!))
            for instruction in versioner.instructions(of: block) where !versioner.isTrapPoint(instruction) {
                if LLVMIsAPHINode(instruction) != nil {
                    let phi = LLVMBuildPhi(builder, LLVMTypeOf(instruction), "")!
                    map[instruction] = phi
                    phiCopies.append((instruction, phi))
                } else {
                    let copy = LLVMInstructionClone(instruction)!
                    LLVMInsertIntoBuilderWithName(builder, copy, "")
                    map[instruction] = copy
                    copies.append((instruction, copy))
                }
            }
        }
        for (_, copy) in copies {
            for i in 0..<UInt32(LLVMGetNumOperands(copy)) {
                if let operand = LLVMGetOperand(copy, i), let mapped = map[operand] { LLVMSetOperand(copy, i, mapped) }
            }
        }
        for (phi, copy) in phiCopies {
            for i in 0..<LLVMCountIncoming(phi) {
                let (value, block) = (LLVMGetIncomingValue(phi, i)!, LLVMGetIncomingBlock(phi, i)!)
                var incomingValue: LLVMValueRef? = map[value] ?? value
                var incomingBlock: LLVMBasicBlockRef? = bodySet.contains(block)
                    ? LLVMValueAsBasicBlock(map[LLVMBasicBlockAsValue(block)]!) : checkBlock
                LLVMAddIncoming(copy, &incomingValue, &incomingBlock, 1)
            }
        }
        func copyOf(_ block: LLVMBasicBlockRef) -> LLVMBasicBlockRef {
            LLVMValueAsBasicBlock(map[LLVMBasicBlockAsValue(block)]!)
        }
        let fastHeader = copyOf(header)
        let fastLatch = copyOf(latch)

        // The copy's induction variable, the iteration number n; an access is at its group's
        // pointer + n·stride + its constant (+ memarg offset).
        let firstNonPhi = versioner.instructions(of: fastHeader).first { LLVMIsAPHINode($0) == nil }!
        LLVMPositionBuilderBefore(builder, firstNonPhi)
        let iteration = LLVMBuildPhi(builder, types.i64, "fast.n")!
        for access in accesses {
            let copy = map[access.instruction]!
            let group = groups.firstIndex { $0.contains(access) }!
            LLVMPositionBuilderBefore(builder, copy)
            // In bounds: 0 ≤ b + n·stride + constant < 2^32 (the constant may be negative).
            let travelled = LLVMBuildNSWMul(builder, iteration, constant(groups[group].variable.stride), "")
            let offset = LLVMBuildNSWAdd(builder, travelled, constant(access.variable.constant + access.offset), "")
            var indices: [LLVMValueRef?] = [offset]
            let pointer = LLVMBuildGEP2(builder, types.i8, groupPointers[group], &indices, 1, "")
            LLVMSetOperand(copy, access.pointerOperand, pointer)
            if let tags = scopes?[group] {
                LLVMSetMetadata(copy, context.aliasScopeKind, tags.scope)
                LLVMSetMetadata(copy, context.noAliasKind, tags.apartFrom)
            }
        }

        // The copy's latch goes on until the iteration number reaches the trip count.
        let latchBranch = LLVMGetBasicBlockTerminator(fastLatch)!
        LLVMPositionBuilderBefore(builder, latchBranch)
        let nextIteration = LLVMBuildNUWAdd(builder, iteration, constant(1), "")!
        var incomingValues: [LLVMValueRef?] = [constant(0), nextIteration]
        var incomingBlocks: [LLVMBasicBlockRef?] = [checkBlock, fastLatch]
        LLVMAddIncoming(iteration, &incomingValues, &incomingBlocks, 2)
        let goesOnWhenTrue = LLVMGetSuccessor(latchBranch, 0) == fastHeader
        let exitTarget = LLVMGetSuccessor(latchBranch, goesOnWhenTrue ? 1 : 0)
        let goesOn = LLVMBuildICmp(builder, LLVMIntNE, nextIteration, tripCount, "")
        LLVMBuildCondBr(builder, goesOn, fastHeader, exitTarget)
        LLVMInstructionEraseFromParent(latchBranch)

        // Exit blocks get the copy's values on its edges (LCSSA phis).
        for block in bodyBlocks {
            var exits: [LLVMBasicBlockRef] = []
            let terminator = LLVMGetBasicBlockTerminator(block)!
            for i in 0..<LLVMGetNumSuccessors(terminator) {
                let successor = LLVMGetSuccessor(terminator, i)!
                if !bodySet.contains(successor) && !exits.contains(successor) { exits.append(successor) }
            }
            for exit in exits {
                versioner.addEdge(into: exit, from: copyOf(block), like: block) { map[$0] ?? $0 }
            }
        }

        // The check chooses; the original header's phis take the preheader's values from it too.
        LLVMPositionBuilderAtEnd(builder, checkBlock)
        LLVMBuildCondBr(builder, enter, fastHeader, header)
        versioner.addEdge(into: header, from: checkBlock, like: preheader) { $0 }
    }

    /// Whether LLVM may decide the check at compile time: every value it starts from (the leaves
    /// of the groups and of the exit test, the groups' wide parts) is computed from constants and
    /// induction variables of enclosing loops with constant starts, whose ranges LLVM follows
    /// (n-body's inner loops over j in (i, 5), whose checks fold once the loop over i is unrolled).
    /// Such a loop is not gated by its trip count: a gate would keep its short runs, all of them,
    /// in the loop with trap points.
    private func mayBeDecidedAtCompileTime() -> Bool {
        func isDerivedFromInductionVariables(_ value: LLVMValueRef, depth: Int = 0) -> Bool {
            if LLVMIsAConstantInt(value) != nil || inductionForm(value) != nil { return true }
            guard depth < 4, LLVMIsAInstruction(value) != nil,
                [LLVMAdd, LLVMSub, LLVMMul, LLVMShl, LLVMZExt, LLVMSExt, LLVMTrunc].contains(LLVMGetInstructionOpcode(value))
            else { return false }
            return (0..<UInt32(LLVMGetNumOperands(value))).allSatisfy {
                isDerivedFromInductionVariables(LLVMGetOperand(value, $0)!, depth: depth + 1)
            }
        }
        var leaves = groups.flatMap { group in group.variable.terms.map(\.leaf) + (group.wide.map { [$0] } ?? []) }
        for value in [countedExit.counter, countedExit.limit] {
            switch value {
            case .narrow(let affine): leaves += affine.terms.map(\.leaf)
            case .wide(let start, _, _): leaves.append(start)
            }
        }
        return leaves.allSatisfy { isDerivedFromInductionVariables($0) }
    }

    /// A leaf as a 32-bit value (a 64-bit leaf, the start of a widened induction variable, modulo 2^32).
    private mutating func narrowLeaf(_ leaf: LLVMValueRef) -> LLVMValueRef {
        if let value = narrowLeaves[leaf] { return value }
        var value = leaf
        if let lockstep = lockstepValue(of: leaf) {
            value = lockstep
        } else if isInteger(leaf, width: 64) {
            value = LLVMBuildTrunc(builder, leaf, LLVMInt32TypeInContext(context.llvmContext), "")!
        }
        narrowLeaves[leaf] = value
        return value
    }

    /// An induction variable of an enclosing loop: a phi [start, entry], [phi + step, latch] with
    /// constant start and step (`next` is the phi + step).
    private func inductionForm(_ phi: LLVMValueRef) -> InductionForm? {
        guard LLVMIsAPHINode(phi) != nil, LLVMCountIncoming(phi) == 2 else { return nil }
        for (first, other) in [(UInt32(0), UInt32(1)), (1, 0)] {
            let start = LLVMGetIncomingValue(phi, first)!, next = LLVMGetIncomingValue(phi, other)!
            guard LLVMIsAConstantInt(start) != nil, LLVMIsABinaryOperator(next) != nil,
                LLVMGetInstructionOpcode(next) == LLVMAdd, LLVMGetOperand(next, 0) == phi,
                let step = LLVMGetOperand(next, 1), LLVMIsAConstantInt(step) != nil
            else { continue }
            return InductionForm(
                start: LLVMConstIntGetSExtValue(start), step: LLVMConstIntGetSExtValue(step),
                entry: LLVMGetIncomingBlock(phi, first), latch: LLVMGetIncomingBlock(phi, other), next: next)
        }
        return nil
    }

    /// A 32-bit leaf that is an induction variable of an enclosing loop, written in terms of the
    /// induction variable that loop's latch tests (one with step ±1 and the same two incoming
    /// blocks): leaf = start + step·k with k = (tested − its start)·its step, modulo 2^32. The two
    /// move in lockstep (each entry into the header from the latch adds its step to both; one from
    /// the entry sets both to their start), so the values are equal; but LLVM's value ranges, which
    /// follow the tested variable through the conditions on it (`i < 5`, a guard `i ≤ 3`), then
    /// cover the leaf too, and correlated-value propagation can decide checks that depend on it
    /// (n-body: b[j]'s base and the inner trip count 4 − i). Nil for other leaves.
    private func lockstepValue(of leaf: LLVMValueRef) -> LLVMValueRef? {
        guard isInteger(leaf, width: 32), let form = inductionForm(leaf) else { return nil }
        guard let terminator = LLVMGetBasicBlockTerminator(form.latch), LLVMIsABranchInst(terminator) != nil,
            LLVMIsConditional(terminator) != 0, let condition = LLVMGetCondition(terminator), LLVMIsAICmpInst(condition) != nil
        else { return nil }
        let tested = [LLVMGetOperand(condition, 0)!, LLVMGetOperand(condition, 1)!]
        for phi in versioner.instructions(of: LLVMGetInstructionParent(leaf)) {
            guard LLVMIsAPHINode(phi) != nil else { break }
            guard phi != leaf, isInteger(phi, width: 32) || isInteger(phi, width: 64), let counter = inductionForm(phi),
                counter.step == 1 || counter.step == -1, counter.entry == form.entry, counter.latch == form.latch,
                tested.contains(phi) || tested.contains(counter.next)
            else { continue }
            let type = LLVMTypeOf(phi)!
            func constant(_ value: Int64) -> LLVMValueRef { LLVMConstInt(type, UInt64(bitPattern: value), 1) }
            let k = LLVMBuildMul(builder, LLVMBuildSub(builder, phi, constant(counter.start), "")!, constant(counter.step), "")!
            let value = LLVMBuildAdd(builder, constant(form.start), LLVMBuildMul(builder, k, constant(form.step), "")!, "")!
            return isInteger(phi, width: 64) ? LLVMBuildTrunc(builder, value, LLVMInt32TypeInContext(context.llvmContext), "")! : value
        }
        return nil
    }

    /// The 32-bit value of `affine` with its stride ignored (at the first iteration), in wrapping
    /// 32-bit arithmetic: the value the IR computes.
    private mutating func emitInitialValue(_ affine: Affine) -> LLVMValueRef {
        let int32 = LLVMInt32TypeInContext(context.llvmContext)!
        var value = LLVMConstInt(int32, UInt64(bitPattern: affine.constant), 1)!
        for term in affine.terms {
            let scaled = LLVMBuildMul(builder, narrowLeaf(term.leaf), LLVMConstInt(int32, UInt64(bitPattern: term.coefficient), 1), "")
            value = LLVMBuildAdd(builder, value, scaled, "")
        }
        return value
    }

    /// The number of iterations N of a counted loop (≥ 1) and whether the formula holds: the
    /// counter goes from x0 by the stride s without leaving the 32-bit range of the comparison
    /// (unsigned or signed) up to the iteration that ends the loop.
    private mutating func tripCount(of exit: CountedExit) -> (LLVMValueRef, LLVMValueRef) {
        let signed = exit.predicate.isSigned
        func initialValue(_ value: CountedValue) -> LLVMValueRef {
            switch value {
            case .narrow(let affine):
                let narrow = emitInitialValue(affine)
                return signed ? LLVMBuildSExt(builder, narrow, types.i64, "")! : LLVMBuildZExt(builder, narrow, types.i64, "")!
            case .wide(let start, let offset, _):
                return LLVMBuildAdd(builder, start, constant(offset), "")!
            }
        }
        let start = initialValue(exit.counter)
        let limit = initialValue(exit.limit)
        // 32-bit comparisons: the counter must not wrap before the loop ends. 64-bit ones: the
        // formula needs start and limit far from overflow.
        let (minimum, maximum): (Int64, Int64)
        if case .narrow = exit.counter {
            (minimum, maximum) = signed ? (-(1 << 31), (1 << 31) - 1) : (0, (1 << 32) - 1)
        } else {
            (minimum, maximum) = signed ? (-(1 << 40), 1 << 40) : (0, 1 << 40)
        }
        var valid = LLVMConstInt(LLVMInt1TypeInContext(context.llvmContext), 1, 0)!
        for value in [start, limit] {
            let aboveMinimum = LLVMBuildICmp(builder, LLVMIntSGE, value, constant(minimum), "")
            let belowMaximum = LLVMBuildICmp(builder, LLVMIntSLE, value, constant(maximum), "")
            valid = LLVMBuildAnd(builder, valid, LLVMBuildAnd(builder, aboveMinimum, belowMaximum, ""), "")
        }
        let stride = exit.stride
        let step = constant(abs(stride))
        // The distance the counter travels towards the limit; negative: the first test ends it.
        let distance = stride > 0 ? LLVMBuildSub(builder, limit, start, "")! : LLVMBuildSub(builder, start, limit, "")!
        let positive = LLVMBuildICmp(builder, LLVMIntSGT, distance, constant(0), "")!
        let nonNegative = LLVMBuildICmp(builder, LLVMIntSGE, distance, constant(0), "")!
        // The iteration n* whose test fails.
        let last: LLVMValueRef
        switch exit.predicate {
        case LLVMIntNE:
            // Ends when the counter equals the limit: the distance must be a multiple of the step.
            let remainder = LLVMBuildURem(builder, distance, step, "")
            let multiple = LLVMBuildAnd(builder, nonNegative, LLVMBuildICmp(builder, LLVMIntEQ, remainder, constant(0), ""), "")
            valid = LLVMBuildAnd(builder, valid, multiple, "")
            last = LLVMBuildUDiv(builder, distance, step, "")
        case LLVMIntULT, LLVMIntSLT, LLVMIntUGT, LLVMIntSGT:
            // Ends at the first value at or past the limit: ceil(distance / step), 0 if none.
            let rounded = LLVMBuildUDiv(builder, LLVMBuildAdd(builder, distance, constant(abs(stride) - 1), ""), step, "")
            last = LLVMBuildSelect(builder, positive, rounded, constant(0), "")
        default:
            // ULE, SLE, UGE, SGE: ends at the first value past the limit: floor(distance / step) + 1.
            let past = LLVMBuildAdd(builder, LLVMBuildUDiv(builder, distance, step, ""), constant(1), "")
            last = LLVMBuildSelect(builder, nonNegative, past, constant(0), "")
        }
        // The counter at that iteration stays within the comparison's range (no wrap before it).
        let travelled = LLVMBuildMul(builder, last, constant(stride), "")
        let final = LLVMBuildAdd(builder, start, travelled, "")
        let inRange = stride > 0
            ? LLVMBuildICmp(builder, LLVMIntSLE, final, constant(maximum), "")!
            : LLVMBuildICmp(builder, LLVMIntSGE, final, constant(minimum), "")!
        valid = LLVMBuildAnd(builder, valid, inRange, "")
        return (LLVMBuildAdd(builder, last, constant(1), "")!, valid)
    }

    /// Whether all of a counted loop's iterations keep the group's accesses in bounds: the lowest
    /// and highest bytes at the first and last iteration (N ≥ 1; when the trip count's formula does
    /// not hold, the result does not matter and the arithmetic may wrap). The 32-bit part must not
    /// wrap below zero (low ≥ 0, measured without the wide part) nor above 2^32 (implied by
    /// high ≤ size, since the wide part is not negative: checked to be at most 2^40, so nothing
    /// overflows).
    /// The distance travelled, (N - 1)·stride, must not overflow either (N may be near 2^41 and the
    /// stride near 2^40, and a product that wraps could pass the test). Where the trip count's
    /// formula holds, N - 1 is at most `maximumSteps` (2^32 with a 32-bit counter, 2^41 + 1 with a
    /// 64-bit one); when that times |stride| is at most 2^62, low and high stay far from 2^63 (the
    /// base is below 2^58: fewer than 2^10 terms of at most 2^16·2^32) and the distance needs no
    /// test. Otherwise the check also requires N - 1 ≤ 2^32 / |stride|, which every loop that stays
    /// in bounds meets. `steps` is N - 1. Also returns the bytes the group touches, [low, high)
    /// from memory0.
    private func isInBounds(
        _ group: AccessGroup, narrowBase: LLVMValueRef, base: LLVMValueRef, steps: LLVMValueRef,
        maximumSteps: Int64, memorySize: LLVMValueRef
    ) -> (LLVMValueRef, (low: LLVMValueRef, high: LLVMValueRef)) {
        let stride = group.variable.stride
        let travelled = LLVMBuildMul(builder, steps, constant(stride), "")!
        var narrowLow = LLVMBuildAdd(builder, narrowBase, constant(group.lowestConstant), "")!
        var low = LLVMBuildAdd(builder, base, constant(group.lowestStart), "")!
        var high = LLVMBuildAdd(builder, base, constant(group.highestEnd), "")!
        if stride > 0 { high = LLVMBuildAdd(builder, high, travelled, "")! }
        if stride < 0 {
            narrowLow = LLVMBuildAdd(builder, narrowLow, travelled, "")!
            low = LLVMBuildAdd(builder, low, travelled, "")!
        }
        let lowInBounds = LLVMBuildICmp(builder, LLVMIntSGE, narrowLow, constant(0), "")!
        var inBounds = LLVMBuildAnd(builder, lowInBounds, LLVMBuildICmp(builder, LLVMIntSLE, high, memorySize, ""), "")!
        if abs(stride) > (1 << 62) / maximumSteps {
            let short = LLVMBuildICmp(builder, LLVMIntULE, steps, constant((1 << 32) / abs(stride)), "fast.short")
            inBounds = LLVMBuildAnd(builder, inBounds, short, "")!
        }
        if let wide = group.wide {
            let small = LLVMBuildICmp(builder, LLVMIntULE, wide, constant(1 << 40), "")
            inBounds = LLVMBuildAnd(builder, inBounds, small, "")!
        }
        return (inBounds, (low, high))
    }

    /// When a group stays at one address (stride 0) and the loop writes memory, the copy is worth
    /// more if LLVM knows that group apart from the others: it can then keep that address's value
    /// in a register for the whole loop (LICM) instead of loading and storing it every iteration.
    /// Then the copy also requires that such a group's bytes and another group's do not overlap
    /// where one of the two is written (`mustBeApart`, a check per pair), and this returns, for
    /// each group in such a pair, the metadata its accesses in the copy carry: an alias scope of
    /// its own and the list of the scopes it was checked against. The scopes are declared in the
    /// preheader (so that LLVM gives copies of the loop, e.g. when it unrolls an outer loop, scopes
    /// of their own: the check holds for one run of the loop). Otherwise nil. Groups that both move are
    /// left to LLVM, which checks the pairs it needs apart itself (loops that work in place, like
    /// `a[i] = a[i] * s`, still get the copy).
    private func disjointGroups(
        ranges: [(low: LLVMValueRef, high: LLVMValueRef)], enter: inout LLVMValueRef
    ) -> [(scope: LLVMValueRef, apartFrom: LLVMValueRef)?]? {
        guard groups.count <= Self.maximumScopedGroups else { return nil }
        let pairs = groups.indices.flatMap { g in
            groups.indices.filter { h in h > g && mustBeApart(g, h) }.map { h in (g, h) }
        }
        guard !pairs.isEmpty else { return nil }
        for (g, h) in pairs {
            let before = LLVMBuildICmp(builder, LLVMIntSLE, ranges[g].high, ranges[h].low, "")
            let after = LLVMBuildICmp(builder, LLVMIntSLE, ranges[h].high, ranges[g].low, "")
            enter = LLVMBuildAnd(builder, enter, LLVMBuildOr(builder, before, after, ""), "")!
        }
        let llvmContext = context.llvmContext
        func string(_ text: String) -> LLVMMetadataRef { LLVMMDStringInContext2(llvmContext, text, text.utf8.count) }
        var nameLength = 0
        let functionName = String(cString: LLVMGetValueName2(versioner.function, &nameLength))
        versioner.scopeDomains += 1
        let domainName = "w2n.fast \(functionName) \(versioner.scopeDomains)"
        var domainOperands: [LLVMMetadataRef?] = [string(domainName)]
        let domain = LLVMMDNodeInContext2(llvmContext, &domainOperands, 1)!
        let apart = groups.indices.map { g in groups.indices.filter { mustBeApart(g, $0) } }
        let scopes: [LLVMMetadataRef?] = groups.indices.map { g in
            guard !apart[g].isEmpty else { return nil }
            var operands: [LLVMMetadataRef?] = [string("\(domainName) group \(g)"), domain]
            return LLVMMDNodeInContext2(llvmContext, &operands, 2)!
        }
        let declare = LLVMLookupIntrinsicID("llvm.experimental.noalias.scope.decl", 36)
        let declaration = LLVMGetIntrinsicDeclaration(context.irBuilder.module, declare, nil, 0)
        let declarationType = LLVMIntrinsicGetType(llvmContext, declare, nil, 0)
        return groups.indices.map { g in
            guard let scope = scopes[g] else { return nil }
            let scopeList = metadataList([scope])
            var arguments: [LLVMValueRef?] = [scopeList]
            LLVMBuildCall2(builder, declarationType, declaration, &arguments, 1, "")
            return (scopeList, metadataList(apart[g].map { scopes[$0]! }))
        }
    }

    /// Whether the copy requires groups g and h apart: one of them stays at one address and one
    /// of them is written.
    private func mustBeApart(_ g: Int, _ h: Int) -> Bool {
        g != h && (groups[g].variable.stride == 0 || groups[h].variable.stride == 0)
            && (groups[g].isWritten || groups[h].isWritten)
    }

    /// The pairs of groups the check compares grow with the number of groups times the number of
    /// fixed-address ones.
    static let maximumScopedGroups = 8

    private func metadataList(_ nodes: [LLVMMetadataRef]) -> LLVMValueRef {
        var operands: [LLVMMetadataRef?] = nodes
        return LLVMMetadataAsValue(context.llvmContext, LLVMMDNodeInContext2(context.llvmContext, &operands, operands.count))
    }

    /// A 64-bit constant.
    private func constant(_ value: Int64) -> LLVMValueRef {
        LLVMConstInt(context.types.i64, UInt64(bitPattern: value), 1)
    }
}
