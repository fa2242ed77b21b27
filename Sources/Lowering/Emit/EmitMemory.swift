// Memory instructions, bulk memory, tables and references.
//
// SAFETY: linear memory is accessed without bounds checks. A 32-bit memory reserves
// W2N_MEMORY_RESERVATION (8 GiB) of address space at `memory0` (see w2n_runtime.h); an effective
// address is a zero-extended 32-bit index plus a memarg offset below 2^32 plus at most 16 bytes,
// so every access lands inside the reservation, and pages beyond the memory's size are
// inaccessible: a fault there becomes "out of bounds memory access" in the runtime's handler.
// Every load and store goes through `effectiveAddress`.
// Accesses that may fault get trap points after lowering (TrapPoints.swift).

import CLLVM
import WasmParser

extension FunctionLowering {
    /// The native address of an access at `index` + `memarg.offset` in memory 0.
    func effectiveAddress(_ index: LLVMValueRef, _ memarg: MemArg) -> LLVMValueRef {
        let offset = LLVMBuildAdd(builder.builder, builder.zext(index, types.i64), builder.i64(memarg.offset), "address")!
        return builder.byteOffset(memoryBase!, offset, "effective")
    }

    /// Tags a linear-memory access so that alias analysis keeps it apart from instance data.
    func tagLinearMemoryAccess(_ instruction: LLVMValueRef) {
        LLVMSetMetadata(instruction, moduleLowering.tbaaKind, moduleLowering.linearMemoryTBAA)
    }

    mutating func visitLoad(_ instruction: Instruction.Load, memarg: MemArg) throws(WasmParserError) {
        guard isReachable else { return }
        let address = effectiveAddress(pop(), memarg)
        let name = instruction.name
        func load(_ type: LLVMTypeRef) -> LLVMValueRef {
            let value = builder.load(type, address, name, align: 1)
            tagLinearMemoryAccess(value)
            return value
        }
        let result: LLVMValueRef
        switch instruction {
        case .i32Load: result = load(types.i32)
        case .i64Load: result = load(types.i64)
        case .f32Load: result = load(types.f32)
        case .f64Load: result = load(types.f64)
        case .i32Load8S: result = builder.sext(load(types.i8), types.i32)
        case .i32Load8U: result = builder.zext(load(types.i8), types.i32)
        case .i32Load16S: result = builder.sext(load(types.i16), types.i32)
        case .i32Load16U: result = builder.zext(load(types.i16), types.i32)
        case .i64Load8S: result = builder.sext(load(types.i8), types.i64)
        case .i64Load8U: result = builder.zext(load(types.i8), types.i64)
        case .i64Load16S: result = builder.sext(load(types.i16), types.i64)
        case .i64Load16U: result = builder.zext(load(types.i16), types.i64)
        case .i64Load32S: result = builder.sext(load(types.i32), types.i64)
        case .i64Load32U: result = builder.zext(load(types.i32), types.i64)
        case .v128Load: result = load(types.v128)
        default:
            // The extending, splatting and zero-filling v128 loads (EmitSIMD.swift).
            guard let vector = emitSIMDLoad(instruction, address) else {
                throw fail(.internalError("no lowering for \(name)"))
            }
            result = vector
        }
        push(result)
    }

    mutating func visitStore(_ instruction: Instruction.Store, memarg: MemArg) throws(WasmParserError) {
        guard isReachable else { return }
        let value = pop()
        let address = effectiveAddress(pop(), memarg)
        let stored: LLVMValueRef
        switch instruction {
        case .i32Store, .i64Store, .f32Store, .f64Store, .v128Store: stored = value
        case .i32Store8, .i64Store8: stored = builder.trunc(value, types.i8)
        case .i32Store16, .i64Store16: stored = builder.trunc(value, types.i16)
        case .i64Store32: stored = builder.trunc(value, types.i32)
        }
        tagLinearMemoryAccess(builder.store(stored, address, align: 1))
    }

    mutating func visitMemorySize(memory: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let descriptor = memory == 0 ? memoryDescriptor! : builder.memoryDescriptor(instance, index: Int(memory))
        let pages = builder.load(types.i32, builder.byteOffset(descriptor, RuntimeABI.MemoryOffset.pages), "memory.size", align: 4)
        // Between the declared limits (memories never shrink; an imported one's maximum is at
        // most the one declared here), at most 65536 pages.
        let limits = moduleLowering.module.memoryTypes[Int(memory)].limits
        let bounds = [limits.min, min(limits.max ?? 65536, 65536) + 1]
        builder.setMetadata(pages, "range", bounds.map { LLVMValueAsMetadata(LLVMConstInt(types.i32, $0, 0)) })
        push(pages)
    }

    mutating func visitMemoryGrow(memory: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let delta = pop()
        push(moduleLowering.callBuiltin("w2n_memory_grow", builder: builder, [instance, builder.i32(memory), delta], "memory.grow"))
    }

    mutating func visitMemoryInit(dataIndex: UInt32, memory: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let (destination, source, count) = popThree()
        moduleLowering.callBuiltin(
            "w2n_memory_init", builder: builder,
            [instance, builder.i32(memory), builder.i32(dataIndex), destination, source, count])
    }

