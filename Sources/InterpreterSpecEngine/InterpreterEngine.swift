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
//   exported global, then compare (SpecEngineSupport's RuntimeValue.swift);
// - `assert_unlinkable`: instantiation fails with "unknown import" or "incompatible import type";
//   `assert_uninstantiable`: it traps (the instance stays: its effects persist).
// Imports resolve to registered instances first, then to `spectest`. Instances, registrations,
// imports and actions are SpecEngineSupport's SpecStore, shared with the native engine.

import Foundation
import Interpreter
import RuntimeSupport
import SpecEngineSupport
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
        var parser: ParserEngine.Session
        private let store: SpecStore
        private var definitions: [String: InterpretedModule] = [:]
        /// Every module prepared: they must outlive their instances.
        private var modules: [InterpretedModule] = []
        /// The module of each instance, for exports whose names C strings cannot hold.
        private var moduleOfInstance: [UnsafeMutablePointer<w2n_instance>: InterpretedModule] = [:]

        init(parser: ParserEngine.Session, printHostOutput: Bool) {
            self.parser = parser
            store = SpecStore(printHostOutput: printHostOutput, beforeCall: Interpreter.resetThread)
        }

        deinit {
            // Instances first, then the spectest objects they may import, then the modules.
            store.close()
        }

        package func noteSkipped(_ command: SpecCommand, reason: String) {
            store.noteSkipped(command, reason: reason)
        }

        package func run(_ command: SpecCommand, module: URL?) -> SpecOutcome {
            switch command.kind {
            case .assertInvalid, .assertMalformed:
                return parser.run(command, module: module)
            case .module:
                guard let module else { return .skipped(reason: "no binary module") }
                let (slot, outcome) = instantiate(prepare(module))
                store.bind(slot, as: command.name)
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
                store.bind(slot, as: command.instance)
                return outcome
            case .register:
                return store.runRegister(command)
            case .action, .assertReturn, .assertTrap, .assertExhaustion:
                return store.runAction(command) { instance, name, kind in findExport(name, kind: kind, in: instance) }
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

        /// Instantiates a prepared module; the instance keeps its module.
        private func attempt(_ module: InterpretedModule) -> SpecStore.Attempt {
            let attempt = store.instantiate(module.descriptor)
            if let instance = attempt.instance { moduleOfInstance[instance] = module }
            return attempt
        }

        private func instantiate(_ prepared: Result<InterpretedModule, PrepareError>) -> (SpecStore.Slot, SpecOutcome) {
            switch prepared {
            case .success(let module): return attempt(module).moduleOutcome
            case .failure(let failure):
                return (.unavailable(failure.message), .failed(expected: "a valid module", got: failure.message))
            }
        }

        private func runFailingInstantiation(
            _ command: SpecCommand, _ prepared: Result<InterpretedModule, PrepareError>
        ) -> SpecOutcome {
            switch prepared {
            case .success(let module): return attempt(module).outcome(of: command)
            case .failure(let failure):
                let expected = (command.kind == .assertUnlinkable ? "unlinkable: " : "trap: ") + (command.text ?? "")
                return .failed(expected: expected, got: failure.message)
            }
        }

        // MARK: - Actions

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
    }
}
