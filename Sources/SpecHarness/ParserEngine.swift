// The validation-only engine: runs the commands that need nothing but WasmParser.
//
// - `module` / `module_definition`: `validateModule` must succeed;
// - `assert_malformed` (binary): `validateModule` must throw a `.malformed` error;
// - `assert_invalid` (binary): it must throw an `.invalid` error;
//   for both, whether our message contains the suite's text is reported, not required;
// - everything that instantiates or executes: skipped, "needs an execution engine".

import Foundation
import WasmParser

/// Runs validation commands with WasmParser.
package struct ParserEngine: SpecEngine {
    /// The feature set modules are validated with.
    package var features: WasmFeatureSet

    /// Creates the engine.
    package init(features: WasmFeatureSet = .wasm2) {
        self.features = features
    }

    /// "parser".
    package var name: String { "parser" }

    /// Sessions hold no state: validation needs no instances.
    package func makeSession(for file: SpecFile) -> Session {
        Session(features: features)
    }

    /// The (stateless) per-file session.
    package struct Session: SpecEngineSession {
        var features: WasmFeatureSet

        /// Validates or skips one command.
        package mutating func run(_ command: SpecCommand, module: URL?) -> SpecOutcome {
            switch command.kind {
            case .module, .moduleDefinition:
                guard let module else { return .skipped(reason: "no binary module") }
                switch Self.validate(module, features: features) {
                case .success: return .passed
                case .failure(let error): return .failed(expected: "a valid module", got: Self.describe(error))
                }
            case .assertMalformed, .assertInvalid:
                guard let module else { return .skipped(reason: "no binary module") }
                let expectedKind: WasmParserError.Kind = command.kind == .assertMalformed ? .malformed : .invalid
                let expectedText = command.text ?? ""
                switch Self.validate(module, features: features) {
                case .success:
                    return .failed(expected: "\(expectedKind.rawValue): \(expectedText)", got: "a valid module")
                case .failure(.parser(let error)) where error.kind == expectedKind:
                    return .passed(message: MessageCheck(expected: expectedText, actual: error.message))
                case .failure(let error):
                    return .failed(expected: "\(expectedKind.rawValue): \(expectedText)", got: Self.describe(error))
                }
            default:
                return .skipped(reason: needsExecutionEngine)
            }
        }

        /// `kind: message (at offset 0x.., in function n)`, or the read error.
        static func describe(_ error: ValidationFailure) -> String {
            switch error {
            case .parser(let error): error.description
            case .unreadable(let message): message
            }
        }

        static func validate(_ url: URL, features: WasmFeatureSet) -> Result<Void, ValidationFailure> {
            guard let data = FileManager.default.contents(atPath: url.path) else {
                return .failure(.unreadable("cannot read \(url.path)"))
            }
            let bytes = [UInt8](data)
            do {
                _ = try validateModule(bytes, features: features)
                return .success(())
            } catch {
                return .failure(.parser(error))
            }
        }
    }

    /// Why validation did not succeed.
    enum ValidationFailure: Error {
        case parser(WasmParserError)
        case unreadable(String)
    }
}
