// Lowers a validated module to one LLVM module: a native function per wasm function, the
// `initialize` and `invoke` entry points, and the `w2n_module` descriptor that RuntimeSupport
// instantiates (see w2n_runtime.h).

import CLLVM
import WasmParser

/// Options of the lowering.
public struct LoweringOptions: Sendable {
    /// The symbol of the module descriptor (`w2n_main_module` for executables).
    public var descriptorSymbol = "w2n_main_module"
    /// Emit `w2n_main_config_data` with these grants, for executables.
    public var executableConfig: ExecutableConfig?
    /// Whether imports other than WASI are allowed (resolved at instantiation by a host).
    public var allowHostImports = false
    /// Whether function imports that are not WASI become functions that trap when called
    /// ("unresolved import called") instead of an error.
    public var trapUnresolvedImports = false
    /// The architecture the module is compiled for (the register classes of trap points).
    public var architecture: Architecture = .x86_64
    /// Whether trap points say that they only read memory (`memory(read)`, TrapPoints.swift),
    /// which leaves LLVM's optimisations free to move loads between them. Off for unoptimised
    /// code: x86's instruction selector at -O0 (FastISel) drops a call to inline assembly that
    /// writes no memory and whose result is unused, `sideeffect` or not, and with it the loads
    /// whose values the trap point keeps (an out-of-bounds load whose value is unused then did not
    /// trap: the spec suite at -O0 had 43 failures).
    public var trapPointsOnlyRead = true

    public init() {}
}

/// The instruction set lowered code runs on; it matters only where IR is target-specific.
public enum Architecture: Sendable {
    case x86_64
    case aarch64
}

/// Capabilities granted to an executable at compile time (`w2n_main_config` in w2n_runtime.h).
public struct ExecutableConfig: Sendable {
    /// "HOST" or "HOST::GUEST" directory grants, optionally followed by ":ro" (read-only).
    public var directories: [String] = []
    /// "NAME=VALUE", or "NAME" to pass the host's value.
    public var environment: [String] = []
    /// Whether the whole host environment is visible to the guest.
    public var inheritEnvironment = false
    /// Whether the guest may create sockets and resolve names (WasmEdge's socket extension).
    public var allowNetwork = false
    /// Whether the deployment's W2N_DIRS, W2N_ENV, W2N_INHERIT_ENV and W2N_NET are ignored.
    public var lockGrants = false

    public init(
        directories: [String] = [], environment: [String] = [], inheritEnvironment: Bool = false,
        allowNetwork: Bool = false, lockGrants: Bool = false
    ) {
        self.directories = directories
        self.environment = environment
        self.inheritEnvironment = inheritEnvironment
        self.allowNetwork = allowNetwork
        self.lockGrants = lockGrants
    }
}

/// An LLVM module with the context that owns it; both are disposed together.
public final class LoweredModule {
    /// The module.
    public let module: LLVMModuleRef
    /// Its context.
    public let context: LLVMContextRef
    /// The TBAA tags of linear-memory accesses and of runtime data (LoopVersioning tells them apart).
    let linearMemoryTag: LLVMValueRef?
    let runtimeDataTag: LLVMValueRef?
    /// Memory 0's minimum size in bytes (0 without a memory): its size is never less.
    let minimumMemoryBytes: UInt64

    init(
        module: LLVMModuleRef, context: LLVMContextRef, linearMemoryTag: LLVMValueRef?, runtimeDataTag: LLVMValueRef?,
        minimumMemoryBytes: UInt64
    ) {
        self.module = module
        self.context = context
        self.linearMemoryTag = linearMemoryTag
        self.runtimeDataTag = runtimeDataTag
        self.minimumMemoryBytes = minimumMemoryBytes
    }

    deinit {
        LLVMDisposeModule(module)
        LLVMContextDispose(context)
    }
}

/// The module name of WASI preview 1 imports, which become direct calls into RuntimeSupport.
let wasiModuleName = "wasi_snapshot_preview1"

