// The module's entry points and descriptor: `initialize` (globals, element items, active
// segments), `invoke` (the uniform entry), the `w2n_module` constant, and, for executables,
// `w2n_main_config_data`. Struct layouts follow w2n_runtime.h.

import CLLVM
import WasmParser

extension ModuleLowering {
    // MARK: - initialize

    func emitInitialize() -> LLVMValueRef {
        let function = LLVMAddFunction(llvmModule, "w2n.initialize", types.function(types.void, [types.ptr]))!
        LLVMSetLinkage(function, LLVMInternalLinkage)
        let instance = LLVMGetParam(function, 0)!
        builder.position(at: LLVMAppendBasicBlockInContext(context, function, "entry"))

        for (i, global) in module.globals.enumerated() {
            let index = module.importedGlobalCount + i
            let value = evaluate(global.initializer, instance: instance)
            builder.store(value, globalCell(index, instance: instance, builder: builder), align: 8)
        }

        let elems = builder.loadPointer(instance, offset: RuntimeABI.InstanceOffset.elems, "elems")
        for (s, segment) in module.elements.enumerated() {
            let items = builder.loadPointer(elems, offset: 16 * s, "elem\(s).items")
            for (j, item) in segment.items.enumerated() {
                builder.store(evaluate(item, instance: instance), builder.byteOffset(items, 8 * j), align: 8)
            }
        }
        for (s, segment) in module.elements.enumerated() {
            switch segment.mode {
            case .active(let table, let offset):
                let destination = evaluate(offset, instance: instance)
                callBuiltin(
                    "w2n_table_init", builder: builder,
                    [instance, builder.i32(table), builder.i32(UInt32(s)), destination, builder.i32(0),
                     builder.i32(UInt32(segment.items.count))])
                callBuiltin("w2n_elem_drop", builder: builder, [instance, builder.i32(UInt32(s))])
            case .declarative:
                callBuiltin("w2n_elem_drop", builder: builder, [instance, builder.i32(UInt32(s))])
            case .passive:
                break
            }
        }
        for (d, segment) in module.data.enumerated() {
            guard case .active(let memory, let offset) = segment.mode else { continue }
            let destination = evaluate(offset, instance: instance)
            callBuiltin(
                "w2n_memory_init", builder: builder,
                [instance, builder.i32(memory), builder.i32(UInt32(d)), destination, builder.i32(0),
                 builder.i32(UInt32(segment.range.count))])
            callBuiltin("w2n_data_drop", builder: builder, [instance, builder.i32(UInt32(d))])
        }
        LLVMBuildRetVoid(builderRef)
        return function
    }

    /// The 16-byte cell of global `index`: for the module's own globals at a constant offset from
    /// the instance (RuntimeABI.ownGlobalCellOffset), for imports through the instance's `globals`
    /// (the exporter's cell). `invariant` marks the loads of the import's path as invariant.
    func globalCell(_ index: Int, instance: LLVMValueRef, builder: IRBuilder, invariant: Bool = false) -> LLVMValueRef {
        if index >= module.importedGlobalCount {
            let offset = RuntimeABI.ownGlobalCellOffset(index, globalCount: module.globalTypes.count)
            return builder.byteOffset(instance, offset, "global\(index).cell")
        }
        let globals = builder.loadPointer(instance, offset: RuntimeABI.InstanceOffset.globals, "globals", invariant: invariant)
        return builder.loadPointer(globals, offset: 8 * index, "global\(index).cell", invariant: invariant)
    }

