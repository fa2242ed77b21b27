// The interpreter engine of the spec harness (`w2n-dev spectest --engine interpreter`).
//
// Every module a script runs is validated and translated by the Interpreter, instantiated by
// RuntimeSupport from the interpreter's run-time descriptor, and driven through the same host API
// as the native engine (w2n_instantiate with an import resolver, w2n_invoke, w2n_find_export,
// w2n_get_extern), with the same spectest host module (SpecTestHost). Calls go through
// SpecTestHost's spec_call_*, so a fault or a runaway call (past `callTimeout`) fails one command
// instead of the run. `assert_invalid` / `assert_malformed` run through the parser engine.
//
// Counting rules are the harness's; the per-command mapping is the native engine's:
// - `module`: instantiate (a trap in initialization or start fails the command);
// - `module_definition` / `module_instance`: prepare once, instantiate on `module_instance`;
// - `register`: the instance becomes an import namespace for the resolver;
// - `action`, `assert_return`, `assert_trap`, `assert_exhaustion`: invoke an export or read an
//   exported global, then compare (InterpreterValue.swift);
// - `assert_unlinkable`: instantiation fails with "unknown import" or "incompatible import type";
//   `assert_uninstantiable`: it traps (the instance stays: its effects persist).
// Imports resolve to registered instances first, then to `spectest`.

import Foundation
import Interpreter
import RuntimeSupport
import SpecHarness
import SpecTestHost
import WasmParser

