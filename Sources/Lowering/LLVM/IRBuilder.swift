// Thin Swift helpers over the LLVM C API: types, constants, calls, intrinsics, metadata.
//
// Every value and block gets a readable name, so that `--emit-llvm` output can be read. LLVM
// failures are checked once, when the module is verified (see ModuleLowering.verify).

import CLLVM
import WasmParser

/// LLVM types used by the lowering, created once per context.
struct TypeCache {
    let context: LLVMContextRef
    let void: LLVMTypeRef
    let i1: LLVMTypeRef
    let i8: LLVMTypeRef
    let i16: LLVMTypeRef
    let i32: LLVMTypeRef
    let i64: LLVMTypeRef
    let f32: LLVMTypeRef
    let f64: LLVMTypeRef
    /// The canonical vector type for v128 values; other shapes are bitcasts of it.
    let v128: LLVMTypeRef
    let ptr: LLVMTypeRef

    init(context: LLVMContextRef) {
        self.context = context
        void = LLVMVoidTypeInContext(context)
        i1 = LLVMInt1TypeInContext(context)
        i8 = LLVMInt8TypeInContext(context)
        i16 = LLVMInt16TypeInContext(context)
        i32 = LLVMInt32TypeInContext(context)
        i64 = LLVMInt64TypeInContext(context)
        f32 = LLVMFloatTypeInContext(context)
        f64 = LLVMDoubleTypeInContext(context)
        v128 = LLVMVectorType(LLVMInt64TypeInContext(context), 2)
        ptr = LLVMPointerTypeInContext(context, 0)
    }

    /// A vector of `count` lanes of `element`.
    func vector(_ element: LLVMTypeRef, _ count: UInt32) -> LLVMTypeRef {
        LLVMVectorType(element, count)
    }

    /// The LLVM type of a wasm value type.
    func type(of valueType: ValueType) -> LLVMTypeRef {
        switch valueType {
        case .i32: return i32
        case .i64: return i64
        case .f32: return f32
        case .f64: return f64
        case .v128: return v128
        case .ref: return ptr
        }
    }

    func function(_ result: LLVMTypeRef, _ parameters: [LLVMTypeRef], variadic: Bool = false) -> LLVMTypeRef {
        var parameters: [LLVMTypeRef?] = parameters
        return parameters.withUnsafeMutableBufferPointer {
            LLVMFunctionType(result, $0.baseAddress, UInt32($0.count), variadic ? 1 : 0)
        }
    }

    func structure(_ elements: [LLVMTypeRef]) -> LLVMTypeRef {
        var elements: [LLVMTypeRef?] = elements
        return elements.withUnsafeMutableBufferPointer {
            LLVMStructTypeInContext(context, $0.baseAddress, UInt32($0.count), 0)
        }
    }
}

// MARK: - Building

/// Wraps an `LLVMBuilderRef` with the operations the lowering uses.
struct IRBuilder {
    let builder: LLVMBuilderRef
    let types: TypeCache
    let module: LLVMModuleRef
    /// The `tbaa` metadata kind and the access tag of runtime data (instance fields, tables,
    /// funcrefs), which linear-memory accesses never alias.
    var tbaaKind: UInt32 = 0
    var runtimeDataTag: LLVMValueRef?

    var context: LLVMContextRef { types.context }

    func i32(_ value: UInt32) -> LLVMValueRef { LLVMConstInt(types.i32, UInt64(value), 0) }
    func i64(_ value: UInt64) -> LLVMValueRef { LLVMConstInt(types.i64, value, 0) }
    func i1(_ value: Bool) -> LLVMValueRef { LLVMConstInt(types.i1, value ? 1 : 0, 0) }
    func f32(bits: UInt32) -> LLVMValueRef { LLVMConstBitCast(i32(bits), types.f32) }
    func f64(bits: UInt64) -> LLVMValueRef { LLVMConstBitCast(i64(bits), types.f64) }
    func null() -> LLVMValueRef { LLVMConstNull(types.ptr) }

    @discardableResult
    func call(_ function: LLVMValueRef, type: LLVMTypeRef, _ arguments: [LLVMValueRef], _ name: String = "")
        -> LLVMValueRef
    {
        var arguments: [LLVMValueRef?] = arguments
        let isVoid = LLVMGetReturnType(type) == types.void
        return arguments.withUnsafeMutableBufferPointer {
            LLVMBuildCall2(builder, type, function, $0.baseAddress, UInt32($0.count), isVoid ? "" : name)
        }
    }

