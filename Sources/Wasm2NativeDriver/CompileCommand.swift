// `wasm2native app.wasm -o app`: compile a module to a static native executable.

import ArgumentParser
import Codegen
import Lowering
import WasmParser

/// Compiles a WebAssembly module to a static Linux executable.
public struct CompileCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile a WebAssembly module to a static native executable (the default command).",
        discussion: """
            The executable runs the module's `_start` with WASI: its arguments go to the guest unchanged; \
            directories, environment variables and the network are available only when granted here. \
            At deployment, W2N_DIRS (HOST[::GUEST][:ro],...), W2N_ENV (NAME[=VALUE],...), W2N_INHERIT_ENV \
            (0/1) and W2N_NET (0/1) in the executable's environment replace these grants, unless it was \
            compiled with --lock-grants. Linking uses zig (PyPI `ziglang`) from PATH or W2N_ZIG.
            """
    )

    @Argument(help: "The module to compile (.wasm).")
    public var input: String

    @Option(name: .customShort("o"), help: "The executable to write.")
    public var output: String?

    @Option(name: .customShort("O"), help: "Optimisation level, 0 to 3 (also -O0 .. -O3).")
    public var optimizationLevel: Int = 2

    @Option(help: "CPU: 'baseline' (portable), 'native' (this machine's), or an LLVM CPU name.")
    public var cpu: String = "baseline"

    @Option(help: "Target: x86_64-linux or aarch64-linux.")
    public var target: String?

    @Option(name: .customLong("dir"), help: "Grant a directory: HOST or HOST::GUEST, ':ro' at the end for read-only (repeatable).")
    public var directories: [String] = []

    @Option(name: .customLong("env"), help: "Pass NAME=VALUE, or NAME with the host's value (repeatable).")
    public var environment: [String] = []

    @Flag(help: "Let the guest see the whole host environment.")
    public var inheritEnv = false

    @Flag(
        name: [.customLong("net"), .customLong("allow-network")],
        help: "Grant the network: the guest may open sockets and resolve names (WasmEdge's socket extension).")
    public var allowNetwork = false

    @Flag(help: "Ignore the deployment's W2N_DIRS, W2N_ENV, W2N_INHERIT_ENV and W2N_NET: only these grants hold.")
    public var lockGrants = false

    @Flag(help: "Compile function imports that are neither WASI nor provided as functions that trap when called.")
    public var trapUnresolvedImports = false

    @Flag(help: "Leave symbols and debug information out of the executable (as `image` does).")
    public var strip = false

    @Flag(
        name: .customLong("no-loop-versioning"),
        help: "Do not give loops whose accesses stay in bounds a copy without trap points (to measure what it gains).")
    public var noLoopVersioning = false

    @Option(name: .customLong("emit-llvm"), help: "Also write the optimised LLVM IR to this file.")
    public var emitLLVM: String?

    @Option(
        name: .customLong("emit-obj"),
        help: "Write the object file to this file (with -o: the one linked; without -o: only it, position independent).")
    public var emitObject: String?

    @Flag(help: "Keep intermediate files next to the output.")
    public var keepTemps = false

    public init() {}

    public func validate() throws {
        guard (0...3).contains(optimizationLevel) else {
            throw ValidationError("-O takes 0, 1, 2 or 3, not \(optimizationLevel)")
        }
        if let target, Target(rawValue: target) == nil {
            throw ValidationError("unknown target '\(target)'; use x86_64-linux or aarch64-linux")
        }
        if output == nil && emitObject == nil && emitLLVM == nil {
            throw ValidationError("nothing to write: give -o FILE (or --emit-obj / --emit-llvm)")
        }
    }

    public func run() throws {
        let bytes = try readInput(input)
        let module: Module
        do {
            module = try validateModule(bytes)
        } catch {
            printError("\(input): \(error)")
            throw ExitCode(1)
        }
        var options = CompileOptions()
        options.optimizationLevel = optimizationLevel
        options.cpu = cpu
        options.target = target.flatMap(Target.init(rawValue:)) ?? .host
        options.config = ExecutableConfig(
            directories: directories, environment: environment, inheritEnvironment: inheritEnv,
            allowNetwork: allowNetwork, lockGrants: lockGrants)
        options.llvmIROutput = emitLLVM
        options.objectOutput = emitObject
        options.keepTemps = keepTemps
        options.trapUnresolvedImports = trapUnresolvedImports
        options.stripSymbols = strip
        options.loopVersioning = !noLoopVersioning
        do {
            try Compiler.compileExecutable(module, output: output, options: options)
        } catch {
            printError("\(input): \(error)")
            throw ExitCode(1)
        }
    }
}
