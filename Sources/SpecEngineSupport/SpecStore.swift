// The instances of one spec script and what they import, for both engines that run modules through
// RuntimeSupport's host API (native, interpreter): instances by name, registered namespaces, the
// `spectest` host module (SpecTestHost), instantiation with an import resolver (w2n_instantiate),
// and actions on exports (w2n_invoke, w2n_find_export, w2n_get_extern). Calls go through
// SpecTestHost's spec_call_*, so a fault or a runaway call fails one command instead of the run.
//
// Imports resolve to registered instances first, then to `spectest`. A module that fails to link
// only for lack of an import from a namespace whose `register` the harness skipped is skipped for
// that reason.

import RuntimeSupport
import SpecHarness
import SpecTestHost

/// One script's instances, registrations and spectest host.
package final class SpecStore {
    /// An instance, or why a module has none.
    package enum Slot {
        case instance(UnsafeMutablePointer<w2n_instance>)
        case unavailable(String)
    }

    /// What w2n_instantiate gave.
    package struct Attempt {
        package var status: w2n_instantiate_status
        package var instance: UnsafeMutablePointer<w2n_instance>?
        package var message: String
        /// The fault report, when instantiation faulted rather than trapped.
        package var fault: String?
        /// Set when instantiation failed only because an import comes from a namespace whose
        /// registration was skipped.
        package var skipReason: String?
    }

    /// Finds an export of a kind (`W2N_EXTERN_*`) by name: its index, or nil.
    package typealias ExportLookup = (UnsafeMutablePointer<w2n_instance>, String, UInt32) -> UInt32?

    private let printHostOutput: Bool
    private let beforeCall: () -> Void
    private let symbolize: (UInt) -> String?
    private var host: OpaquePointer?
    private var hostError: String?
    /// Every instance created, freed by `close()`.
    private var instances: [UnsafeMutablePointer<w2n_instance>] = []
    private var current: Slot?
    private var named: [String: Slot] = [:]
    private var registered: [String: UnsafeMutablePointer<w2n_instance>] = [:]
    /// Namespaces whose `register` the harness skipped, with the reason.
    private var skippedNamespaces: [String: String] = [:]
    /// The namespace of the last import the resolver could not find.
    private var lastMissingNamespace: String?

    /// A store whose `spectest.print*` write to stdout if `printHostOutput`; `beforeCall` runs
    /// before every call into a module (instantiation, invocation); `symbolize` describes a
    /// fault's pc (nil: the address in hex).
    package init(
        printHostOutput: Bool, beforeCall: @escaping () -> Void = {},
        symbolize: @escaping (UInt) -> String? = { _ in nil }
    ) {
        self.printHostOutput = printHostOutput
        self.beforeCall = beforeCall
        self.symbolize = symbolize
    }

    deinit {
        close()
    }

    /// Frees the instances, then the spectest objects they may import. Engines call it before
    /// releasing what the instances' descriptors live in (their modules, their shared object).
    package func close() {
        for instance in instances { w2n_instance_free(instance) }
        instances = []
        if let host { spec_host_free(host) }
        host = nil
    }

    // MARK: - Names

    /// The instance named `name`, else the last module's.
    package func slot(named name: String?) -> Slot? {
        if let name { return named[name] }
        return current
    }

    /// Makes `slot` the last module's, and `name`'s if given.
    package func bind(_ slot: Slot, as name: String?) {
        current = slot
        if let name { named[name] = slot }
    }

    /// Runs a `register` command: the instance becomes an import namespace.
    package func runRegister(_ command: SpecCommand) -> SpecOutcome {
        guard let namespace = command.registeredAs else {
            return .failed(expected: "a name to register as", got: "none")
        }
        switch slot(named: command.name) {
        case .instance(let instance)?:
            registered[namespace] = instance
            return .passed
        case .unavailable(let reason)?:
            return .failed(expected: "an instance to register", got: reason)
        case nil:
            return .failed(expected: "an instance to register", got: "no module \(command.name ?? "instantiated")")
        }
    }

    /// Remembers skipped registrations: a module importing from one is skipped for the same reason.
    package func noteSkipped(_ command: SpecCommand, reason: String) {
        guard command.kind == .register, let namespace = command.registeredAs else { return }
        skippedNamespaces[namespace] = reason
        registered[namespace] = nil
    }

    // MARK: - Instantiation

    /// Instantiates a module descriptor; the instance, if any, lives until `close()`.
    package func instantiate(_ descriptor: UnsafePointer<w2n_module>) -> Attempt {
        guard spectestHost() != nil else {
            return Attempt(status: W2N_INSTANTIATE_OUT_OF_MEMORY, instance: nil, message: hostError ?? "no spectest host")
        }
        var instance: UnsafeMutablePointer<w2n_instance>?
        var trap = W2N_TRAP_NONE
        var fault = spec_fault()
        let context = Unmanaged.passUnretained(self).toOpaque()
        lastMissingNamespace = nil
        beforeCall()
        let status = spec_call_instantiate(descriptor, resolveImport, context, &instance, &trap, &fault)
        if let instance { instances.append(instance) }
        var attempt = Attempt(status: status, instance: instance, message: String(cString: w2n_instantiate_error()))
        if status == W2N_INSTANTIATE_TRAP {
            attempt.fault = describe(fault)
            attempt.message = attempt.fault ?? String(cString: w2n_trap_message(trap))
        }
        if status == W2N_INSTANTIATE_UNKNOWN_IMPORT, let namespace = lastMissingNamespace {
            attempt.skipReason = skippedNamespaces[namespace]
        }
        return attempt
    }

    private func spectestHost() -> OpaquePointer? {
        if let host { return host }
        if hostError != nil { return nil }
        guard let created = spec_host_new(printHostOutput ? 1 : 0) else {
            hostError = "RuntimeSupport could not create the spectest table and memory"
            return nil
        }
        host = created
        return created
    }

    /// Resolves one import for w2n_instantiate: a registered instance's export, else spectest.
    /// 1 with `out` left zeroed means "found under another kind" (incompatible import type).
    fileprivate func resolve(_ entry: UnsafePointer<w2n_import>, _ out: UnsafeMutablePointer<w2n_extern>) -> Int32 {
        let namespace = String(cString: entry.pointee.module)
        if let instance = registered[namespace] {
            var index: UInt32 = 0
            let kind = entry.pointee.kind
            if w2n_find_export(instance, entry.pointee.name, kind, &index) != 0 {
                return w2n_get_extern(instance, kind, index, out) != 0 ? 1 : 0
            }
            for other: UInt32 in 0..<4 where other != kind {
                if w2n_find_export(instance, entry.pointee.name, other, &index) != 0 { return 1 }
            }
        } else if namespace == "spectest", let host, spec_host_resolve(host, entry, out) != 0 {
            return 1
        }
        lastMissingNamespace = namespace
        return 0
    }

    // MARK: - Actions

    /// Runs an action command (`action`, `assert_return`, `assert_trap`, `assert_exhaustion`):
    /// invokes an export or reads an exported global (`get`), then judges what it did.
    package func runAction(_ command: SpecCommand, exportIndex: ExportLookup) -> SpecOutcome {
        guard let action = command.action else {
            return .failed(expected: "an action", got: "a command without one")
        }
        switch slot(named: action.module) {
        case .instance(let instance)?:
            return RuntimeValue.judge(command, result: perform(action, on: instance, exportIndex: exportIndex))
        case .unavailable(let reason)?:
            return .failed(expected: RuntimeValue.expectation(of: command), got: reason)
        case nil:
            return .failed(
                expected: RuntimeValue.expectation(of: command), got: "no module \(action.module ?? "instantiated")")
        }
    }

    private func perform(
        _ action: SpecAction, on instance: UnsafeMutablePointer<w2n_instance>, exportIndex: ExportLookup
    ) -> ActionResult {
        switch action.type {
        case "invoke":
            return invoke(action, on: instance, exportIndex: exportIndex)
        case "get":
            guard let index = exportIndex(instance, action.field, UInt32(W2N_EXTERN_GLOBAL)) else {
                return .error("no exported global \"\(action.field)\"")
            }
            var found = w2n_extern()
            guard w2n_get_extern(instance, UInt32(W2N_EXTERN_GLOBAL), index, &found) != 0, let cell = found.global else {
                return .error("w2n_get_extern found no global \(index)")
            }
            guard let kind = RuntimeValue.Kind(valueKind: found.global_type.kind) else {
                return .error("global \(index) has the unknown kind 0x\(String(found.global_type.kind, radix: 16))")
            }
            return .values([RuntimeValue(kind: kind, bits: cell.pointee)])
        default:
            return .error("unknown action type \(action.type)")
        }
    }

    private func invoke(
        _ action: SpecAction, on instance: UnsafeMutablePointer<w2n_instance>, exportIndex: ExportLookup
    ) -> ActionResult {
        guard let index = exportIndex(instance, action.field, UInt32(W2N_EXTERN_FUNC)) else {
            return .error("no exported function \"\(action.field)\"")
        }
        let module = instance.pointee.module!
        guard index < module.pointee.num_functions else { return .error("function index \(index) out of range") }
        let typeIndex = module.pointee.functions[Int(index)].type_index
        guard typeIndex < module.pointee.num_types, let text = module.pointee.types[Int(typeIndex)].signature else {
            return .error("function \(index) has no type")
        }
        guard let signature = RuntimeValue.Signature(String(cString: text)) else {
            return .error("unreadable signature \"\(String(cString: text))\"")
        }
        let specArguments = action.args ?? []
        guard specArguments.count == signature.parameters.count else {
            return .error("\(specArguments.count) arguments for \(signature.parameters.count) parameters")
        }
        var arguments: [w2n_value] = []
        for (value, kind) in zip(specArguments, signature.parameters) {
            switch RuntimeValue.encode(value, as: kind) {
            case .success(let bits): arguments.append(bits)
            case .failure(let error): return .error("argument: \(error.message)")
            }
        }
        if arguments.isEmpty { arguments.append(w2n_value()) }
        var results = [w2n_value](repeating: w2n_value(), count: max(1, signature.results.count))
        var fault = spec_fault()
        beforeCall()
        let code = spec_call_invoke(instance, index, arguments, &results, &fault)
        if let text = describe(fault) { return .fault(text) }
        if code != W2N_TRAP_NONE { return .trap(String(cString: w2n_trap_message(code))) }
        return .values(zip(signature.results, results).map { RuntimeValue(kind: $0, bits: $1) })
    }

    // MARK: - Faults

    /// "crash: SIGSEGV at address 0x10 (pc lib.so+0x1234)", "timeout: interrupted at pc ...", or
    /// nil for no fault.
    package func describe(_ fault: spec_fault) -> String? {
        switch fault.kind {
        case Int32(SPEC_FAULT_SIGNAL.rawValue):
            let name = String(cString: spec_signal_name(fault.signal_number))
            return "crash: \(name) at address 0x\(String(fault.address, radix: 16)) (pc \(describe(pc: UInt(fault.pc))))"
        case Int32(SPEC_FAULT_TIMEOUT.rawValue):
            return "timeout: interrupted at pc \(describe(pc: UInt(fault.pc)))"
        default:
            return nil
        }
    }

    private func describe(pc: UInt) -> String {
        symbolize(pc) ?? "0x\(String(pc, radix: 16))"
    }
}