    mutating func visitDataDrop(dataIndex: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        moduleLowering.callBuiltin("w2n_data_drop", builder: builder, [instance, builder.i32(dataIndex)])
    }

    mutating func visitMemoryCopy(destinationMemory: UInt32, sourceMemory: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let (destination, source, count) = popThree()
        guard destinationMemory == 0, sourceMemory == 0 else {
            moduleLowering.callBuiltin(
                "w2n_memory_copy", builder: builder,
                [instance, builder.i32(destinationMemory), builder.i32(sourceMemory), destination, source, count])
            return
        }
        // Inline: both ranges checked first (nothing is written when either is out of bounds),
        // then llvm.memmove, which LLVM expands for small constant counts.
        let length = builder.zext(count, types.i64)
        let size = builder.memorySize(descriptor: memoryDescriptor!, minimumBytes: moduleLowering.minimumMemoryBytes)
        trapUnlessInBounds(destination, length, size)
        trapUnlessInBounds(source, length, size)
        let call = LLVMBuildMemMove(builder.builder, memoryAddress(destination), 1, memoryAddress(source), 1, length)!
        tagLinearMemoryAccess(call)
    }

    mutating func visitMemoryFill(memory: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let (destination, value, count) = popThree()
        guard memory == 0 else {
            moduleLowering.callBuiltin(
                "w2n_memory_fill", builder: builder, [instance, builder.i32(memory), destination, value, count])
            return
        }
        let length = builder.zext(count, types.i64)
        let size = builder.memorySize(descriptor: memoryDescriptor!, minimumBytes: moduleLowering.minimumMemoryBytes)
        trapUnlessInBounds(destination, length, size)
        let call = LLVMBuildMemSet(builder.builder, memoryAddress(destination), builder.trunc(value, types.i8), length, 1)!
        tagLinearMemoryAccess(call)
    }

    /// The native address of byte `index` of memory 0.
    func memoryAddress(_ index: LLVMValueRef) -> LLVMValueRef {
        builder.byteOffset(memoryBase!, builder.zext(index, types.i64), "effective")
    }

    /// Traps ("out of bounds memory access") unless bytes [index, index + length) lie in memory 0
    /// of `size` bytes.
    mutating func trapUnlessInBounds(_ index: LLVMValueRef, _ length: LLVMValueRef, _ size: LLVMValueRef) {
        let end = LLVMBuildAdd(builder.builder, builder.zext(index, types.i64), length, "end")!
        trap(if: LLVMBuildICmp(builder.builder, LLVMIntUGT, end, size, "out.of.bounds")!, .outOfBoundsMemory)
    }

    mutating func popThree() -> (LLVMValueRef, LLVMValueRef, LLVMValueRef) {
        let third = pop()
        let second = pop()
        let first = pop()
        return (first, second, third)
    }

    // MARK: - Tables

    mutating func visitTableGet(table: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let index = pop()
        push(moduleLowering.callBuiltin("w2n_table_get", builder: builder, [instance, builder.i32(table), index], "table.get"))
    }

    mutating func visitTableSet(table: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let value = pop()
        let index = pop()
        moduleLowering.callBuiltin("w2n_table_set", builder: builder, [instance, builder.i32(table), index, value])
    }

    mutating func visitTableInit(elementIndex: UInt32, table: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let (destination, source, count) = popThree()
        moduleLowering.callBuiltin(
            "w2n_table_init", builder: builder,
            [instance, builder.i32(table), builder.i32(elementIndex), destination, source, count])
    }

    mutating func visitElemDrop(elementIndex: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        moduleLowering.callBuiltin("w2n_elem_drop", builder: builder, [instance, builder.i32(elementIndex)])
    }

    mutating func visitTableCopy(destinationTable: UInt32, sourceTable: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let (destination, source, count) = popThree()
        moduleLowering.callBuiltin(
            "w2n_table_copy", builder: builder,
            [instance, builder.i32(destinationTable), builder.i32(sourceTable), destination, source, count])
    }

    mutating func visitTableGrow(table: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let delta = pop()
        let initial = pop()
        push(moduleLowering.callBuiltin("w2n_table_grow", builder: builder, [instance, builder.i32(table), initial, delta], "table.grow"))
    }

    mutating func visitTableSize(table: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        push(moduleLowering.callBuiltin("w2n_table_size", builder: builder, [instance, builder.i32(table)], "table.size"))
    }

    mutating func visitTableFill(table: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let (destination, value, count) = popThree()
        moduleLowering.callBuiltin("w2n_table_fill", builder: builder, [instance, builder.i32(table), destination, value, count])
    }

    // MARK: - References

    mutating func visitRefNull(type: HeapType) throws(WasmParserError) {
        guard isReachable else { return }
        push(builder.null())
    }

    mutating func visitRefIsNull() throws(WasmParserError) {
        guard isReachable else { return }
        push(builder.zext(LLVMBuildIsNull(builder.builder, pop(), "ref.is_null")!, types.i32))
    }

    mutating func visitRefFunc(functionIndex: UInt32) throws(WasmParserError) {
        guard isReachable else { return }
        let functions = builder.loadPointer(instance, offset: RuntimeABI.InstanceOffset.functions, "functions", invariant: true)
        push(builder.loadPointer(functions, offset: 8 * Int(functionIndex), "ref.func\(functionIndex)", invariant: true))
    }
}
