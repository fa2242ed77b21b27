// One script's run in the native engine: its instances, registrations, the spectest host, and
// how each command maps onto RuntimeSupport.
//
// - `module`: instantiate (a trap in initialization or start fails the command);
// - `module_definition` / `module_instance`: compile once, instantiate on `module_instance`;
// - `register`: the instance becomes an import namespace for the resolver;
// - `action`, `assert_return`, `assert_trap`, `assert_exhaustion`: invoke an export or read an
//   exported global (`get`), then compare (NativeValues.swift);
// - `assert_unlinkable`: instantiation must fail with "unknown import" or "incompatible import
//   type"; `assert_uninstantiable`: it must trap (the instance stays: its effects persist);
// - `assert_invalid`, `assert_malformed`: the parser engine's session.
// Imports resolve to registered instances first, then to `spectest`.

import Foundation
import RuntimeSupport
import SpecHarness
import SpecTestHost

extension NativeEngine {
    /// The per-script state of the native engine.
    package final class Session: SpecEngineSession {
        /// An instance, or why a module has none.
        enum Slot {
            case instance(UnsafeMutablePointer<w2n_instance>)
            case unavailable(String)
        }

        let file: SpecFile
        var parser: ParserEngine.Session
        let build: ScriptBuild?
        let setupError: String?
        let configuration: Configuration
        private var host: OpaquePointer?
        private var hostError: String?
        private var current: Slot?
        private var named: [String: Slot] = [:]
        private var definitions: [String: URL] = [:]
        private var registered: [String: UnsafeMutablePointer<w2n_instance>] = [:]
        private var instances: [UnsafeMutablePointer<w2n_instance>] = []
        /// Namespaces whose `register` the harness skipped, with the reason.
        private var skippedNamespaces: [String: String] = [:]
        /// The namespace of the last import the resolver could not find.
        private var lastMissingNamespace: String?

        init(
            file: SpecFile, parser: ParserEngine.Session, build: ScriptBuild?, setupError: String?,
            configuration: Configuration
        ) {
            self.file = file
            self.parser = parser
            self.build = build
            self.setupError = setupError
            self.configuration = configuration
        }

        deinit {
            // Instances first (they read their descriptors, which live in the shared object),
            // then the spectest objects they may import; the shared object goes with `build`.
            for instance in instances { w2n_instance_free(instance) }
            if let host { spec_host_free(host) }
        }

        /// Runs one command.
        package func run(_ command: SpecCommand, module: URL?) -> SpecOutcome {
            switch command.kind {
            case .assertInvalid, .assertMalformed:
                return parser.run(command, module: module)
            case .module:
                return runModule(command, module: module)
            case .moduleDefinition:
                return runModuleDefinition(command, module: module)
            case .moduleInstance:
                return runModuleInstance(command)
            case .register:
                return runRegister(command)
            case .action, .assertReturn, .assertTrap, .assertExhaustion:
                return runAction(command)
            case .assertUnlinkable, .assertUninstantiable:
                return runFailingInstantiation(command, module: module)
            case .assertException:
                return .skipped(reason: "beyond Wasm 2.0: exception-handling")
            case .unknown:
                return .failed(expected: "a command type the harness knows", got: command.typeName)
            }
        }

        /// Remembers skipped registrations: a module importing from one is skipped for the same reason.
        package func noteSkipped(_ command: SpecCommand, reason: String) {
            guard command.kind == .register, let namespace = command.registeredAs else { return }
            skippedNamespaces[namespace] = reason
            registered[namespace] = nil
        }

        /// The skip reason when instantiation failed only because an import comes from a namespace
        /// whose registration was skipped.
        private func skipReason(of attempt: Attempt) -> String? {
            guard attempt.status == W2N_INSTANTIATE_UNKNOWN_IMPORT, let namespace = lastMissingNamespace else { return nil }
            return skippedNamespaces[namespace]
        }

        // MARK: - Modules

        private func runModule(_ command: SpecCommand, module: URL?) -> SpecOutcome {
            guard let module else { return .skipped(reason: "no binary module") }
            let (slot, outcome) = instantiate(module)
            current = slot
            if let name = command.name { named[name] = slot }
            return outcome
        }

        private func runModuleDefinition(_ command: SpecCommand, module: URL?) -> SpecOutcome {
            guard let module else { return .skipped(reason: "no binary module") }
            if let name = command.name { definitions[name] = module }
            switch loadDescriptor(module) {
            case .success: return .passed
            case .failure(let failure): return failure.outcome
            }
        }

        private func runModuleInstance(_ command: SpecCommand) -> SpecOutcome {
            guard let definition = command.module, let module = definitions[definition] else {
                return .failed(expected: "a module definition", got: "no definition \(command.module ?? "(none)")")
            }
            let (slot, outcome) = instantiate(module)
            current = slot
            if let name = command.instance { named[name] = slot }
            return outcome
        }

        private func runRegister(_ command: SpecCommand) -> SpecOutcome {
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

        private func runFailingInstantiation(_ command: SpecCommand, module: URL?) -> SpecOutcome {
            guard let module else { return .skipped(reason: "no binary module") }
            let expectedText = command.text ?? ""
            let descriptor: UnsafePointer<w2n_module>
            switch loadDescriptor(module) {
            case .success(let found): descriptor = found
            case .failure(let failure): return failure.outcome
            }
            let attempt = instantiate(descriptor)
            if let instance = attempt.instance { instances.append(instance) }
            if let reason = skipReason(of: attempt) { return .skipped(reason: reason) }
            let unlinkable = command.kind == .assertUnlinkable
            let expected = (unlinkable ? "unlinkable: " : "trap: ") + expectedText
            switch attempt.status {
            case W2N_INSTANTIATE_OK:
                return .failed(expected: expected, got: "instantiated")
            case W2N_INSTANTIATE_UNKNOWN_IMPORT, W2N_INSTANTIATE_INCOMPATIBLE_IMPORT:
                guard unlinkable else { return .failed(expected: expected, got: "unlinkable: \(attempt.message)") }
                return .passed(message: MessageCheck(expected: expectedText, actual: attempt.message))
            case W2N_INSTANTIATE_TRAP:
                guard !unlinkable, attempt.fault == nil else { return .failed(expected: expected, got: "trap: \(attempt.message)") }
                return Self.judgeTrap(message: attempt.message, expected: expectedText)
            default:
                return .failed(expected: expected, got: attempt.message)
            }
        }

        /// Instantiates a module file: the slot to remember and the command's outcome.
        private func instantiate(_ module: URL) -> (Slot, SpecOutcome) {
            let descriptor: UnsafePointer<w2n_module>
            switch loadDescriptor(module) {
            case .success(let found): descriptor = found
            case .failure(let failure): return (.unavailable(failure.reason), failure.outcome)
            }
            let attempt = instantiate(descriptor)
            if let instance = attempt.instance { instances.append(instance) }
            if let reason = skipReason(of: attempt) { return (.unavailable(reason), .skipped(reason: reason)) }
            switch attempt.status {
            case W2N_INSTANTIATE_OK:
                guard let instance = attempt.instance else {
                    return (.unavailable("no instance"), .failed(expected: "an instance", got: "no instance"))
                }
                return (.instance(instance), .passed)
            case W2N_INSTANTIATE_TRAP:
                let message = "instantiation trapped: \(attempt.message)"
                return (.unavailable(message), .failed(expected: "an instance", got: message))
            default:
                let message = "instantiation failed: \(attempt.message)"
                return (.unavailable(message), .failed(expected: "an instance", got: message))
            }
        }

        /// Why a module has no descriptor: the reason later commands on it report, and the outcome
        /// of the command that carries it.
        struct DescriptorFailure: Error {
            var reason: String
            var outcome: SpecOutcome
        }

        private func loadDescriptor(_ module: URL) -> Result<UnsafePointer<w2n_module>, DescriptorFailure> {
            if let setupError {
                return .failure(DescriptorFailure(reason: setupError, outcome: .failed(expected: "a loaded script", got: setupError)))
            }
            switch build?.status(of: module) {
            case .ready(let descriptor, _)?:
                return .success(descriptor.assumingMemoryBound(to: w2n_module.self))
            case .invalid(let message)?:
                return .failure(DescriptorFailure(reason: "invalid module: \(message)", outcome: .failed(expected: "a valid module", got: message)))
            case .compileFailed(let message, let feature)?:
                if feature == "simd" {
                    return .failure(DescriptorFailure(reason: simdNotLoweredYet, outcome: .skipped(reason: simdNotLoweredYet)))
                }
                return .failure(DescriptorFailure(reason: "compile failed: \(message)", outcome: .failed(expected: "a compiled module", got: message)))
            case .unavailable(let message)?:
                return .failure(DescriptorFailure(reason: message, outcome: .failed(expected: "a loaded module", got: message)))
            case nil:
                let message = "\(module.lastPathComponent) was not compiled"
                return .failure(DescriptorFailure(reason: message, outcome: .failed(expected: "a compiled module", got: message)))
            }
        }

        // MARK: - Instantiation

        /// What w2n_instantiate gave.
        struct Attempt {
            var status: w2n_instantiate_status
            var instance: UnsafeMutablePointer<w2n_instance>?
            var message: String
            var fault: String?
        }

        private func instantiate(_ descriptor: UnsafePointer<w2n_module>) -> Attempt {
            guard let host = spectestHost() else {
                return Attempt(status: W2N_INSTANTIATE_OUT_OF_MEMORY, instance: nil, message: hostError ?? "no spectest host")
            }
            _ = host
            var instance: UnsafeMutablePointer<w2n_instance>?
            var trap = W2N_TRAP_NONE
            var fault = spec_fault()
            let context = Unmanaged.passUnretained(self).toOpaque()
            lastMissingNamespace = nil
            let status = spec_call_instantiate(descriptor, resolveImport, context, &instance, &trap, &fault)
            var message = String(cString: w2n_instantiate_error())
            var faultText: String?
            if status == W2N_INSTANTIATE_TRAP {
                faultText = Self.describe(fault)
                message = faultText ?? String(cString: w2n_trap_message(trap))
            }
            return Attempt(status: status, instance: instance, message: message, fault: faultText)
        }

        private func spectestHost() -> OpaquePointer? {
            if let host { return host }
            if hostError != nil { return nil }
            guard let created = spec_host_new(configuration.printHostOutput ? 1 : 0) else {
                hostError = "RuntimeSupport could not create the spectest table and memory"
                return nil
            }
            host = created
            return created
        }

        /// Resolves one import for w2n_instantiate: a registered instance's export, else spectest.
        /// 1 with `out` left zeroed means "found under another kind" (incompatible import type).
        func resolve(_ entry: UnsafePointer<w2n_import>, _ out: UnsafeMutablePointer<w2n_extern>) -> Int32 {
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

        private func slot(named name: String?) -> Slot? {
            if let name { return named[name] }
            return current
        }

        private func runAction(_ command: SpecCommand) -> SpecOutcome {
            guard let action = command.action else {
                return .failed(expected: "an action", got: "a command without one")
            }
            let instance: UnsafeMutablePointer<w2n_instance>
            switch slot(named: action.module) {
            case .instance(let found)?: instance = found
            case .unavailable(let reason)?: return .failed(expected: Self.expectation(of: command), got: reason)
            case nil:
                return .failed(expected: Self.expectation(of: command), got: "no module \(action.module ?? "instantiated")")
            }
            let result = perform(action, on: instance)
            return Self.judge(command, result: result)
        }

        /// What an action did.
        enum ActionResult {
            case values([NativeValue])
            case trap(String)
            case fault(String)
            case error(String)
        }

        private func perform(_ action: SpecAction, on instance: UnsafeMutablePointer<w2n_instance>) -> ActionResult {
            switch action.type {
            case "invoke":
                return invoke(action, on: instance)
            case "get":
                var index: UInt32 = 0
                guard findExport(instance, action.field, UInt32(W2N_EXTERN_GLOBAL), &index) != 0 else {
                    return .error("no exported global \"\(action.field)\"")
                }
                var found = w2n_extern()
                guard w2n_get_extern(instance, UInt32(W2N_EXTERN_GLOBAL), index, &found) != 0, let cell = found.global else {
                    return .error("w2n_get_extern found no global \(index)")
                }
                guard let kind = NativeValue.Kind(valueKind: found.global_type.kind) else {
                    return .error("global \(index) has the unknown kind 0x\(String(found.global_type.kind, radix: 16))")
                }
                return .values([NativeValue(kind: kind, bits: cell.pointee)])
            default:
                return .error("unknown action type \(action.type)")
            }
        }

        private func invoke(_ action: SpecAction, on instance: UnsafeMutablePointer<w2n_instance>) -> ActionResult {
            var index: UInt32 = 0
            guard findExport(instance, action.field, UInt32(W2N_EXTERN_FUNC), &index) != 0 else {
                return .error("no exported function \"\(action.field)\"")
            }
            let module = instance.pointee.module!
            guard index < module.pointee.num_functions else { return .error("function index \(index) out of range") }
            let typeIndex = module.pointee.functions[Int(index)].type_index
            guard typeIndex < module.pointee.num_types, let text = module.pointee.types[Int(typeIndex)].signature else {
                return .error("function \(index) has no type")
            }
            guard let signature = NativeValue.Signature(String(cString: text)) else {
                return .error("unreadable signature \"\(String(cString: text))\"")
            }
            let specArguments = action.args ?? []
            guard specArguments.count == signature.parameters.count else {
                return .error("\(specArguments.count) arguments for \(signature.parameters.count) parameters")
            }
            var arguments: [w2n_value] = []
            for (value, kind) in zip(specArguments, signature.parameters) {
                switch NativeValue.encode(value, as: kind) {
                case .success(let bits): arguments.append(bits)
                case .failure(let message): return .error("argument: \(message)")
                }
            }
            if arguments.isEmpty { arguments.append(w2n_value()) }
            var results = [w2n_value](repeating: w2n_value(), count: max(1, signature.results.count))
            var fault = spec_fault()
            let code = spec_call_invoke(instance, index, arguments, &results, &fault)
            if let text = Self.describe(fault) { return .fault(text) }
            if code != W2N_TRAP_NONE { return .trap(String(cString: w2n_trap_message(code))) }
            return .values(zip(signature.results, results).map { NativeValue(kind: $0, bits: $1) })
        }

        /// "crash: SIGSEGV at 0x10 (pc lib.so+0x1234)", "timeout: ...", or nil for no fault.
        static func describe(_ fault: spec_fault) -> String? {
            switch fault.kind {
            case Int32(SPEC_FAULT_SIGNAL.rawValue):
                let name = String(cString: spec_signal_name(fault.signal_number))
                let pc = SharedLibrary.describe(address: UInt(fault.pc)) ?? "0x\(String(fault.pc, radix: 16))"
                return "crash: \(name) at address 0x\(String(fault.address, radix: 16)) (pc \(pc))"
            case Int32(SPEC_FAULT_TIMEOUT.rawValue):
                let pc = SharedLibrary.describe(address: UInt(fault.pc)) ?? "0x\(String(fault.pc, radix: 16))"
                return "timeout: interrupted at pc \(pc)"
            default:
                return nil
            }
        }

        // MARK: - Judging

        static func expectation(of command: SpecCommand) -> String {
            switch command.kind {
            case .assertReturn: return NativeValue.describe(expected: command.expected ?? [])
            case .assertTrap, .assertExhaustion: return "trap: \(command.text ?? "")"
            default: return "no trap"
            }
        }

        /// The spec harness rule: the expected text is a prefix of our message. Our messages are
        /// fixed per trap code, so where the suite adds a detail to the spec's message
        /// ("uninitialized element 2") the command passes and the difference is listed among the
        /// message mismatches.
        static func judgeTrap(message: String, expected: String) -> SpecOutcome {
            if message.hasPrefix(expected) { return .passed }
            if expected.hasPrefix(message + " ") {
                return .passed(message: MessageCheck(expected: expected, actual: message))
            }
            return .failed(expected: "trap: \(expected)", got: "trap: \(message)")
        }

        static func judge(_ command: SpecCommand, result: ActionResult) -> SpecOutcome {
            let expected = expectation(of: command)
            switch result {
            case .error(let message):
                return .failed(expected: expected, got: message)
            case .fault(let message):
                return .failed(expected: expected, got: message)
            case .trap(let message):
                switch command.kind {
                case .assertTrap, .assertExhaustion:
                    return judgeTrap(message: message, expected: command.text ?? "")
                default:
                    return .failed(expected: expected, got: "trap: \(message)")
                }
            case .values(let values):
                switch command.kind {
                case .assertReturn:
                    let wanted = command.expected ?? []
                    if NativeValue.matches(values, expected: wanted) { return .passed }
                    return .failed(expected: expected, got: NativeValue.describe(values, like: wanted))
                case .assertTrap, .assertExhaustion:
                    return .failed(expected: expected, got: "returned \(NativeValue.describe(values, like: []))")
                default:
                    return .passed
                }
            }
        }
    }
}

/// The import resolver handed to w2n_instantiate; `context` is the session.
private let resolveImport: w2n_import_resolver = { context, entry, out in
    guard let context, let entry, let out else { return 0 }
    let session = Unmanaged<NativeEngine.Session>.fromOpaque(context).takeUnretainedValue()
    return session.resolve(entry, out)
}

/// Looks an export up by its exact bytes (names may contain NUL).
func findExport(_ instance: UnsafeMutablePointer<w2n_instance>?, _ name: String, _ kind: UInt32, _ index: inout UInt32) -> Int32 {
    let bytes = Array(name.utf8)
    return bytes.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { w2n_find_export_bytes(instance, $0.baseAddress, $0.count, kind, &index) }
    }
}
