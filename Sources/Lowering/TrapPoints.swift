// Trap points: exact traps for linear-memory accesses found out of bounds by guard pages.
//
// LLVM does not know that an access may fault: it deletes loads whose value is unused, and it may
// move a store past a later load or a load above an earlier store (keeping a global in a register
// across a loop, hoisting a loop-invariant load), so an out-of-bounds access would not trap, or
// would trap with earlier effects missing or later ones done. After a function is lowered,
// `placeTrapPoints` therefore brackets its accesses that may fault with trap points: empty
// inline-assembly statements that LLVM must keep, that may read any memory (so no store moves
// past one) and may not return (so no access moves above one, and nothing after one moves
// before it). Within a basic block:
//
// - before the first access that may fault after the block's start or after any other effect (a
//   store, a call), a trap point with no operands;
// - loads that may fault, with no effect between them, only need one trap point after them, which
//   takes their values in registers (so every load happens); they may be reordered among
//   themselves, which is harmless: whichever faults first, nothing else has happened. At most
//   `maximumKeptLoads` share one, to bound the registers they hold;
// - a store that may fault gets one before (which also closes the loads before it) and one after;
// - any other effect (a store that cannot fault, such as `global.set`; a call, which LLVM may
//   inline; the block's terminator) closes the pending loads first.
//
// An access at a constant address below the memory's minimum size cannot fault (memories never
// shrink) and gets none. The cost is that of the lost freedom: loads are not folded into
// arithmetic, accesses are not vectorized and not hoisted out of loops (bench/compute).

import CLLVM

extension ModuleLowering {
    /// How many loads one trap point keeps at most.
    static let maximumKeptLoads = 4

    /// Brackets the accesses of `function` that may fault with trap points (see above).
    func placeTrapPoints(in function: LLVMValueRef) {
        let minimumMemoryBytes = self.minimumMemoryBytes
        let placer = builderRef
        var block = LLVMGetFirstBasicBlock(function)
        while let current = block {
            var needsLeadingPoint = true
            var pendingLoads: [LLVMValueRef] = []
            func emit(before instruction: LLVMValueRef, keeping values: [LLVMValueRef]) {
                LLVMPositionBuilderBefore(placer, instruction)
                emitTrapPoint(keeping: values, builder: placer)
            }
            var instruction = LLVMGetFirstInstruction(current)
            while let this = instruction {
                let next = LLVMGetNextInstruction(this)
                switch accessKind(this, minimumMemoryBytes: minimumMemoryBytes) {
                case .faultingLoad:
                    if needsLeadingPoint {
                        emit(before: this, keeping: [])
                        needsLeadingPoint = false
                    }
                    pendingLoads.append(this)
                    if pendingLoads.count == Self.maximumKeptLoads, let next {
                        emit(before: next, keeping: pendingLoads)
                        pendingLoads = []
                    }
                case .faultingStore:
                    if needsLeadingPoint || !pendingLoads.isEmpty { emit(before: this, keeping: pendingLoads) }
                    pendingLoads = []
                    if let next { emit(before: next, keeping: []) }
                    needsLeadingPoint = false
                case .otherEffect:
                    if !pendingLoads.isEmpty { emit(before: this, keeping: pendingLoads) }
                    pendingLoads = []
                    needsLeadingPoint = true
                case .none:
                    break
                }
                instruction = next
            }
            block = LLVMGetNextBasicBlock(current)
        }
    }

    private enum AccessKind {
        case faultingLoad, faultingStore, otherEffect, none
    }

    private func accessKind(_ instruction: LLVMValueRef, minimumMemoryBytes: UInt64) -> AccessKind {
        if LLVMIsALoadInst(instruction) != nil {
            return isLinearMemoryAccess(instruction) && mayFault(instruction, pointerOperand: 0, minimumMemoryBytes)
                ? .faultingLoad : .none
        }
        if LLVMIsAStoreInst(instruction) != nil {
            // Locals live in allocas until mem2reg: not an effect.
            if LLVMIsAAllocaInst(LLVMGetOperand(instruction, 1)) != nil { return .none }
            return isLinearMemoryAccess(instruction) && mayFault(instruction, pointerOperand: 1, minimumMemoryBytes)
                ? .faultingStore : .otherEffect
        }
        if LLVMIsACallInst(instruction) != nil {
            // Intrinsics (llvm.fshl, llvm.minimum, ...) are pure operations here, except
            // llvm.memmove and llvm.memset (memory.copy and memory.fill, checked before: they do
            // not fault, but they store).
            let callee = LLVMGetCalledValue(instruction)!
            guard LLVMIsAFunction(callee) != nil, LLVMGetIntrinsicID(callee) != 0 else { return .otherEffect }
            var length = 0
            let name = String(cString: LLVMGetValueName2(callee, &length))
            return name.hasPrefix("llvm.mem") ? .otherEffect : .none
        }
        return LLVMIsATerminatorInst(instruction) != nil ? .otherEffect : .none
    }