    /// Calls an overloaded LLVM intrinsic such as `llvm.ctlz` with the given overload types.
    @discardableResult
    func intrinsic(_ name: String, overloads: [LLVMTypeRef], _ arguments: [LLVMValueRef], _ label: String = "")
        -> LLVMValueRef
    {
        let id = LLVMLookupIntrinsicID(name, name.utf8.count)
        var overloads: [LLVMTypeRef?] = overloads
        let (function, type) = overloads.withUnsafeMutableBufferPointer { buffer -> (LLVMValueRef, LLVMTypeRef) in
            let function = LLVMGetIntrinsicDeclaration(module, id, buffer.baseAddress, buffer.count)!
            let type = LLVMIntrinsicGetType(context, id, buffer.baseAddress, buffer.count)!
            return (function, type)
        }
        return call(function, type: type, arguments, label)
    }

    func load(_ type: LLVMTypeRef, _ pointer: LLVMValueRef, _ name: String = "", align: UInt32? = nil) -> LLVMValueRef {
        let value = LLVMBuildLoad2(builder, type, pointer, name)!
        if let align { LLVMSetAlignment(value, align) }
        return value
    }

    @discardableResult
    func store(_ value: LLVMValueRef, _ pointer: LLVMValueRef, align: UInt32? = nil) -> LLVMValueRef {
        let store = LLVMBuildStore(builder, value, pointer)!
        if let align { LLVMSetAlignment(store, align) }
        return store
    }

    /// `base + offset` bytes.
    func byteOffset(_ base: LLVMValueRef, _ offset: LLVMValueRef, _ name: String = "") -> LLVMValueRef {
        var indices: [LLVMValueRef?] = [offset]
        return indices.withUnsafeMutableBufferPointer {
            LLVMBuildGEP2(builder, types.i8, base, $0.baseAddress, 1, name)
        }
    }

    /// `base + offset` bytes, with a constant offset.
    func byteOffset(_ base: LLVMValueRef, _ offset: Int, _ name: String = "") -> LLVMValueRef {
        offset == 0 ? base : byteOffset(base, i64(UInt64(bitPattern: Int64(offset))), name)
    }

    /// The `w2n_memory` of memory `index` of `instance`, fixed for the instance; the pointers are
    /// marked dereferenceable so that LLVM may read through them on paths that did not before.
    func memoryDescriptor(_ instance: LLVMValueRef, index: Int = 0) -> LLVMValueRef {
        let memories = loadPointer(instance, offset: RuntimeABI.InstanceOffset.memories, "memories", invariant: true)
        markDereferenceable(memories, bytes: 8 * (index + 1))
        let descriptor = loadPointer(memories, offset: 8 * index, "memory\(index).descriptor", invariant: true)
        markDereferenceable(descriptor, bytes: RuntimeABI.memoryDescriptorSize)
        return descriptor
    }

    /// The current byte size of the memory of `descriptor` (see `memoryDescriptor`): runtime data,
    /// which `memory.grow` changes and no linear-memory store does. With `minimumBytes` (the
    /// memory's minimum size: memories never shrink) the load says its range, at least that and at
    /// most 2^32 (65536 pages), so that LLVM's value ranges may decide comparisons with it.
    func memorySize(descriptor: LLVMValueRef, minimumBytes: UInt64 = 0) -> LLVMValueRef {
        let size = load(types.i64, byteOffset(descriptor, RuntimeABI.MemoryOffset.sizeBytes), "memory0.size", align: 8)
        if let runtimeDataTag { LLVMSetMetadata(size, tbaaKind, runtimeDataTag) }
        if minimumBytes > 0 {
            let bounds = [minimumBytes, (1 << 32) + 1].map { LLVMValueAsMetadata(LLVMConstInt(types.i64, $0, 0)) }
            setMetadata(size, "range", bounds)
        }
        return size
    }

    /// Loads a pointer-sized field at `offset` of a struct at `base`.
    func loadPointer(_ base: LLVMValueRef, offset: Int, _ name: String, invariant: Bool = false) -> LLVMValueRef {
        let value = load(types.ptr, byteOffset(base, offset), name, align: 8)
        if invariant { markInvariant(value) }
        if let runtimeDataTag { LLVMSetMetadata(value, tbaaKind, runtimeDataTag) }
        return value
    }

