// What RuntimeSupport and the executor share about an interpreted module.
//
// RuntimeSupport instantiates an interpreted module exactly like a compiled one, from a
// `w2n_module` descriptor built at run time (ModuleDescriptor.swift). The descriptor is the first
// field of a `ModuleHeader`, so that the executor finds its own data from any instance
// (`instance->module`) without a lookup: the function records, the signatures, the owner.
//
// `w2n_function.code` of a defined function points to its `FunctionRecord`, not to machine code:
// a funcref (table element, import) refers to an interpreted function exactly when its
// instance's module has the interpreter's `invoke` entry and its index is not one of that
// module's imports. Such funcrefs must not be called as native functions.

import RuntimeSupport
import WasmParser

/// How a value travels through `w2n_value` and C calls.
enum ValueKind: UInt8 {
    case i32, i64, f32, f64, v128, ref

    init(_ type: ValueType) {
        switch type {
        case .i32: self = .i32
        case .i64: self = .i64
        case .f32: self = .f32
        case .f64: self = .f64
        case .v128: self = .v128
        case .ref: self = .ref
        }
    }

    /// Frame slots a value takes.
    var slots: Int { self == .v128 ? 2 : 1 }
}

/// A function type as the executor's host calls and entries read it.
struct Signature {
    var parameters: [ValueKind]
    var results: [ValueKind]

    init(_ type: FunctionType) {
        parameters = type.parameters.map(ValueKind.init)
        results = type.results.map(ValueKind.init)
    }
}

/// A defined function: its translated code (nil until first called) and frame layout.
struct FunctionRecord {
    var code: UnsafeMutablePointer<Inst>?
    var codeCount: Int = 0
    var parameterSlots: UInt32 = 0
    var localSlots: UInt32 = 0
    var frameSlots: UInt32 = 0
    var resultSlots: UInt32 = 0
    /// Its index in the module's function index space.
    var functionIndex: UInt32
    var header: UnsafeMutablePointer<ModuleHeader>
}

/// The descriptor and the executor's view of the module.
struct ModuleHeader {
    /// What RuntimeSupport reads (first: `instance->module` points here).
    var descriptor: w2n_module
    /// One per function index (imports' records are unused).
    var records: UnsafeMutablePointer<FunctionRecord>
    /// One per type index.
    var signatures: UnsafeMutablePointer<Signature>
    var importedFunctionCount: UInt32
    /// The `InterpretedModule` (unretained: it outlives its instances).
    var owner: UnsafeMutableRawPointer

    /// The header of an interpreted instance's module.
    @inline(__always)
    static func of(_ instance: UnsafeMutablePointer<w2n_instance>) -> UnsafeMutablePointer<ModuleHeader> {
        UnsafeMutableRawPointer(mutating: instance.pointee.module!).assumingMemoryBound(to: ModuleHeader.self)
    }

    /// Whether `module` was built by the interpreter.
    static func isInterpreted(_ module: UnsafePointer<w2n_module>) -> Bool {
        guard let invoke = module.pointee.invoke else { return false }
        return unsafeBitCast(invoke, to: UnsafeRawPointer.self) == interpreterInvokeAddress
    }

    /// The record of the interpreted function a funcref refers to, or nil for a host function.
    @inline(__always)
    static func record(of funcref: UnsafeMutablePointer<w2n_funcref>) -> UnsafeMutablePointer<FunctionRecord>? {
        guard let instance = funcref.pointee.instance, let module = instance.pointee.module,
            isInterpreted(module)
        else { return nil }
        let header = of(instance)
        guard funcref.pointee.function_index >= header.pointee.importedFunctionCount else { return nil }
        return header.pointee.records + Int(funcref.pointee.function_index)
    }
}
