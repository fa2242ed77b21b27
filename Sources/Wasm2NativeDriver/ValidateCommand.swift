// `wasm2native validate FILE.wasm`.

import ArgumentParser
import WasmParser

/// Decodes and validates a module and prints `valid` or the error.
///
/// Exit status: 0 valid, 1 malformed or invalid, 2 usage error or unreadable file.
public struct ValidateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check that a WebAssembly module is well-formed and valid.",
        discussion: """
            Prints `valid`, or the first error: malformed or invalid, the reason in the spec's words, \
            the byte offset and, inside a function body, the function index. Supports WebAssembly 2.0.
            Exit status: 0 valid, 1 malformed or invalid, 2 usage error or unreadable file.
            """
    )

    @Argument(help: "The module to validate (.wasm).")
    public var file: String

    public init() {}

    public func run() throws {
        let bytes = try readInput(file)
        do {
            _ = try validateModule(bytes)
            print("valid")
        } catch {
            printError("\(file): \(error)")
            throw ExitCode(1)
        }
    }
}