    /// Marks a load of a pointer as giving a pointer to `bytes` readable bytes, 8-byte aligned
    /// (what a runtime structure's pointer field holds), so that LLVM may load through it
    /// speculatively.
    func markDereferenceable(_ load: LLVMValueRef, bytes: Int) {
        setMetadata(load, "dereferenceable", [LLVMValueAsMetadata(i64(UInt64(bytes)))])
        setMetadata(load, "align", [LLVMValueAsMetadata(i64(8))])
        setMetadata(load, "nonnull", [])
    }

    /// Marks a load as reading memory that does not change while the function runs.
    func markInvariant(_ load: LLVMValueRef) {
        setMetadata(load, "invariant.load", [])
    }

    /// Attaches `!kind !{operands}` to an instruction.
    func setMetadata(_ instruction: LLVMValueRef, _ kind: String, _ operands: [LLVMMetadataRef?]) {
        var operands = operands
        let node = operands.withUnsafeMutableBufferPointer { LLVMMDNodeInContext2(context, $0.baseAddress, $0.count) }
        LLVMSetMetadata(instruction, LLVMGetMDKindIDInContext(context, kind, UInt32(kind.utf8.count)), LLVMMetadataAsValue(context, node))
    }

    func branch(to block: LLVMBasicBlockRef) {
        LLVMBuildBr(builder, block)
    }

    func conditionalBranch(_ condition: LLVMValueRef, _ then: LLVMBasicBlockRef, _ otherwise: LLVMBasicBlockRef) {
        LLVMBuildCondBr(builder, condition, then, otherwise)
    }

    func position(at block: LLVMBasicBlockRef) {
        LLVMPositionBuilderAtEnd(builder, block)
    }

    var currentBlock: LLVMBasicBlockRef { LLVMGetInsertBlock(builder) }

    func phi(_ type: LLVMTypeRef, _ name: String) -> LLVMValueRef {
        LLVMBuildPhi(builder, type, name)
    }

    func addIncoming(_ phi: LLVMValueRef, _ value: LLVMValueRef, from block: LLVMBasicBlockRef) {
        var values: [LLVMValueRef?] = [value]
        var blocks: [LLVMBasicBlockRef?] = [block]
        values.withUnsafeMutableBufferPointer { v in
            blocks.withUnsafeMutableBufferPointer { b in
                LLVMAddIncoming(phi, v.baseAddress, b.baseAddress, 1)
            }
        }
    }

    func icmp(_ predicate: LLVMIntPredicate, _ lhs: LLVMValueRef, _ rhs: LLVMValueRef, _ name: String = "") -> LLVMValueRef {
        LLVMBuildICmp(builder, predicate, lhs, rhs, name)
    }

    func fcmp(_ predicate: LLVMRealPredicate, _ lhs: LLVMValueRef, _ rhs: LLVMValueRef, _ name: String = "") -> LLVMValueRef {
        LLVMBuildFCmp(builder, predicate, lhs, rhs, name)
    }

    func zext(_ value: LLVMValueRef, _ type: LLVMTypeRef, _ name: String = "") -> LLVMValueRef {
        LLVMBuildZExt(builder, value, type, name)
    }

    func sext(_ value: LLVMValueRef, _ type: LLVMTypeRef, _ name: String = "") -> LLVMValueRef {
        LLVMBuildSExt(builder, value, type, name)
    }

    func trunc(_ value: LLVMValueRef, _ type: LLVMTypeRef, _ name: String = "") -> LLVMValueRef {
        LLVMBuildTrunc(builder, value, type, name)
    }

    /// `value` reinterpreted as `type`. A constant vector is reinterpreted here, lane by lane:
    /// LLVM 19 leaves a bitcast between vector types with different lane counts (a v128.const's
    /// <2 x i64> as <4 x i32>) as a constant expression, which instsimplify does not fold, and
    /// x86's instruction selection at -O0, which sees it unfolded, looped forever on a chain of
    /// SIMD operations on such constants (difftest seed 1012953 at -O0).
    func bitcast(_ value: LLVMValueRef, _ type: LLVMTypeRef, _ name: String = "") -> LLVMValueRef {
        if LLVMTypeOf(value) == type { return value }
        if let bytes = constantVectorBytes(value), let folded = vectorConstant(bytes, type) { return folded }
        return LLVMBuildBitCast(builder, value, type, name)
    }

