// Builds the `w2n_module` descriptor of an interpreted module in C memory: the same tables the
// compiler emits as constants (ModuleLowering+Descriptor.swift), with the interpreter's entries
// as `initialize` and `invoke` and function records as the defined functions' `code`.

import RuntimeSupport
import WasmParser

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// C allocations owned by an interpreted module, freed together.
struct CAllocations {
    private(set) var pointers: [UnsafeMutableRawPointer] = []

    /// A copy of `text` as a C string.
    mutating func string(_ text: String) -> UnsafePointer<CChar> {
        // All the bytes (names may contain NUL), then a terminator.
        let bytes = Array(text.utf8)
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
        for (i, byte) in bytes.enumerated() { copy[i] = CChar(bitPattern: byte) }
        copy[bytes.count] = 0
        pointers.append(UnsafeMutableRawPointer(copy))
        return UnsafePointer(copy)
    }

    /// A C array holding `elements` (a valid pointer even when empty).
    mutating func array<T>(_ elements: [T]) -> UnsafeMutablePointer<T> {
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(elements.count, 1))
        if !elements.isEmpty { pointer.initialize(from: elements, count: elements.count) }
        pointers.append(UnsafeMutableRawPointer(pointer))
        return pointer
    }

    /// A copy of `bytes`.
    mutating func bytes(_ bytes: ArraySlice<UInt8>) -> UnsafePointer<UInt8> {
        UnsafePointer(array(Array(bytes)))
    }

    func freeAll() {
        for pointer in pointers { pointer.deallocate() }
    }
}

enum ModuleDescriptor {
    /// The binary format's code of a value type (`W2N_KIND_*`).
    static func kind(_ type: ValueType) -> UInt32 {
        switch type {
        case .i32: return 0x7F
        case .i64: return 0x7E
        case .f32: return 0x7D
        case .f64: return 0x7C
        case .v128: return 0x7B
        case .ref(let reference): return reference.heapType == .abstract(.extern) ? 0x6F : 0x70
        }
    }

    /// The canonical signature string of a function type (see `w2n_func_type`).
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

    static func limits(_ limits: Limits) -> w2n_limits {
        w2n_limits(min: limits.min, max: limits.max ?? 0, has_max: limits.max == nil ? 0 : 1)
    }

    /// Fills `header.descriptor` for `module`; records must already exist.
    static func build(
        _ module: Module, header: UnsafeMutablePointer<ModuleHeader>, allocations: inout CAllocations
    ) {
        let types = module.types.map { subType in
            w2n_func_type(signature: allocations.string(subType.functionType.map(signature) ?? ""))
        }
        var counts = [0, 0, 0, 0]  // functions, tables, memories, globals imported so far
        let imports = module.imports.map { entry -> w2n_import in
            var value = w2n_import(
                module: allocations.string(entry.module), name: allocations.string(entry.name), kind: 0, index: 0,
                type: 0, is_mutable: 0, limits: w2n_limits())
            switch entry.descriptor {
            case .function(let typeIndex):
                (value.kind, value.index, value.type) = (0, UInt32(counts[0]), typeIndex)
                counts[0] += 1
            case .table(let type):
                (value.kind, value.index, value.type) = (1, UInt32(counts[1]), kind(.ref(type.elementType)))
                value.limits = limits(type.limits)
                counts[1] += 1
            case .memory(let type):
                (value.kind, value.index) = (2, UInt32(counts[2]))
                value.limits = limits(type.limits)
                counts[2] += 1
            case .global(let type):
                (value.kind, value.index, value.type) = (3, UInt32(counts[3]), kind(type.valueType))
                value.is_mutable = type.isMutable ? 1 : 0
                counts[3] += 1
            case .tag:
                value.kind = 4
            }
            return value
        }
        let functions = module.functionTypes.enumerated().map { index, typeIndex -> w2n_function in
            let isDefined = index >= module.importedFunctionCount
            let name = module.names.functionNames[UInt32(index)].map { allocations.string($0) }
            return w2n_function(
                code: isDefined ? UnsafeMutableRawPointer(header.pointee.records + index) : nil,
                type_index: typeIndex, name: name)
        }
        let tables = module.tableTypes.map {
            w2n_table_type(elem_kind: kind(.ref($0.elementType)), limits: limits($0.limits))
        }
        let memories = module.memoryTypes.map { limits($0.limits) }
        let globals = module.globalTypes.map {
            w2n_global_type(kind: kind($0.valueType), is_mutable: $0.isMutable ? 1 : 0)
        }
        let exports = module.exports.map { export -> w2n_export in
            let (kind, index): (UInt32, UInt32)
            switch export.descriptor {
            case .function(let i): (kind, index) = (0, i)
            case .table(let i): (kind, index) = (1, i)
            case .memory(let i): (kind, index) = (2, i)
            case .global(let i): (kind, index) = (3, i)
            case .tag(let i): (kind, index) = (4, i)
            }
            return w2n_export(
                name: allocations.string(export.name), kind: kind, index: index, name_length: UInt32(export.name.utf8.count))
        }
        let data = module.data.map { segment in
            w2n_data_segment(bytes: allocations.bytes(module.bytes(of: segment)), length: UInt32(segment.range.count))
        }
        let elemSizes = module.elements.map { UInt32($0.items.count) }

        header.pointee.descriptor = w2n_module(
            name: allocations.string(module.names.moduleName ?? ""),
            num_types: UInt32(types.count), types: allocations.array(types),
            num_imports: UInt32(imports.count), imports: allocations.array(imports),
            num_functions: UInt32(functions.count), functions: allocations.array(functions),
            num_tables: UInt32(tables.count), tables: allocations.array(tables),
            num_memories: UInt32(memories.count), memories: allocations.array(memories),
            num_globals: UInt32(globals.count), globals: allocations.array(globals),
            num_exports: UInt32(exports.count), exports: allocations.array(exports),
            num_data: UInt32(data.count), data: allocations.array(data),
            num_elems: UInt32(elemSizes.count), elem_sizes: allocations.array(elemSizes),
            initialize: interpreterInitialize,
            start: module.start.map { Int64($0) } ?? -1,
            invoke: interpreterInvoke)
    }
}