/// Runs spec commands in the interpreter.
package struct InterpreterEngine: SpecEngine {
    /// Seconds after which a call is interrupted (0: never).
    package var callTimeout: Double
    /// Whether `spectest.print*` write to stdout.
    package var printHostOutput: Bool

    /// Creates the engine and installs the fault recovery of spec calls (before any other
    /// RuntimeSupport call, so that RuntimeSupport's fault handler chains to it).
    package init(callTimeout: Double = 10, printHostOutput: Bool = false) {
        self.callTimeout = callTimeout
        self.printHostOutput = printHostOutput
        spec_calls_install(callTimeout)
    }

    /// "interpreter".
    package var name: String { "interpreter" }

    package func makeSession(for file: SpecFile) -> Session {
        Session(parser: ParserEngine().makeSession(for: file), printHostOutput: printHostOutput)
    }

    /// The per-script state.
    package final class Session: SpecEngineSession {
        enum Slot {
            case instance(UnsafeMutablePointer<w2n_instance>)
            case unavailable(String)
        }

        var parser: ParserEngine.Session
        let printHostOutput: Bool
        private var host: OpaquePointer?
        private var current: Slot?
        private var named: [String: Slot] = [:]
        private var definitions: [String: InterpretedModule] = [:]
        private var registered: [String: UnsafeMutablePointer<w2n_instance>] = [:]
        private var instances: [UnsafeMutablePointer<w2n_instance>] = []
        /// Every module prepared: they must outlive their instances.
        private var modules: [InterpretedModule] = []
        /// Names whose registration the harness skipped, with the reason: a module that fails to
        /// link only for lack of one of them is skipped for that reason (the native engine's rule).
        private var skippedNamespaces: [String: String] = [:]
        /// The namespace of the last import the resolver could not find.
        private var lastMissingNamespace: String?
        /// The module of each instance, for exports whose names C strings cannot hold.
        private var moduleOfInstance: [UnsafeMutablePointer<w2n_instance>: InterpretedModule] = [:]

        init(parser: ParserEngine.Session, printHostOutput: Bool) {
            self.parser = parser
            self.printHostOutput = printHostOutput
        }

        deinit {
            for instance in instances { w2n_instance_free(instance) }
            if let host { spec_host_free(host) }
        }

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

        package func run(_ command: SpecCommand, module: URL?) -> SpecOutcome {
            switch command.kind {
            case .assertInvalid, .assertMalformed:
                return parser.run(command, module: module)
            case .module:
                guard let module else { return .skipped(reason: "no binary module") }
                let (slot, outcome) = instantiate(prepare(module))
                current = slot
                if let name = command.name { named[name] = slot }
                return outcome
            case .moduleDefinition:
                guard let module else { return .skipped(reason: "no binary module") }
                switch prepare(module) {
                case .success(let prepared):
                    if let name = command.name { definitions[name] = prepared }
                    return .passed
                case .failure(let failure):
                    return .failed(expected: "a valid module", got: failure.message)
                }
            case .moduleInstance:
                guard let name = command.module, let definition = definitions[name] else {
                    return .failed(expected: "a module definition", got: "no definition \(command.module ?? "(none)")")
                }
                let (slot, outcome) = instantiate(.success(definition))
                current = slot
                if let instance = command.instance { named[instance] = slot }
                return outcome
            case .register:
                guard let namespace = command.registeredAs else { return .failed(expected: "a name", got: "none") }
                switch slot(named: command.name) {
                case .instance(let instance)?:
                    registered[namespace] = instance
                    return .passed
                case .unavailable(let reason)?:
                    return .failed(expected: "an instance to register", got: reason)
                case nil:
                    return .failed(expected: "an instance to register", got: "no module \(command.name ?? "instantiated")")
                }
            case .action, .assertReturn, .assertTrap, .assertExhaustion:
                return runAction(command)
            case .assertUnlinkable, .assertUninstantiable:
                guard let module else { return .skipped(reason: "no binary module") }
                return runFailingInstantiation(command, prepare(module))
            case .assertException:
                return .skipped(reason: "beyond Wasm 2.0: exception-handling")
            case .unknown:
                return .failed(expected: "a command type the harness knows", got: command.typeName)
            }
        }

        // MARK: - Modules

        struct PrepareError: Error {
            var message: String
        }

        /// Reads, validates and translates a module file.
        private func prepare(_ url: URL) -> Result<InterpretedModule, PrepareError> {
            guard let data = FileManager.default.contents(atPath: url.path) else {
                return .failure(PrepareError(message: "cannot read \(url.path)"))
            }
            do {
                let module = try InterpretedModule(bytes: [UInt8](data))
                try module.translateAll()
                modules.append(module)
                return .success(module)
            } catch {
                return .failure(PrepareError(message: "\(error)"))
            }
        }

        struct Attempt {
            var status: w2n_instantiate_status
            var instance: UnsafeMutablePointer<w2n_instance>?
            var message: String
            var fault: String?
        }

        private func attempt(_ module: InterpretedModule) -> Attempt {
            if host == nil { host = spec_host_new(printHostOutput ? 1 : 0) }
            guard host != nil else {
                return Attempt(status: W2N_INSTANTIATE_OUT_OF_MEMORY, instance: nil, message: "no spectest host")
            }
            Interpreter.resetThread()
            lastMissingNamespace = nil
            var instance: UnsafeMutablePointer<w2n_instance>?
            var trap = W2N_TRAP_NONE
            var fault = spec_fault()
            let context = Unmanaged.passUnretained(self).toOpaque()
            let status = spec_call_instantiate(module.descriptor, resolveImport, context, &instance, &trap, &fault)
            if let instance {
                instances.append(instance)
                moduleOfInstance[instance] = module
            }
            var message = String(cString: w2n_instantiate_error())
            var faultText: String?
            if status == W2N_INSTANTIATE_TRAP {
                faultText = Self.describe(fault)
                message = faultText ?? String(cString: w2n_trap_message(trap))
            }
            return Attempt(status: status, instance: instance, message: message, fault: faultText)
        }

        private func instantiate(_ prepared: Result<InterpretedModule, PrepareError>) -> (Slot, SpecOutcome) {
            let module: InterpretedModule
            switch prepared {
            case .success(let found): module = found
            case .failure(let failure):
                return (.unavailable(failure.message), .failed(expected: "a valid module", got: failure.message))
            }
            let result = attempt(module)
            if let reason = skipReason(of: result) { return (.unavailable(reason), .skipped(reason: reason)) }
            switch result.status {
            case W2N_INSTANTIATE_OK:
                guard let instance = result.instance else {
                    return (.unavailable("no instance"), .failed(expected: "an instance", got: "no instance"))
                }
                return (.instance(instance), .passed)
            case W2N_INSTANTIATE_TRAP:
                let message = "instantiation trapped: \(result.message)"
                return (.unavailable(message), .failed(expected: "an instance", got: message))
            default:
                let message = "instantiation failed: \(result.message)"
                return (.unavailable(message), .failed(expected: "an instance", got: message))
            }
        }

        private func runFailingInstantiation(
            _ command: SpecCommand, _ prepared: Result<InterpretedModule, PrepareError>
        ) -> SpecOutcome {
            let expectedText = command.text ?? ""
            let unlinkable = command.kind == .assertUnlinkable
            let expected = (unlinkable ? "unlinkable: " : "trap: ") + expectedText
            let module: InterpretedModule
            switch prepared {
            case .success(let found): module = found
            case .failure(let failure): return .failed(expected: expected, got: failure.message)
            }
            let result = attempt(module)
            if let reason = skipReason(of: result) { return .skipped(reason: reason) }
            switch result.status {
            case W2N_INSTANTIATE_OK:
                return .failed(expected: expected, got: "instantiated")
            case W2N_INSTANTIATE_UNKNOWN_IMPORT, W2N_INSTANTIATE_INCOMPATIBLE_IMPORT:
                guard unlinkable else { return .failed(expected: expected, got: "unlinkable: \(result.message)") }
                return .passed(message: MessageCheck(expected: expectedText, actual: result.message))
            case W2N_INSTANTIATE_TRAP:
                guard !unlinkable, result.fault == nil else { return .failed(expected: expected, got: "trap: \(result.message)") }
                return InterpreterValue.judgeTrap(message: result.message, expected: expectedText)
            default:
                return .failed(expected: expected, got: result.message)
            }
        }

        /// Resolves one import: a registered instance's export, else spectest.
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
            guard let action = command.action else { return .failed(expected: "an action", got: "none") }
            let expected = InterpreterValue.expectation(of: command)
            switch slot(named: action.module) {
            case .instance(let instance)?:
                return InterpreterValue.judge(command, result: perform(action, on: instance))
            case .unavailable(let reason)?:
                return .failed(expected: expected, got: reason)
            case nil:
                return .failed(expected: expected, got: "no module \(action.module ?? "instantiated")")
            }
        }

        private func perform(_ action: SpecAction, on instance: UnsafeMutablePointer<w2n_instance>) -> ActionResult {
            switch action.type {
            case "invoke":
                return invoke(action, on: instance)
            case "get":
                guard let index = findExport(action.field, kind: UInt32(W2N_EXTERN_GLOBAL), in: instance) else {
                    return .error("no exported global \"\(action.field)\"")
                }
                var found = w2n_extern()
                guard w2n_get_extern(instance, UInt32(W2N_EXTERN_GLOBAL), index, &found) != 0, let cell = found.global,
                    let kind = InterpreterValue.Kind(valueKind: found.global_type.kind)
                else { return .error("no global \(index)") }
                return .values([InterpreterValue(kind: kind, bits: cell.pointee)])
            default:
                return .error("unknown action type \(action.type)")
            }
        }

        private func invoke(_ action: SpecAction, on instance: UnsafeMutablePointer<w2n_instance>) -> ActionResult {
            guard let index = findExport(action.field, kind: UInt32(W2N_EXTERN_FUNC), in: instance) else {
                return .error("no exported function \"\(action.field)\"")
            }
            let module = instance.pointee.module!
            let typeIndex = module.pointee.functions[Int(index)].type_index
            guard let text = module.pointee.types[Int(typeIndex)].signature,
                let signature = InterpreterValue.Signature(String(cString: text))
            else { return .error("function \(index) has no readable type") }
            let specArguments = action.args ?? []
            guard specArguments.count == signature.parameters.count else {
                return .error("\(specArguments.count) arguments for \(signature.parameters.count) parameters")
            }
            var arguments: [w2n_value] = []
            for (value, kind) in zip(specArguments, signature.parameters) {
                switch InterpreterValue.encode(value, as: kind) {
                case .success(let bits): arguments.append(bits)
                case .failure(let error): return .error("argument: \(error.message)")
                }
            }
            if arguments.isEmpty { arguments.append(w2n_value()) }
            var results = [w2n_value](repeating: w2n_value(), count: max(1, signature.results.count))
            var fault = spec_fault()
            Interpreter.resetThread()
            let code = spec_call_invoke(instance, index, arguments, &results, &fault)
            if let text = Self.describe(fault) { return .fault(text) }
            if code != W2N_TRAP_NONE { return .trap(String(cString: w2n_trap_message(code))) }
            return .values(zip(signature.results, results).map { InterpreterValue(kind: $0, bits: $1) })
        }

        /// The index of an export, its name compared byte for byte (names may hold NUL characters,
        /// which the descriptor's C strings cannot, and differ only in Unicode normalization, which
        /// Swift's `==` ignores).
        private func findExport(_ name: String, kind: UInt32, in instance: UnsafeMutablePointer<w2n_instance>) -> UInt32? {
            if let module = moduleOfInstance[instance] {
                for export in module.module.exports where export.name.utf8.elementsEqual(name.utf8) {
                    switch (export.descriptor, kind) {
                    case (.function(let index), 0), (.table(let index), 1), (.memory(let index), 2), (.global(let index), 3):
                        return index
                    default:
                        continue
                    }
                }
                return nil
            }
            var index: UInt32 = 0
            return w2n_find_export(instance, name, kind, &index) != 0 ? index : nil
        }

        /// "crash: SIGSEGV at ...", "timeout: ...", or nil for no fault.
        static func describe(_ fault: spec_fault) -> String? {
            switch fault.kind {
            case Int32(SPEC_FAULT_SIGNAL.rawValue):
                let name = String(cString: spec_signal_name(fault.signal_number))
                return "crash: \(name) at address 0x\(String(fault.address, radix: 16)) (pc 0x\(String(fault.pc, radix: 16)))"
            case Int32(SPEC_FAULT_TIMEOUT.rawValue):
                return "timeout: interrupted at pc 0x\(String(fault.pc, radix: 16))"
            default:
                return nil
            }
        }
    }
}

/// What an action did.
enum ActionResult {
    case values([InterpreterValue])
    case trap(String)
    case fault(String)
    case error(String)
}

/// The import resolver handed to w2n_instantiate; `context` is the session.
private let resolveImport: w2n_import_resolver = { context, entry, out in
    guard let context, let entry, let out else { return 0 }
    let session = Unmanaged<InterpreterEngine.Session>.fromOpaque(context).takeUnretainedValue()
    return session.resolve(entry, out)
}
