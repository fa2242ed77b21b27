// The descriptor's entry points, which RuntimeSupport calls inside its guarded calls:
// `initialize` (globals, element items, active segments, as the compiler's generated
// `initialize` does) and `invoke` (the uniform entry: any function index, arguments and results
// as w2n_value arrays).
//
// Both do their work in Swift functions that return a trap code, and only then, with nothing of
// Swift's left to clean up, call w2n_trap, which jumps to the guard of the w2n_invoke /
// w2n_instantiate that called them.

import RuntimeSupport
import WasmParser

/// `w2n_module.initialize` of interpreted modules.
let interpreterInitialize: @convention(c) (UnsafeMutablePointer<w2n_instance>?) -> Void = { instance in
    let code = Initializer.initialize(instance!)
    if code != TrapCode.none { w2n_trap(w2n_trap_code(rawValue: code)) }
}

/// `w2n_module.invoke` of interpreted modules.
let interpreterInvoke:
    @convention(c) (
        UnsafeMutablePointer<w2n_instance>?, UInt32, UnsafePointer<w2n_value>?, UnsafeMutablePointer<w2n_value>?
    ) -> Void = { instance, index, arguments, results in
        let code = Invoker.invoke(instance!, function: index, arguments: arguments, results: results)
        if code != TrapCode.none { w2n_trap(w2n_trap_code(rawValue: code)) }
    }

/// The address of `interpreterInvoke`, which identifies interpreted modules.
nonisolated(unsafe) let interpreterInvokeAddress = unsafeBitCast(interpreterInvoke, to: UnsafeRawPointer.self)

enum Invoker {
    /// Calls function `index` of `instance` with `arguments`, storing its results.
    static func invoke(
        _ instance: UnsafeMutablePointer<w2n_instance>, function index: UInt32, arguments: UnsafePointer<w2n_value>?,
        results: UnsafeMutablePointer<w2n_value>?
    ) -> UInt32 {
        let header = ModuleHeader.of(instance)
        guard index < header.pointee.descriptor.num_functions else { return TrapCode.undefinedElement }
        let typeIndex = Int(header.pointee.descriptor.functions[Int(index)].type_index)
        let signature = header.pointee.signatures + typeIndex
        let context = ExecutionContext.current
        let base = context.pointee.top
        var slot = 0
        for (position, kind) in signature.pointee.parameters.enumerated() {
            let value = arguments![position]
            guard base + slot + 2 <= context.pointee.stackEnd else { return TrapCode.callStackExhausted }
            store(value, kind: kind, to: base + slot)
            slot += kind.slots
        }
        var code: UInt32
        if index >= header.pointee.importedFunctionCount {
            code = Executor.run(context: context, instance: instance, function: header.pointee.records + Int(index), base: base)
        } else {
            let funcref = instance.pointee.functions[Int(index)]!
            if let record = ModuleHeader.record(of: funcref) {
                code = Executor.run(context: context, instance: funcref.pointee.instance!, function: record, base: base)
            } else {
                code = HostCall.call(funcref, signature: signature, slots: base)
            }
        }
        guard code == TrapCode.none else { return code }
        slot = 0
        for (position, kind) in signature.pointee.results.enumerated() {
            results![position] = load(kind: kind, from: base + slot)
            slot += kind.slots
        }
        return TrapCode.none
    }

    static func store(_ value: w2n_value, kind: ValueKind, to slots: UnsafeMutablePointer<UInt64>) {
        switch kind {
        case .i32, .f32: slots[0] = UInt64(value.i32)
        case .i64, .f64: slots[0] = value.i64
        case .ref: slots[0] = UInt64(UInt(bitPattern: value.ref))
        case .v128:
            slots[0] = value.v128.low
            slots[1] = value.v128.high
        }
    }