/// WASI import names that RuntimeSupport implements once per function type (WasmEdge's V1 and V2
/// socket functions; `w2n_wasi_lookup` picks by name and type at instantiation). Imports of these
/// names are called through their funcref, never directly by symbol.
let wasiImportsOverloadedByType: Set<String> = ["sock_accept", "sock_recv_from", "sock_getlocaladdr", "sock_getpeeraddr"]

/// Lowers one module. Owns the LLVM context and module until `takeModule()`.
public final class ModuleLowering {
    public let module: Module
    let options: LoweringOptions
    public let context: LLVMContextRef
    public private(set) var llvmModule: LLVMModuleRef?
    let types: TypeCache
    let builderRef: LLVMBuilderRef
    private(set) var builder: IRBuilder
    /// Native functions by function index; imports that are called directly (WASI) too.
    private(set) var functionValues: [LLVMValueRef?] = []
    private var builtinDeclarations: [String: (LLVMValueRef, LLVMTypeRef)] = [:]
    /// The inline assembly of trap points by the types of the values they keep (TrapPoints.swift).
    var trapPointAssemblies: [[LLVMTypeRef?]: (LLVMValueRef, LLVMTypeRef)] = [:]
    let tbaaKind: UInt32
    /// Access tags: linear memory, runtime data (instance, tables, funcrefs), global cells.
    private(set) var linearMemoryTBAA: LLVMValueRef!
    private(set) var globalTBAA: LLVMValueRef!

    public init(module: Module, options: LoweringOptions = LoweringOptions()) {
        self.module = module
        self.options = options
        context = LLVMContextCreate()
        let llvmModule = LLVMModuleCreateWithNameInContext(module.names.moduleName ?? "wasm", context)!
        self.llvmModule = llvmModule
        types = TypeCache(context: context)
        builderRef = LLVMCreateBuilderInContext(context)
        builder = IRBuilder(builder: builderRef, types: types, module: llvmModule)
        tbaaKind = LLVMGetMDKindIDInContext(context, "tbaa", 4)
        let tags = makeTBAATags()
        linearMemoryTBAA = tags.linearMemory
        globalTBAA = tags.global
        builder.tbaaKind = tbaaKind
        builder.runtimeDataTag = tags.runtimeData
    }

    deinit {
        LLVMDisposeBuilder(builderRef)
        if let llvmModule {
            LLVMDisposeModule(llvmModule)
            LLVMContextDispose(context)
        }
    }

    /// Memory 0's minimum size in bytes (0 without a memory): memories never shrink, so accesses
    /// below it cannot fault (TrapPoints) and its size is never less (LoopVersioning's checks).
    var minimumMemoryBytes: UInt64 { module.memoryTypes.first.map { $0.limits.min * 65536 } ?? 0 }

    /// Hands the LLVM module and its context over.
    public func takeModule() -> LoweredModule {
        let result = LoweredModule(
            module: llvmModule!, context: context, linearMemoryTag: linearMemoryTBAA, runtimeDataTag: builder.runtimeDataTag,
            minimumMemoryBytes: minimumMemoryBytes)
        llvmModule = nil
        return result
    }

    // MARK: - Lowering

    /// Lowers the whole module.
    public func lower() throws(LoweringError) {
        try checkImports()
        declareFunctions()
        for i in 0..<module.functionBodies.count {
            let functionIndex = UInt32(module.importedFunctionCount + i)
            let function = functionValues[Int(functionIndex)]!
            var lowering = FunctionLowering(
                moduleLowering: self, builder: builder, function: function, functionIndex: functionIndex,
                type: module.typeOfFunction(functionIndex)!)
            try lowering.lower(body: module.functionBodies[i], definedIndex: i)
            placeTrapPoints(in: function)
        }
        let initialize = emitInitialize()
        let invoke = emitInvoke()
        emitDescriptor(initialize: initialize, invoke: invoke)
        if let config = options.executableConfig { emitExecutableConfig(config) }
        try verify()
    }