    /// Emits the value of a constant expression.
    func evaluate(_ expression: ConstantExpression, instance: LLVMValueRef) -> LLVMValueRef {
        var stack: [LLVMValueRef] = []
        for instruction in expression.instructions {
            switch instruction {
            case .i32Const(let value): stack.append(builder.i32(UInt32(bitPattern: value)))
            case .i64Const(let value): stack.append(builder.i64(UInt64(bitPattern: value)))
            case .f32Const(let bits): stack.append(builder.f32(bits: bits))
            case .f64Const(let bits): stack.append(builder.f64(bits: bits))
            case .v128Const(let value):
                var lanes: [LLVMValueRef?] = [builder.i64(value.low), builder.i64(value.high)]
                stack.append(lanes.withUnsafeMutableBufferPointer { LLVMConstVector($0.baseAddress, 2) })
            case .refNull: stack.append(builder.null())
            case .refFunc(let index):
                let functions = builder.loadPointer(instance, offset: RuntimeABI.InstanceOffset.functions, "functions")
                stack.append(builder.loadPointer(functions, offset: 8 * Int(index), "ref.func\(index)"))
            case .globalGet(let index):
                let cell = globalCell(Int(index), instance: instance, builder: builder)
                let type = types.type(of: module.globalTypes[Int(index)].valueType)
                stack.append(builder.load(type, cell, "global\(index)", align: 8))
            case .binary(let operation):
                let rhs = stack.removeLast()
                let lhs = stack.removeLast()
                switch operation {
                case .i32Add, .i64Add: stack.append(LLVMBuildAdd(builderRef, lhs, rhs, ""))
                case .i32Sub, .i64Sub: stack.append(LLVMBuildSub(builderRef, lhs, rhs, ""))
                default: stack.append(LLVMBuildMul(builderRef, lhs, rhs, ""))
                }
            }
        }
        return stack[stack.count - 1]
    }

    // MARK: - invoke

    /// `void invoke(instance, function_index, const w2n_value *args, w2n_value *results)`.
    func emitInvoke() -> LLVMValueRef {
        let function = LLVMAddFunction(
            llvmModule, "w2n.invoke", types.function(types.void, [types.ptr, types.i32, types.ptr, types.ptr]))!
        LLVMSetLinkage(function, LLVMInternalLinkage)
        let instance = LLVMGetParam(function, 0)!
        let index = LLVMGetParam(function, 1)!
        let arguments = LLVMGetParam(function, 2)!
        let results = LLVMGetParam(function, 3)!
        let entry = LLVMAppendBasicBlockInContext(context, function, "entry")!
        let unknown = LLVMAppendBasicBlockInContext(context, function, "unknown")!
        builder.position(at: unknown)
        callBuiltin("w2n_trap", builder: builder, [builder.i32(RuntimeABI.TrapCode.undefinedElement.rawValue)])
        LLVMBuildUnreachable(builderRef)
        builder.position(at: entry)
        let switchInstruction = LLVMBuildSwitch(builderRef, index, unknown, UInt32(module.functionTypes.count))!
        for functionIndex in 0..<module.functionTypes.count {
            let type = module.typeOfFunction(UInt32(functionIndex))!
            let block = LLVMAppendBasicBlockInContext(context, function, "function\(functionIndex)")!
            LLVMAddCase(switchInstruction, builder.i32(UInt32(functionIndex)), block)
            builder.position(at: block)
            var values: [LLVMValueRef] = []
            for (i, parameter) in type.parameters.enumerated() {
                let slot = builder.byteOffset(arguments, RuntimeABI.valueSize * i)
                values.append(builder.load(types.type(of: parameter), slot, "arg\(i)", align: 8))
            }
            let result: LLVMValueRef
            if let target = directCallTarget(UInt32(functionIndex)) {
                result = builder.call(target.function, type: target.type, [instance] + values, "result")
            } else {
                let functions = builder.loadPointer(instance, offset: RuntimeABI.InstanceOffset.functions, "functions")
                let funcref = builder.loadPointer(functions, offset: 8 * functionIndex, "funcref")
                let code = builder.loadPointer(funcref, offset: RuntimeABI.FuncRefOffset.code, "code")
                let calleeInstance = builder.loadPointer(funcref, offset: RuntimeABI.FuncRefOffset.instance, "callee.instance")
                result = builder.call(code, type: nativeType(of: type), [calleeInstance] + values, "result")
            }
            for i in 0..<type.results.count {
                let value = type.results.count == 1 ? result : LLVMBuildExtractValue(builderRef, result, UInt32(i), "")!
                builder.store(value, builder.byteOffset(results, RuntimeABI.valueSize * i), align: 8)
            }
            LLVMBuildRetVoid(builderRef)
        }
        return function
    }

    // MARK: - Descriptor