    /// The bytes of a lane of `laneType` and the integer type of that width (the lane itself for
    /// integers), or nil for other lanes.
    private func laneLayout(_ laneType: LLVMTypeRef) -> (bytes: Int, integer: LLVMTypeRef)? {
        switch LLVMGetTypeKind(laneType) {
        case LLVMIntegerTypeKind:
            let width = LLVMGetIntTypeWidth(laneType)
            return width % 8 == 0 && width <= 64 ? (Int(width / 8), laneType) : nil
        case LLVMFloatTypeKind: return (4, types.i32)
        case LLVMDoubleTypeKind: return (8, types.i64)
        default: return nil
        }
    }

    /// The bytes (little-endian lanes) of a constant vector of integers or floats, or nil for
    /// anything else (poison or undefined lanes, constant expressions).
    private func constantVectorBytes(_ value: LLVMValueRef) -> [UInt8]? {
        let type = LLVMTypeOf(value)!
        guard LLVMIsAConstant(value) != nil, LLVMIsAConstantExpr(value) == nil, LLVMGetTypeKind(type) == LLVMVectorTypeKind,
            let layout = laneLayout(LLVMGetElementType(type))
        else { return nil }
        var bytes: [UInt8] = []
        for index in 0..<LLVMGetVectorSize(type) {
            guard var lane = LLVMGetAggregateElement(value, index) else { return nil }
            if LLVMIsAConstantFP(lane) != nil { lane = LLVMConstBitCast(lane, layout.integer) }
            guard LLVMIsAConstantInt(lane) != nil else { return nil }
            let bits = LLVMConstIntGetZExtValue(lane)
            bytes += (0..<layout.bytes).map { UInt8(truncatingIfNeeded: bits >> (8 * UInt64($0))) }
        }
        return bytes
    }

    /// A constant vector of `type` (integer or float lanes) with these bytes, or nil.
    private func vectorConstant(_ bytes: [UInt8], _ type: LLVMTypeRef) -> LLVMValueRef? {
        guard LLVMGetTypeKind(type) == LLVMVectorTypeKind, let layout = laneLayout(LLVMGetElementType(type)),
            bytes.count == layout.bytes * Int(LLVMGetVectorSize(type))
        else { return nil }
        let laneType = LLVMGetElementType(type)!
        var lanes: [LLVMValueRef?] = []
        for start in stride(from: 0, to: bytes.count, by: layout.bytes) {
            let bits = (0..<layout.bytes).reduce(UInt64(0)) { $0 | UInt64(bytes[start + $1]) << (8 * UInt64($1)) }
            var lane = LLVMConstInt(layout.integer, bits, 0)!
            if layout.integer != laneType { lane = LLVMConstBitCast(lane, laneType) }
            // A lane LLVM did not fold to a plain constant would bring the expression back.
            guard LLVMIsAConstantExpr(lane) == nil else { return nil }
            lanes.append(lane)
        }
        return lanes.withUnsafeMutableBufferPointer { LLVMConstVector($0.baseAddress, UInt32($0.count)) }
    }

    func select(_ condition: LLVMValueRef, _ then: LLVMValueRef, _ otherwise: LLVMValueRef, _ name: String = "")
        -> LLVMValueRef
    {
        LLVMBuildSelect(builder, condition, then, otherwise, name)
    }
}

// MARK: - Functions

extension LLVMValueRef {
    /// Adds an enum attribute such as `noreturn` or `cold` to a function.
    func addFunctionAttribute(_ name: String, context: LLVMContextRef) {
        let kind = LLVMGetEnumAttributeKindForName(name, name.utf8.count)
        LLVMAddAttributeAtIndex(self, UInt32.max /* LLVMAttributeFunctionIndex */, LLVMCreateEnumAttribute(context, kind, 0))
    }
}

/// Returns LLVM's message and frees it.
func takeLLVMMessage(_ message: UnsafeMutablePointer<CChar>?) -> String {
    guard let message else { return "" }
    defer { LLVMDisposeMessage(message) }
    return String(cString: message)
}