    static func load(kind: ValueKind, from slots: UnsafeMutablePointer<UInt64>) -> w2n_value {
        var value = w2n_value()
        switch kind {
        case .i32, .f32: value.i32 = low32(slots[0])
        case .i64, .f64: value.i64 = slots[0]
        case .ref: value.ref = UnsafeMutableRawPointer(bitPattern: UInt(slots[0]))
        case .v128: value.v128 = w2n_v128(low: slots[0], high: slots[1])
        }
        return value
    }
}

enum Initializer {
    /// Evaluates the globals' initializers and the element items, then performs the active
    /// element and data segments in order (bounds first: a segment out of bounds traps and
    /// leaves what earlier ones wrote), dropping them and the declarative ones.
    static func initialize(_ instance: UnsafeMutablePointer<w2n_instance>) -> UInt32 {
        let owner = InterpretedModule.owner(of: ModuleHeader.of(instance))
        let module = owner.module
        let evaluator = ConstantEvaluator(module: module, instance: instance)
        for (offset, global) in module.globals.enumerated() {
            let cell = instance.pointee.globals[module.importedGlobalCount + offset]!
            cell.pointee = evaluator.evaluate(global.initializer)
        }
        for (index, segment) in module.elements.enumerated() {
            let items = instance.pointee.elems[index].items!
            for (position, item) in segment.items.enumerated() {
                items[position] = evaluator.evaluate(item).ref
            }
        }
        for (index, segment) in module.elements.enumerated() {
            switch segment.mode {
            case .active(let table, let offset):
                let destination = UInt64(evaluator.evaluate(offset).i32)
                let count = UInt64(segment.items.count)
                guard destination + count <= UInt64(instance.pointee.tables[Int(table)]!.pointee.size) else {
                    return TrapCode.outOfBoundsTable
                }
                w2n_table_init(instance, table, UInt32(index), UInt32(destination), 0, UInt32(count))
                w2n_elem_drop(instance, UInt32(index))
            case .declarative:
                w2n_elem_drop(instance, UInt32(index))
            case .passive:
                break
            }
        }
        for (index, segment) in module.data.enumerated() {
            guard case .active(let memory, let offset) = segment.mode else { continue }
            let destination = UInt64(evaluator.evaluate(offset).i32)
            let count = UInt64(segment.range.count)
            guard let target = instance.pointee.memories[Int(memory)],
                destination + count <= target.pointee.size_bytes
            else { return TrapCode.outOfBoundsMemory }
            w2n_memory_init(instance, memory, UInt32(index), UInt32(destination), 0, UInt32(count))
            w2n_data_drop(instance, UInt32(index))
        }
        return TrapCode.none
    }
}

/// Evaluates constant expressions against an instance being initialized.
struct ConstantEvaluator {
    let module: Module
    let instance: UnsafeMutablePointer<w2n_instance>

    func evaluate(_ expression: ConstantExpression) -> w2n_value {
        var stack: [w2n_value] = []
        for instruction in expression.instructions {
            var value = w2n_value()
            switch instruction {
            case .i32Const(let constant): value.i32 = UInt32(bitPattern: constant)
            case .i64Const(let constant): value.i64 = UInt64(bitPattern: constant)
            case .f32Const(let bits): value.f32 = bits
            case .f64Const(let bits): value.f64 = bits
            case .v128Const(let constant): value.v128 = w2n_v128(low: constant.low, high: constant.high)
            case .refNull: value.ref = nil
            case .refFunc(let index): value.ref = UnsafeMutableRawPointer(instance.pointee.functions[Int(index)])
            case .globalGet(let index): value = instance.pointee.globals[Int(index)]!.pointee
            case .binary(let operation):
                let right = stack.removeLast()
                let left = stack.removeLast()
                switch operation {
                case .i32Add: value.i32 = left.i32 &+ right.i32
                case .i32Sub: value.i32 = left.i32 &- right.i32
                case .i32Mul: value.i32 = left.i32 &* right.i32
                case .i64Add: value.i64 = left.i64 &+ right.i64
                case .i64Sub: value.i64 = left.i64 &- right.i64
                default: value.i64 = left.i64 &* right.i64
                }
            }
            stack.append(value)
        }
        return stack.last ?? w2n_value()
    }
}