    /// A private constant C string.
    func cString(_ text: String, _ name: String = "str") -> LLVMValueRef {
        let bytes = Array(text.utf8)
        let constant = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                LLVMConstStringInContext(context, $0.baseAddress, UInt32($0.count), 0)!
            }
        }
        let global = LLVMAddGlobal(llvmModule, LLVMTypeOf(constant), name)!
        LLVMSetInitializer(global, constant)
        LLVMSetGlobalConstant(global, 1)
        LLVMSetLinkage(global, LLVMPrivateLinkage)
        LLVMSetUnnamedAddress(global, LLVMGlobalUnnamedAddr)
        return global
    }

    func constStruct(_ values: [LLVMValueRef]) -> LLVMValueRef {
        var values: [LLVMValueRef?] = values
        return values.withUnsafeMutableBufferPointer { LLVMConstStructInContext(context, $0.baseAddress, UInt32($0.count), 0) }
    }

    /// A private constant array of structs, or null when empty.
    func constArray(_ elements: [LLVMValueRef], _ name: String) -> LLVMValueRef {
        guard let first = elements.first else { return builder.null() }
        var values: [LLVMValueRef?] = elements
        let array = values.withUnsafeMutableBufferPointer { LLVMConstArray2(LLVMTypeOf(first), $0.baseAddress, UInt64($0.count)) }!
        let global = LLVMAddGlobal(llvmModule, LLVMTypeOf(array), name)!
        LLVMSetInitializer(global, array)
        LLVMSetGlobalConstant(global, 1)
        LLVMSetLinkage(global, LLVMPrivateLinkage)
        return global
    }

    func const32(_ value: Int) -> LLVMValueRef { builder.i32(UInt32(truncatingIfNeeded: value)) }

    func limits(_ limits: Limits) -> LLVMValueRef {
        constStruct([builder.i64(limits.min), builder.i64(limits.max ?? 0), const32(limits.max == nil ? 0 : 1)])
    }

    static func kind(_ type: ValueType) -> Int {
        switch type {
        case .i32: return 0x7F
        case .i64: return 0x7E
        case .f32: return 0x7D
        case .f64: return 0x7C
        case .v128: return 0x7B
        case .ref(let reference): return reference.heapType == .abstract(.extern) ? 0x6F : 0x70
        }
    }

    /// The canonical signature string of a function type (see w2n_func_type).
    static func signature(_ type: FunctionType) -> String {
        func code(_ type: ValueType) -> String {
            switch type {
            case .i32: return "i"
            case .i64: return "I"
            case .f32: return "f"
            case .f64: return "F"
            case .v128: return "v"
            case .ref(let reference): return reference.heapType == .abstract(.extern) ? "e" : "r"
            }
        }
        return type.parameters.map(code).joined() + ":" + type.results.map(code).joined()
    }

    func emitDescriptor(initialize: LLVMValueRef, invoke: LLVMValueRef) {
        let typeEntries = module.types.map { subType -> LLVMValueRef in
            let signature = subType.functionType.map(Self.signature) ?? ""
            return constStruct([cString(signature, "type.signature")])
        }
        var tableIndex = 0, memoryIndex = 0, globalIndex = 0
        // Stubbed imports are not imports for the runtime: they are functions with code.
        let functionIndexOfImport = importFunctionIndices
        let importEntries = module.imports.indices.filter { !isStubbed(module.imports[$0]) }.map { position -> LLVMValueRef in
            let entry = module.imports[position]
            var kind = 0, index = 0, type = 0, isMutable = 0
            var entryLimits = Limits(min: 0)
            switch entry.descriptor {
            case .function(let typeIndex):
                (kind, index, type) = (0, Int(functionIndexOfImport[position]!), Int(typeIndex))
            case .table(let tableType):
                (kind, index, type, entryLimits) = (1, tableIndex, Self.kind(.ref(tableType.elementType)), tableType.limits)
                tableIndex += 1
            case .memory(let memoryType):
                (kind, index, entryLimits) = (2, memoryIndex, memoryType.limits)
                memoryIndex += 1
            case .global(let globalType):
                (kind, index, type, isMutable) = (3, globalIndex, Self.kind(globalType.valueType), globalType.isMutable ? 1 : 0)
                globalIndex += 1
            case .tag:
                kind = 4
            }
            return constStruct([
                cString(entry.module, "import.module"), cString(entry.name, "import.name"), const32(kind), const32(index),
                const32(type), const32(isMutable), limits(entryLimits),
            ])
        }
        let functionEntries = (0..<module.functionTypes.count).map { index -> LLVMValueRef in
            let isDefined = index >= module.importedFunctionCount
            let isStub = !isDefined && functionValues[index].map { LLVMGetLinkage($0) == LLVMInternalLinkage } == true
            let code = isDefined || isStub ? functionValues[index]! : builder.null()
            let name = module.names.functionNames[UInt32(index)].map { cString($0, "function.name") } ?? builder.null()
            return constStruct([code, const32(Int(module.functionTypes[index])), name])
        }
        let tableEntries = module.tableTypes.map { constStruct([const32(Self.kind(.ref($0.elementType))), limits($0.limits)]) }
        let memoryEntries = module.memoryTypes.map { limits($0.limits) }
        let globalEntries = module.globalTypes.map { constStruct([const32(Self.kind($0.valueType)), const32($0.isMutable ? 1 : 0)]) }
        let exportEntries = module.exports.map { export -> LLVMValueRef in
            let (kind, index): (Int, UInt32)
            switch export.descriptor {
            case .function(let i): (kind, index) = (0, i)
            case .table(let i): (kind, index) = (1, i)
            case .memory(let i): (kind, index) = (2, i)
            case .global(let i): (kind, index) = (3, i)
            case .tag(let i): (kind, index) = (4, i)
            }
            return constStruct([
                cString(export.name, "export.name"), const32(kind), const32(Int(index)), const32(export.name.utf8.count),
            ])
        }
        let dataEntries = module.data.enumerated().map { d, segment -> LLVMValueRef in
            let bytes = module.bytes(of: segment)
            let pointer = bytes.isEmpty ? builder.null() : Array(bytes).withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars -> LLVMValueRef in
                    let constant = LLVMConstStringInContext(context, chars.baseAddress, UInt32(chars.count), 1)!
                    let global = LLVMAddGlobal(llvmModule, LLVMTypeOf(constant), "data\(d)")!
                    LLVMSetInitializer(global, constant)
                    LLVMSetGlobalConstant(global, 1)
                    LLVMSetLinkage(global, LLVMPrivateLinkage)
                    return global
                }
            }
            return constStruct([pointer, const32(bytes.count)])
        }
        let elemSizes = module.elements.map { const32($0.items.count) }

        let descriptor = constStruct([
            cString(module.names.moduleName ?? "", "module.name"),
            const32(typeEntries.count), constArray(typeEntries, "types"),
            const32(importEntries.count), constArray(importEntries, "imports"),
            const32(functionEntries.count), constArray(functionEntries, "functions"),
            const32(tableEntries.count), constArray(tableEntries, "tables"),
            const32(memoryEntries.count), constArray(memoryEntries, "memories"),
            const32(globalEntries.count), constArray(globalEntries, "globals"),
            const32(exportEntries.count), constArray(exportEntries, "exports"),
            const32(dataEntries.count), constArray(dataEntries, "data"),
            const32(elemSizes.count), constArray(elemSizes, "elem.sizes"),
            initialize,
            builder.i64(module.start.map { UInt64($0) } ?? UInt64(bitPattern: -1)),
            invoke,
        ])
        let global = LLVMAddGlobal(llvmModule, LLVMTypeOf(descriptor), options.descriptorSymbol)!
        LLVMSetInitializer(global, descriptor)
        LLVMSetGlobalConstant(global, 1)
    }

    func emitExecutableConfig(_ config: ExecutableConfig) {
        func stringList(_ strings: [String], _ name: String) -> LLVMValueRef {
            constArray(strings.map { cString($0, name + ".entry") } + [builder.null()], name)
        }
        let value = constStruct([
            stringList(config.directories, "config.dirs"), stringList(config.environment, "config.env"),
            const32(config.inheritEnvironment ? 1 : 0), const32(config.allowNetwork ? 1 : 0),
            const32(config.lockGrants ? 1 : 0),
        ])
        let global = LLVMAddGlobal(llvmModule, LLVMTypeOf(value), "w2n_main_config_data")!
        LLVMSetInitializer(global, value)
        LLVMSetGlobalConstant(global, 1)
    }
}
