// `wasm2native run [--engine aot|interpreter] app.wasm [args...]`: run a WASI command.
//
// aot (the default): the module is compiled into the run cache (RunCache.swift) once per module,
// options and compiler, and the cached executable replaces this process (fexecve), so its exit
// status and signals are the guest's. The grants go to it through the deployment variables the
// executables read (W2N_DIRS, W2N_ENV, W2N_INHERIT_ENV, W2N_NET; see w2n_main.c), so changing them
// needs no recompilation; a grant that contains ',' (the lists' separator) is compiled in instead,
// with the other grants locked. The executable gives the guest W2N_ENGINE=aot.
//
// interpreter: the module runs in this process (Interpreter's WASIRunner) with the same
// RuntimeSupport WASI code; the guest sees W2N_ENGINE=interpreter.
//
// When native code generation is impossible on this host (no zig to link with, an unsupported
// machine), `run` says so in one line on stderr and uses the interpreter.

import ArgumentParser
import Codegen
import Foundation
import Interpreter
import Lowering
import WasmParser

/// Runs a WebAssembly module, compiled (and cached) or interpreted.
public struct RunCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a WebAssembly command module (WASI): compiled to native code and cached, or interpreted.",
        discussion: """
            Options come before the module; everything after it goes to the guest as its arguments \
            (argv[0] is the module's path as given). The guest sees W2N_ENGINE=aot or W2N_ENGINE=interpreter. \
            Compiled executables are cached in $W2N_CACHE_DIR (default ~/.cache/wasm2native/run).
            """
    )

    /// The execution engine.
    public enum Engine: String, ExpressibleByArgument, Sendable {
        case aot, interpreter
    }

    @Option(help: "The engine: aot (compile to native code, cached) or interpreter.")
    public var engine: Engine = .aot

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

    @Option(name: .customShort("O"), help: "aot: optimisation level, 0 to 3 (also -O0 .. -O3).")
    public var optimizationLevel: Int = 2

    @Option(help: "aot: CPU: 'baseline' (portable), 'native' (this machine's), or an LLVM CPU name.")
    public var cpu: String = "baseline"

    @Flag(help: .hidden)
    public var dumpTranslation = false

    @Argument(help: "The module to run (.wasm).")
    public var input: String

    @Argument(parsing: .captureForPassthrough, help: "Arguments for the guest.")
    public var arguments: [String] = []

    public init() {}

    public func validate() throws {
        guard (0...3).contains(optimizationLevel) else {
            throw ValidationError("-O takes 0, 1, 2 or 3, not \(optimizationLevel)")
        }
    }

    public func run() throws {
        let bytes = try readInput(input)
        var engine = dumpTranslation ? .interpreter : self.engine
        if engine == .aot, let reason = Self.nativeCodeGenerationUnavailable() {
            printError("native code generation is not available (\(reason)); running in the interpreter")
            engine = .interpreter
        }
        switch engine {
        case .interpreter: try runInterpreted(bytes)
        case .aot: try runCompiled(bytes)
        }
    }

    // MARK: - Interpreter

    func runInterpreted(_ bytes: [UInt8]) throws {
        let module: InterpretedModule
        do {
            module = try InterpretedModule(bytes: bytes)
        } catch {
            printError("\(input): \(error)")
            throw ExitCode(1)
        }
        if dumpTranslation {
            print(module.disassembly(), terminator: "")
            return
        }
        let configuration = WASIConfiguration(
            arguments: [input] + arguments, directories: directories, environment: environment,
            inheritEnvironment: inheritEnv, allowNetwork: allowNetwork)
        let status = WASIRunner.run(module, configuration: configuration)
        throw ExitCode(status)
    }

    // MARK: - aot

    /// Why native code cannot be generated and linked on this host, or nil when it can.
    static func nativeCodeGenerationUnavailable() -> String? {
        #if !os(Linux) || !(arch(x86_64) || arch(arm64))
            return "wasm2native generates code for x86_64 and aarch64 Linux only"
        #else
            let environment = ProcessInfo.processInfo.environment
            if let zig = environment["W2N_ZIG"], FileManager.default.isExecutableFile(atPath: zig) { return nil }
            for directory in (environment["PATH"] ?? "").split(separator: ":")
            where FileManager.default.isExecutableFile(atPath: "\(directory)/zig") {
                return nil
            }
            return "zig, which links executables, was not found in W2N_ZIG or PATH"
        #endif
    }

    /// Grants that cannot travel in the comma-separated W2N_DIRS / W2N_ENV lists.
    var grantsNeedCompiling: Bool {
        (directories + environment).contains { $0.contains(",") }
    }

    func runCompiled(_ bytes: [UInt8]) throws {
        var options = CompileOptions()
        options.optimizationLevel = optimizationLevel
        options.cpu = cpu
        var description = "O\(optimizationLevel) cpu=\(cpu) target=\(Target.host.rawValue)"
        if grantsNeedCompiling {
            options.config = ExecutableConfig(
                directories: directories, environment: environment, inheritEnvironment: inheritEnv,
                allowNetwork: allowNetwork, lockGrants: true)
            description += " dirs=\(directories) env=\(environment) inherit=\(inheritEnv) net=\(allowNetwork) locked"
        }
        let cache = RunCache.standard()
        let key = RunCache.key(module: bytes, options: description)
        var corrupt = false
        var descriptor = cache.verifiedExecutable(key, corrupt: &corrupt)
        if descriptor == nil {
            if corrupt { printError("the cached executable for \(input) is corrupt; compiling it again") }
            let module: Module
            do {
                module = try validateModule(bytes)
            } catch {
                printError("\(input): \(error)")
                throw ExitCode(1)
            }
            do {
                descriptor = try cache.store(key) { path in
                    try Compiler.compileExecutable(module, output: path, options: options)
                }
            } catch {
                printError("\(input): \(error)")
                throw ExitCode(1)
            }
        }
        guard let descriptor else { throw ExitCode(1) }
        if !grantsNeedCompiling { setGrantVariables() }
        let argv = [input] + arguments
        withCStringArray(argv) { pointers in
            _ = fexecve(descriptor, pointers, environ)
            // fexecve needs /proc; the path is the same file unless another run replaced it,
            // in which case it holds an equally verified build.
            _ = execv(cache.executablePath(key), pointers)
        }
        printError("cannot run the compiled executable: \(String(cString: strerror(errno)))")
        throw ExitCode(1)
    }

    /// For a `run` command line, the index of the first guest argument (after the module), if any.
    public static func guestArgumentsStart(_ arguments: [String]) -> Int? {
        guard arguments.first == "run" else { return nil }
        let takesValue: Set<String> = ["--engine", "--dir", "--env", "-O", "--cpu"]
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { return index + 2 <= arguments.count ? index + 2 : nil }
            if !argument.hasPrefix("-") { return index + 1 }
            index += takesValue.contains(argument) ? 2 : 1
        }
        return nil
    }

    /// Passes the grants to the executable (see w2n_main.c), replacing any the user's environment
    /// has, so that only this command's grants hold.
    func setGrantVariables() {
        setenv("W2N_DIRS", directories.joined(separator: ","), 1)
        setenv("W2N_ENV", environment.joined(separator: ","), 1)
        setenv("W2N_INHERIT_ENV", inheritEnv ? "1" : "0", 1)
        setenv("W2N_NET", allowNetwork ? "1" : "0", 1)
    }
}

/// Calls `body` with a NULL-terminated C array of copies of `strings`.
private func withCStringArray<R>(
    _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R
) -> R {
    var copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    copies.append(nil)
    defer { for copy in copies { free(copy) } }
    return copies.withUnsafeBufferPointer { body($0.baseAddress!) }
}
