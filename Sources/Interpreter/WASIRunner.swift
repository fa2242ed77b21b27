// Running a WASI command in the interpreter the way a compiled executable runs it (w2n_main.c):
// the same WASI context from arguments and grants, the same instantiation, `_start`, and the
// same exit statuses and messages. The guest's environment has W2N_ENGINE=interpreter (unless a
// grant sets W2N_ENGINE), as executables give it W2N_ENGINE=aot.

import RuntimeSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Capabilities and arguments of a WASI run, as `wasm2native` takes them.
public struct WASIConfiguration: Sendable {
    /// The guest's arguments, argv[0] included.
    public var arguments: [String]
    /// "HOST" or "HOST::GUEST" directory grants.
    public var directories: [String] = []
    /// "NAME=VALUE", or "NAME" for the host's value.
    public var environment: [String] = []
    /// Whether the guest sees the whole host environment (before `environment`).
    public var inheritEnvironment = false
    /// Whether the guest may create sockets and resolve names (the WasmEdge socket extension).
    public var allowNetwork = false

    public init(
        arguments: [String], directories: [String] = [], environment: [String] = [], inheritEnvironment: Bool = false,
        allowNetwork: Bool = false
    ) {
        self.arguments = arguments
        self.directories = directories
        self.environment = environment
        self.inheritEnvironment = inheritEnvironment
        self.allowNetwork = allowNetwork
    }
}

/// Runs WASI commands in the interpreter.
public enum WASIRunner {
    /// Runs `module`'s `_start` with WASI and returns the exit status an executable would have:
    /// proc_exit's status, 0 when `_start` returns, 134 after "wasm2native: trap: ..." on
    /// stderr, 1 after "wasm2native: <reason>" when setup or instantiation fails.
    public static func run(_ module: InterpretedModule, configuration: WASIConfiguration) -> Int32 {
        installSignalHandlers()
        var error = [CChar](repeating: 0, count: 512)
        let wasi: OpaquePointer? = withCStrings(configuration.arguments) { argv in
            withCStrings(configuration.directories) { directories in
                withCStrings(configuration.environment) { environment in
                    var config = w2n_main_config(
                        dirs: directories, env: environment, inherit_env: configuration.inheritEnvironment ? 1 : 0,
                        allow_network: configuration.allowNetwork ? 1 : 0, lock_grants: 1)
                    return w2n_wasi_create(Int32(configuration.arguments.count), argv, &config, &error, error.count)
                }
            }
        }
        guard let wasi else {
            printError("wasm2native: \(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
            return 1
        }
        defer { w2n_wasi_free(wasi) }
        // Like executables' W2N_ENGINE=aot: the guest can tell which engine runs it.
        guard w2n_wasi_env_default(wasi, "W2N_ENGINE=interpreter") == 0 else {
            printError("wasm2native: out of memory")
            return 1
        }
        var instance: UnsafeMutablePointer<w2n_instance>?
        var trap = W2N_TRAP_NONE
        let status = w2n_instantiate_with_wasi(module.descriptor, wasi, nil, nil, &instance, &trap)
        defer { if let instance { w2n_instance_free(instance) } }
        if status == W2N_INSTANTIATE_TRAP { return exitStatus(trap, wasi: wasi, module: module) }
        guard status == W2N_INSTANTIATE_OK, let instance else {
            printError("wasm2native: cannot instantiate the module: \(String(cString: w2n_instantiate_error()))")
            return 1
        }
        var start: UInt32 = 0
        guard w2n_find_export(instance, "_start", UInt32(W2N_EXTERN_FUNC), &start) != 0 else {
            printError("wasm2native: the module exports no `_start` function")
            return 1
        }
        return exitStatus(w2n_invoke(instance, start, nil, nil), wasi: wasi, module: module)
    }

    /// The status for how a guarded call of the guest ended.
    static func exitStatus(_ trap: w2n_trap_code, wasi: OpaquePointer, module: InterpretedModule) -> Int32 {
        if trap == W2N_TRAP_NONE { return 0 }
        if trap == W2N_TRAP_EXIT { return Int32(bitPattern: w2n_wasi_exit_status(wasi)) }
        var message = "wasm2native: trap: \(String(cString: w2n_trap_message(trap)))"
        if let function = Interpreter.lastTrapFunction(in: module), let name = module.functionName(function) {
            message += " in function \(name)"
        }
        printError(message)
        return 134
    }

    private static func installSignalHandlers() {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGTERM) { _ in _exit(143) }
        signal(SIGINT) { _ in _exit(130) }
    }

    static func printError(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
    }
}

/// Calls `body` with a NULL-terminated C array of copies of `strings`.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { for copy in copies { free(copy) } }
    let pointers = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
