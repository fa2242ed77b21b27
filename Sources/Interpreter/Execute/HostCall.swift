// Calls to host functions: any funcref that is not an interpreted function (WASI functions of
// RuntimeSupport, the spec harness's spectest functions, functions of natively compiled
// instances). They are C functions whose first parameter is the funcref's instance, followed by
// the wasm parameters (i32 as uint32_t, i64 as uint64_t, f32 as float, f64 as double, references
// as pointers), returning nothing or one value.
//
// One call shape serves every such signature: the integer-class arguments in order, then the
// float-class arguments in order, through a function type with 12 integer and 8 double
// parameters. This relies on the C calling conventions of the two supported hosts, which assign
// integer and floating-point arguments to their own register sequences independently (x86-64
// System V: rdi.. and xmm0-7; AArch64 AAPCS64: x0-x7 and v0-v7) and pass the integer arguments
// that do not fit in registers on the stack in order, 8 bytes each; a callee ignores arguments
// it does not declare. An f32 travels as a double whose low 32 bits are its bits: the callee
// reads the low half of the same register. Signatures beyond that shape (v128, more than 8
// float or 12 integer parameters, several results) are refused with a host trap.
//
// The call runs inside w2n_run_guarded, so that a host function that traps (proc_exit ends the
// guest with W2N_TRAP_EXIT) returns here with the code instead of jumping over the interpreter.

import RuntimeSupport

#if !(arch(x86_64) || arch(arm64))
    #error("HostCall assumes the x86-64 System V or AArch64 calling convention")
#endif

enum HostCall {
    typealias IntegerResult = @convention(c) (
        UnsafeMutablePointer<w2n_instance>?, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, Double, Double, Double, Double, Double, Double, Double, Double
    ) -> UInt64
    typealias FloatResult = @convention(c) (
        UnsafeMutablePointer<w2n_instance>?, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, Double, Double, Double, Double, Double, Double, Double, Double
    ) -> Double

    /// One prepared call, handed to the guarded body.
    struct Call {
        var code: UnsafeMutableRawPointer
        var instance: UnsafeMutablePointer<w2n_instance>?
        var integers: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var floats: (Double, Double, Double, Double, Double, Double, Double, Double) = (0, 0, 0, 0, 0, 0, 0, 0)
        var returnsFloat = false
        var result: UInt64 = 0
    }

    /// Calls the host function behind `funcref` with the arguments in `slots` (as the signature
    /// lays them out) and leaves its result in `slots[0]`. Returns TrapCode.none or the trap.
    @inline(never)
    static func call(
        _ funcref: UnsafeMutablePointer<w2n_funcref>, signature: UnsafePointer<Signature>,
        slots: UnsafeMutablePointer<UInt64>
    ) -> UInt32 {
        guard let code = funcref.pointee.code else { return TrapCode.unresolvedImport }
        var call = Call(code: code, instance: funcref.pointee.instance)
        var integerCount = 0
        var floatCount = 0
        var slot = 0
        let results = signature.pointee.results
        guard results.count <= 1, results.first != .v128 else { return TrapCode.host }
        let fits = withUnsafeMutableBytes(of: &call.integers) { integers in
            withUnsafeMutableBytes(of: &call.floats) { floats -> Bool in
                for kind in signature.pointee.parameters {
                    let bits = slots[slot]
                    slot += kind.slots
                    switch kind {
                    case .i32, .i64, .ref:
                        guard integerCount < 12 else { return false }
                        integers.storeBytes(of: kind == .i32 ? UInt64(low32(bits)) : bits, toByteOffset: 8 * integerCount, as: UInt64.self)
                        integerCount += 1
                    case .f32, .f64:
                        guard floatCount < 8 else { return false }
                        floats.storeBytes(of: kind == .f32 ? UInt64(low32(bits)) : bits, toByteOffset: 8 * floatCount, as: UInt64.self)
                        floatCount += 1
                    case .v128:
                        return false
                    }
                }
                return true
            }
        }
        guard fits else { return TrapCode.host }
        call.returnsFloat = results.first == .f32 || results.first == .f64
        let trap = w2n_run_guarded(call.instance, guardedBody, &call)
        if trap != W2N_TRAP_NONE { return trap.rawValue }
        switch results.first {
        case .i32?, .f32?: slots[0] = UInt64(low32(call.result))
        case .i64?, .f64?, .ref?: slots[0] = call.result
        default: break
        }
        return TrapCode.none
    }
}

/// Runs a prepared `HostCall.Call` (`data`): the body w2n_run_guarded calls.
private let guardedBody: @convention(c) (UnsafeMutablePointer<w2n_instance>?, UnsafeMutableRawPointer?) -> Void = {
    _, data in
    let call = data!.assumingMemoryBound(to: HostCall.Call.self)
    let i = call.pointee.integers
    let f = call.pointee.floats
    if call.pointee.returnsFloat {
        let function = unsafeBitCast(call.pointee.code, to: HostCall.FloatResult.self)
        let value = function(
            call.pointee.instance, i.0, i.1, i.2, i.3, i.4, i.5, i.6, i.7, i.8, i.9, i.10, i.11, f.0, f.1, f.2, f.3, f.4,
            f.5, f.6, f.7)
        call.pointee.result = value.bitPattern
    } else {
        let function = unsafeBitCast(call.pointee.code, to: HostCall.IntegerResult.self)
        call.pointee.result = function(
            call.pointee.instance, i.0, i.1, i.2, i.3, i.4, i.5, i.6, i.7, i.8, i.9, i.10, i.11, f.0, f.1, f.2, f.3, f.4,
            f.5, f.6, f.7)
    }
}
