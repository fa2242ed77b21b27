// The interpreter's public entry points besides `InterpretedModule` and `WASIRunner`.
//
// Quick start:
//
//     let module = try InterpretedModule(bytes: wasm)            // validate, build the descriptor
//     var instance: UnsafeMutablePointer<w2n_instance>?
//     var trap = W2N_TRAP_NONE
//     w2n_instantiate(module.descriptor, resolver, context, &instance, &trap)   // RuntimeSupport
//     w2n_invoke(instance, functionIndex, arguments, results)                   // RuntimeSupport
//
// Instances of interpreted modules are ordinary RuntimeSupport instances: they link with each
// other and with host objects through the usual resolver, and their memories, tables and globals
// are RuntimeSupport's. `module` must outlive its instances.

import RuntimeSupport

/// Process-wide helpers of the interpreter.
public enum Interpreter {
    /// The function (index in `module`'s function index space) in which the calling thread's
    /// last trap happened, if it was in `module`.
    public static func lastTrapFunction(in module: InterpretedModule) -> UInt32? {
        let context = ExecutionContext.current
        guard context.pointee.trapModule == module.descriptor else { return nil }
        return context.pointee.trapFunction
    }

    /// Forgets calls that a host abandoned with a non-local exit (e.g. a timeout that jumped over
    /// the interpreter). Call only when no interpreted call is in progress on this thread.
    public static func resetThread() {
        ExecutionContext.resetCurrentThread()
    }
}
