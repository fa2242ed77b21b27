// Module-level validation rules, and the walk over every function body.
//
// <https://webassembly.github.io/spec/core/valid/modules.html>

/// Validates a decoded module.
struct ModuleValidator {
    let module: Module
    let declaredFunctionReferences: Set<UInt32>

    func validate() throws(WasmParserError) {
        try validateImports()
        for (i, typeIndex) in module.functionTypeIndices.enumerated() {
            guard module.functionType(at: typeIndex) != nil else {
                throw .invalid("unknown type \(typeIndex)", at: 0).inFunction(UInt32(module.importedFunctionCount + i))
            }
        }
        for table in module.tables {
            try validateTable(table.type, at: 0)
        }
        for memory in module.memories {
            try validateMemory(memory, at: 0)
        }
        if module.memoryTypes.count > 1 {
            throw .invalid("multiple memories", at: 0)
        }
        for global in module.globals {
            try validateConstantExpression(global.initializer, type: global.type.valueType)
        }
        try validateExports()
        if let start = module.start {
            guard let type = module.typeOfFunction(start) else { throw .invalid("unknown function \(start)", at: 0) }
            guard type.parameters.isEmpty && type.results.isEmpty else { throw .invalid("start function", at: 0) }
        }
        try validateElements()
        for segment in module.data {
            if case .active(let memory, let offset) = segment.mode {
                guard Int(memory) < module.memoryTypes.count else {
                    throw .invalid("unknown memory \(memory)", at: offset.offset)
                }
                try validateConstantExpression(offset, type: .i32)
            }
        }
        try validateFunctionBodies()
    }

    func validateImports() throws(WasmParserError) {
        for entry in module.imports {
            switch entry.descriptor {
            case .function(let typeIndex):
                guard module.functionType(at: typeIndex) != nil else { throw .invalid("unknown type \(typeIndex)", at: 0) }
            case .table(let type):
                try validateTable(type, at: 0)
            case .memory(let type):
                try validateMemory(type, at: 0)
            case .global(let type):
                if type.isMutable && !module.features.contains(.mutableGlobals) {
                    throw .invalid("mutable global import", at: 0)
                }
            case .tag:
                break  // not decoded without exception handling
            }
        }
    }

    /// <https://webassembly.github.io/spec/core/valid/types.html#limits>
    func validateLimits(_ limits: Limits, maximum: UInt64, at offset: Int) throws(WasmParserError) {
        if let max = limits.max, limits.min > max {
            throw .invalid("size minimum must not be greater than maximum", at: offset)
        }
        if limits.addressType == .i64 && !module.features.contains(.memory64) {
            throw .invalid("64-bit memories and tables require the memory64 feature", at: offset)
        }
    }

    func validateTable(_ table: TableType, at offset: Int) throws(WasmParserError) {
        try validateLimits(table.limits, maximum: table.limits.addressType == .i64 ? .max : UInt64(UInt32.max), at: offset)
    }

    func validateMemory(_ memory: MemoryType, at offset: Int) throws(WasmParserError) {
        let limits = memory.limits
        let pageLimit: UInt64 = limits.addressType == .i64 ? 1 << 48 : 65536
        if limits.min > pageLimit || (limits.max ?? 0) > pageLimit {
            throw .invalid(
                limits.addressType == .i64
                    ? "memory size must be at most 2**48 pages" : "memory size must be at most 65536 pages (4GiB)",
                at: offset)
        }
        if limits.isShared {
            guard limits.max != nil else { throw .invalid("shared memory must have maximum", at: offset) }
            guard module.features.contains(.threads) else {
                throw .invalid("shared memories require the threads feature", at: offset)
            }
        }
        try validateLimits(limits, maximum: pageLimit, at: offset)
    }

    func validateExports() throws(WasmParserError) {
        // Names are compared as bytes: Swift's String equality would merge canonically equivalent
        // Unicode spellings, which are distinct names in WebAssembly.
        var names = Set<[UInt8]>()
        names.reserveCapacity(module.exports.count)
        for export in module.exports {
            guard names.insert(Array(export.name.utf8)).inserted else { throw .invalid("duplicate export name", at: 0) }
            switch export.descriptor {
            case .function(let index):
                guard Int(index) < module.functionTypes.count else { throw .invalid("unknown function \(index)", at: 0) }
            case .table(let index):
                guard Int(index) < module.tableTypes.count else { throw .invalid("unknown table \(index)", at: 0) }
            case .memory(let index):
                guard Int(index) < module.memoryTypes.count else { throw .invalid("unknown memory \(index)", at: 0) }
            case .global(let index):
                guard Int(index) < module.globalTypes.count else { throw .invalid("unknown global \(index)", at: 0) }
            case .tag(let index):
                guard Int(index) < module.tagTypes.count else { throw .invalid("unknown tag \(index)", at: 0) }
            }
        }
    }

    func validateElements() throws(WasmParserError) {
        for segment in module.elements {
            if case .active(let table, let offset) = segment.mode {
                guard Int(table) < module.tableTypes.count else {
                    throw .invalid("unknown table \(table)", at: offset.offset)
                }
                guard segment.type == module.tableTypes[Int(table)].elementType else {
                    throw .invalid("type mismatch", at: offset.offset)
                }
                try validateConstantExpression(offset, type: .i32)
            }
            for item in segment.items {
                try validateConstantExpression(item, type: .ref(segment.type))
            }
        }
    }

    /// <https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions>
    ///
    /// In 2.0, `global.get` in a constant expression may read only imported, immutable globals.
    func validateConstantExpression(_ expression: ConstantExpression, type: ValueType) throws(WasmParserError) {
        var stack: [ValueType] = []
        let offset = expression.offset
        for instruction in expression.instructions {
            switch instruction {
            case .i32Const: stack.append(.i32)
            case .i64Const: stack.append(.i64)
            case .f32Const: stack.append(.f32)
            case .f64Const: stack.append(.f64)
            case .v128Const: stack.append(.v128)
            case .refNull(let heapType): stack.append(.ref(ReferenceType(isNullable: true, heapType: heapType)))
            case .refFunc(let index):
                guard Int(index) < module.functionTypes.count else { throw .invalid("unknown function \(index)", at: offset) }
                stack.append(.funcRef)
            case .globalGet(let index):
                guard Int(index) < module.importedGlobalCount else { throw .invalid("unknown global \(index)", at: offset) }
                let global = module.globalTypes[Int(index)]
                guard !global.isMutable else { throw .invalid("constant expression required", at: offset) }
                stack.append(global.valueType)
            case .binary(let operation):
                let operandType = operation.resultType
                guard stack.count >= 2, stack.removeLast() == operandType, stack.removeLast() == operandType else {
                    throw .invalid("type mismatch", at: offset)
                }
                stack.append(operandType)
            }
        }
        guard stack.count == 1, stack[0] == type else { throw .invalid("type mismatch", at: offset) }
    }

    func validateFunctionBodies() throws(WasmParserError) {
        var validator = FunctionValidator(module: module, declaredFunctionReferences: declaredFunctionReferences)
        for (i, body) in module.functionBodies.enumerated() {
            let functionIndex = UInt32(module.importedFunctionCount + i)
            guard let type = module.functionType(at: module.functionTypeIndices[i]) else { continue }
            do {
                try validator.validate(body: body, functionIndex: functionIndex, type: type)
            } catch {
                throw error.inFunction(functionIndex)
            }
        }
    }
}

extension WasmParserError {
    /// The same error, attributed to a function.
    func inFunction(_ index: UInt32) -> WasmParserError {
        var copy = self
        copy.functionIndex = index
        return copy
    }
}
