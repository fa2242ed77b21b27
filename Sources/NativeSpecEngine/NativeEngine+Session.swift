// One script's run in the native engine: how each command maps onto RuntimeSupport.
//
// - `module`: instantiate (a trap in initialization or start fails the command);
// - `module_definition` / `module_instance`: compile once, instantiate on `module_instance`;
// - `register`: the instance becomes an import namespace for the resolver;
// - `action`, `assert_return`, `assert_trap`, `assert_exhaustion`: invoke an export or read an
//   exported global (`get`), then compare (RuntimeValue.swift);
// - `assert_unlinkable`: instantiation must fail with "unknown import" or "incompatible import
//   type"; `assert_uninstantiable`: it must trap (the instance stays: its effects persist);
// - `assert_invalid`, `assert_malformed`: the parser engine's session.
// Instances, registrations, imports and actions are the store's (SpecStore.swift), shared with the
// interpreter engine; this session compiles and loads the modules.

import Foundation
import RuntimeSupport
import SpecEngineSupport
import SpecHarness

extension NativeEngine {
    /// The per-script state of the native engine.
    package final class Session: SpecEngineSession {
        let file: SpecFile
        var parser: ParserEngine.Session
        let build: ScriptBuild?
        let setupError: String?
        let configuration: Configuration
        private let store: SpecStore
        private var definitions: [String: URL] = [:]

        init(
            file: SpecFile, parser: ParserEngine.Session, build: ScriptBuild?, setupError: String?,
            configuration: Configuration
        ) {
            self.file = file
            self.parser = parser
            self.build = build
            self.setupError = setupError
            self.configuration = configuration
            store = SpecStore(
                printHostOutput: configuration.printHostOutput, symbolize: { SharedLibrary.describe(address: $0) })
        }

        deinit {
            // Instances first (they read their descriptors, which live in the shared object),
            // then the spectest objects they may import; the shared object goes with `build`.
            store.close()
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
                return store.runRegister(command)
            case .action, .assertReturn, .assertTrap, .assertExhaustion:
                return store.runAction(command, exportIndex: exportIndex)
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
            store.noteSkipped(command, reason: reason)
        }

        // MARK: - Modules

        private func runModule(_ command: SpecCommand, module: URL?) -> SpecOutcome {
            guard let module else { return .skipped(reason: "no binary module") }
            let (slot, outcome) = instantiate(module)
            store.bind(slot, as: command.name)
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
            store.bind(slot, as: command.instance)
            return outcome
        }

        private func runFailingInstantiation(_ command: SpecCommand, module: URL?) -> SpecOutcome {
            guard let module else { return .skipped(reason: "no binary module") }
            switch loadDescriptor(module) {
            case .success(let descriptor): return store.instantiate(descriptor).outcome(of: command)
            case .failure(let failure): return failure.outcome
            }
        }

        /// Instantiates a module file: the slot to remember and the command's outcome.
        private func instantiate(_ module: URL) -> (SpecStore.Slot, SpecOutcome) {
            switch loadDescriptor(module) {
            case .success(let descriptor): return store.instantiate(descriptor).moduleOutcome
            case .failure(let failure): return (.unavailable(failure.reason), failure.outcome)
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
    }
}

/// Looks an export up by its exact bytes (names may contain NUL).
private func exportIndex(_ instance: UnsafeMutablePointer<w2n_instance>, _ name: String, _ kind: UInt32) -> UInt32? {
    var index: UInt32 = 0
    let found = Array(name.utf8).withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { w2n_find_export_bytes(instance, $0.baseAddress, $0.count, kind, &index) }
    }
    return found != 0 ? index : nil
}