    /// Verifies the LLVM module; a failure is a compiler bug.
    func verify() throws(LoweringError) {
        var message: UnsafeMutablePointer<CChar>?
        if LLVMVerifyModule(llvmModule, LLVMReturnStatusAction, &message) != 0 {
            throw .internalError("LLVM rejected the generated IR: " + takeLLVMMessage(message).prefix(2000))
        }
        _ = takeLLVMMessage(message)
    }

    /// Whether a function import becomes a trapping stub (see `trapUnresolvedImports`).
    func isStubbed(_ entry: Import) -> Bool {
        guard case .function = entry.descriptor else { return false }
        return entry.module != wasiModuleName && !options.allowHostImports && options.trapUnresolvedImports
    }

    /// Refuses imports no one will provide.
    func checkImports() throws(LoweringError) {
        guard !options.allowHostImports else { return }
        let unresolved = module.imports.filter { entry in
            if case .function = entry.descriptor, entry.module == wasiModuleName || isStubbed(entry) { return false }
            return true
        }
        if !unresolved.isEmpty {
            throw .unresolvedImports(unresolved.map { "\($0.module).\($0.name)" })
        }
    }

    // MARK: - Functions

    /// The native signature of a wasm function type: the instance pointer, then the parameters;
    /// several results come back as a struct.
    func nativeType(of type: FunctionType) -> LLVMTypeRef {
        let parameters = [types.ptr] + type.parameters.map { types.type(of: $0) }
        let result: LLVMTypeRef
        switch type.results.count {
        case 0: result = types.void
        case 1: result = types.type(of: type.results[0])
        default: result = types.structure(type.results.map { types.type(of: $0) })
        }
        return types.function(result, parameters)
    }

    /// The symbol of a defined function: `wasm.` and its name-section name, or `wasm.f<index>`.
    func symbolName(ofFunction index: UInt32) -> String {
        if let name = module.names.functionNames[index], !name.isEmpty { return "wasm." + name }
        return "wasm.f\(index)"
    }

    func declareFunctions() {
        functionValues = Array(repeating: nil, count: module.functionTypes.count)
        let functionIndexOfImport = importFunctionIndices
        for (position, entry) in module.imports.enumerated() {
            guard case .function(let typeIndex) = entry.descriptor else { continue }
            let functionIndex = functionIndexOfImport[position]!
            if isStubbed(entry) {
                functionValues[Int(functionIndex)] = emitTrappingStub(for: entry, typeIndex: typeIndex)
                continue
            }
            guard entry.module == wasiModuleName, !wasiImportsOverloadedByType.contains(entry.name) else { continue }
            let name = "w2n_import_\(wasiModuleName)_\(entry.name)"
            let type = nativeType(of: module.functionType(at: typeIndex)!)
            let function = LLVMGetNamedFunction(llvmModule, name) ?? LLVMAddFunction(llvmModule, name, type)!
            if entry.name == "proc_exit" { function.addFunctionAttribute("noreturn", context: context) }
            functionValues[Int(functionIndex)] = function
        }
        for i in 0..<module.functionTypeIndices.count {
            let functionIndex = UInt32(module.importedFunctionCount + i)
            let type = nativeType(of: module.typeOfFunction(functionIndex)!)
            let function = LLVMAddFunction(llvmModule, symbolName(ofFunction: functionIndex), type)!
            LLVMSetLinkage(function, LLVMInternalLinkage)
            function.addFunctionAttribute("nounwind", context: context)
            // Recursion must exhaust the stack as in wasm ("call stack exhausted"), so tail
            // recursion is not turned into a loop.
            let attribute = LLVMCreateStringAttribute(context, "disable-tail-calls", 18, "true", 4)
            LLVMAddAttributeAtIndex(function, UInt32.max /* LLVMAttributeFunctionIndex */, attribute)
            functionValues[Int(functionIndex)] = function
        }
    }