// MARK: - Outcomes

extension SpecStore.Attempt {
    /// What a `module` or `module_instance` command leaves for later commands, and its outcome.
    package var moduleOutcome: (SpecStore.Slot, SpecOutcome) {
        if let skipReason { return (.unavailable(skipReason), .skipped(reason: skipReason)) }
        switch status {
        case W2N_INSTANTIATE_OK:
            guard let instance else {
                return (.unavailable("no instance"), .failed(expected: "an instance", got: "no instance"))
            }
            return (.instance(instance), .passed)
        case W2N_INSTANTIATE_TRAP:
            let message = "instantiation trapped: \(self.message)"
            return (.unavailable(message), .failed(expected: "an instance", got: message))
        default:
            let message = "instantiation failed: \(self.message)"
            return (.unavailable(message), .failed(expected: "an instance", got: message))
        }
    }

    /// The outcome of an `assert_unlinkable` command (instantiation must fail with "unknown
    /// import" or "incompatible import type") or an `assert_uninstantiable` one (it must trap;
    /// the instance stays: its effects persist).
    package func outcome(of command: SpecCommand) -> SpecOutcome {
        if let skipReason { return .skipped(reason: skipReason) }
        let expectedText = command.text ?? ""
        let unlinkable = command.kind == .assertUnlinkable
        let expected = (unlinkable ? "unlinkable: " : "trap: ") + expectedText
        switch status {
        case W2N_INSTANTIATE_OK:
            return .failed(expected: expected, got: "instantiated")
        case W2N_INSTANTIATE_UNKNOWN_IMPORT, W2N_INSTANTIATE_INCOMPATIBLE_IMPORT:
            guard unlinkable else { return .failed(expected: expected, got: "unlinkable: \(message)") }
            return .passed(message: MessageCheck(expected: expectedText, actual: message))
        case W2N_INSTANTIATE_TRAP:
            guard !unlinkable, fault == nil else { return .failed(expected: expected, got: "trap: \(message)") }
            return RuntimeValue.judgeTrap(message: message, expected: expectedText)
        default:
            return .failed(expected: expected, got: message)
        }
    }
}

/// The import resolver handed to w2n_instantiate; `context` is the store.
private let resolveImport: w2n_import_resolver = { context, entry, out in
    guard let context, let entry, let out else { return 0 }
    let store = Unmanaged<SpecStore>.fromOpaque(context).takeUnretainedValue()
    return store.resolve(entry, out)
}