    private func isLinearMemoryAccess(_ instruction: LLVMValueRef) -> Bool {
        LLVMGetMetadata(instruction, tbaaKind) == linearMemoryTBAA
    }

    /// False only for an access at a constant offset from the memory base whose end lies within
    /// the memory's minimum size.
    private func mayFault(_ instruction: LLVMValueRef, pointerOperand: UInt32, _ minimumMemoryBytes: UInt64) -> Bool {
        let address = LLVMGetOperand(instruction, pointerOperand)!
        guard LLVMIsAGetElementPtrInst(address) != nil, LLVMGetNumOperands(address) == 2,
            let offset = LLVMGetOperand(address, 1), LLVMIsAConstantInt(offset) != nil
        else { return true }
        let type = pointerOperand == 0 ? LLVMTypeOf(instruction)! : LLVMTypeOf(LLVMGetOperand(instruction, 0))!
        return LLVMConstIntGetZExtValue(offset) + byteSize(of: type) > minimumMemoryBytes
    }

    /// The size in bytes of a scalar or vector type that linear memory holds.
    private func byteSize(of type: LLVMTypeRef) -> UInt64 {
        switch LLVMGetTypeKind(type) {
        case LLVMIntegerTypeKind: return UInt64(LLVMGetIntTypeWidth(type) / 8)
        case LLVMFloatTypeKind: return 4
        case LLVMDoubleTypeKind: return 8
        case LLVMVectorTypeKind: return UInt64(LLVMGetVectorSize(type)) * byteSize(of: LLVMGetElementType(type))
        default: return 16
        }
    }

    /// Emits a trap point at the builder's position, keeping `values` (loads' results) alive in
    /// registers: an empty inline-assembly statement with side effects, `memory(read)` (unless
    /// `trapPointsOnlyRead` is off), not `willreturn`.
    func emitTrapPoint(keeping values: [LLVMValueRef], builder: LLVMBuilderRef) {
        // A 64-bit vector (of an extending v128 load) goes as an integer: not every target has
        // vector registers of that size.
        let values = values.map { value -> LLVMValueRef in
            let type = LLVMTypeOf(value)!
            guard LLVMGetTypeKind(type) == LLVMVectorTypeKind, byteSize(of: type) != 16 else { return value }
            return LLVMBuildBitCast(builder, value, LLVMIntTypeInContext(context, UInt32(8 * byteSize(of: type))), "")!
        }
        let (assembly, functionType) = trapPointAssembly(for: values.map { LLVMTypeOf($0)! })
        var arguments: [LLVMValueRef?] = values
        let call = arguments.withUnsafeMutableBufferPointer {
            LLVMBuildCall2(builder, functionType, assembly, $0.baseAddress, UInt32($0.count), "")!
        }
        let attributes = [("nounwind", 0)] + (options.trapPointsOnlyRead ? [("memory", Self.memoryReadEffects)] : [])
        for (name, argument) in attributes {
            let kind = LLVMGetEnumAttributeKindForName(name, name.utf8.count)
            LLVMAddCallSiteAttribute(call, UInt32.max /* function */, LLVMCreateEnumAttribute(context, kind, UInt64(argument)))
        }
    }

    /// LLVM's `memory(read)`: MemoryEffects with "ref" (1) for each of its three locations.
    private static let memoryReadEffects = 0b01_01_01

    /// The empty inline assembly of a trap point keeping values of `valueTypes` in registers.
    private func trapPointAssembly(for valueTypes: [LLVMTypeRef]) -> (LLVMValueRef, LLVMTypeRef) {
        let key = valueTypes.map(Optional.some)
        if let cached = trapPointAssemblies[key] { return cached }
        let floatRegister = options.architecture == .aarch64 ? "w" : "x"
        let constraints = valueTypes.map { LLVMGetTypeKind($0) == LLVMIntegerTypeKind ? "r" : floatRegister }
            .joined(separator: ",")
        var parameters = key
        let functionType = parameters.withUnsafeMutableBufferPointer {
            LLVMFunctionType(types.void, $0.baseAddress, UInt32($0.count), 0)!
        }
        let assembly = LLVMGetInlineAsm(
            functionType, "", 0, constraints, constraints.utf8.count, /* side effects */ 1, /* align stack */ 0,
            LLVMInlineAsmDialectATT, /* can throw */ 0)!
        trapPointAssemblies[key] = (assembly, functionType)
        return (assembly, functionType)
    }
}