    /// A function standing in for an import no one provides: it traps when called.
    func emitTrappingStub(for entry: Import, typeIndex: UInt32) -> LLVMValueRef {
        let type = nativeType(of: module.functionType(at: typeIndex)!)
        let function = LLVMAddFunction(llvmModule, "wasm.import.\(entry.module).\(entry.name)", type)!
        LLVMSetLinkage(function, LLVMInternalLinkage)
        let current = LLVMGetInsertBlock(builderRef)
        builder.position(at: LLVMAppendBasicBlockInContext(context, function, "entry"))
        callBuiltin("w2n_trap", builder: builder, [builder.i32(RuntimeABI.TrapCode.unresolvedImport.rawValue)])
        LLVMBuildUnreachable(builderRef)
        if let current { builder.position(at: current) }
        return function
    }

    /// The function index of each import (by position in the import section), nil for other kinds.
    /// (Two identical imports are two functions, so this goes by position, not by value.)
    var importFunctionIndices: [UInt32?] {
        var next: UInt32 = 0
        return module.imports.map { entry in
            guard case .function = entry.descriptor else { return nil }
            defer { next += 1 }
            return next
        }
    }

    /// The function to call directly for `functionIndex`, or nil when it is called through its
    /// funcref (imports a host resolves at instantiation).
    func directCallTarget(_ functionIndex: UInt32) -> (function: LLVMValueRef, type: LLVMTypeRef)? {
        guard let function = functionValues[Int(functionIndex)] else { return nil }
        return (function, LLVMGlobalGetValueType(function))
    }

    // MARK: - Builtins

    /// Calls a runtime builtin, declaring it on first use.
    @discardableResult
    func callBuiltin(_ name: String, builder: IRBuilder, _ arguments: [LLVMValueRef], _ label: String = "") -> LLVMValueRef {
        let (function, type) = builtinDeclaration(name)
        return builder.call(function, type: type, arguments, label)
    }

    func builtinDeclaration(_ name: String) -> (LLVMValueRef, LLVMTypeRef) {
        if let declaration = builtinDeclarations[name] { return declaration }
        guard let builtin = RuntimeABI.builtins.first(where: { $0.name == name }) else {
            preconditionFailure("unknown builtin \(name)")
        }
        func llvmType(_ type: RuntimeABI.Builtin.CType) -> LLVMTypeRef {
            switch type {
            case .void: return types.void
            case .i32: return types.i32
            case .ptr: return types.ptr
            }
        }
        let type = types.function(llvmType(builtin.result), builtin.parameters.map(llvmType))
        let function = LLVMAddFunction(llvmModule, name, type)!
        function.addFunctionAttribute("nounwind", context: context)
        if builtin.isNoReturn {
            function.addFunctionAttribute("noreturn", context: context)
            function.addFunctionAttribute("cold", context: context)
        }
        builtinDeclarations[name] = (function, type)
        return (function, type)
    }

    // MARK: - Alias analysis

    /// TBAA access tags for three disjoint kinds of memory under a private root: linear memory,
    /// runtime data (instance fields, tables, funcrefs) and global cells. They tell LLVM that a
    /// store to linear memory never changes the memory base, a table or a global, so values stay in
    /// registers across stores and loops over linear memory vectorise.
    private func makeTBAATags() -> (linearMemory: LLVMValueRef, runtimeData: LLVMValueRef, global: LLVMValueRef) {
        func string(_ text: String) -> LLVMMetadataRef { LLVMMDStringInContext2(context, text, text.utf8.count) }
        func node(_ operands: [LLVMMetadataRef]) -> LLVMMetadataRef {
            var operands: [LLVMMetadataRef?] = operands
            return operands.withUnsafeMutableBufferPointer { LLVMMDNodeInContext2(context, $0.baseAddress, $0.count) }
        }
        let zero = LLVMValueAsMetadata(LLVMConstInt(types.i64, 0, 0))!
        let root = node([string("wasm2native TBAA")])
        func tag(_ name: String) -> LLVMValueRef {
            let type = node([string(name), root, zero])
            return LLVMMetadataAsValue(context, node([type, type, zero]))
        }
        return (tag("wasm linear memory"), tag("wasm runtime data"), tag("wasm global"))
    }
}
