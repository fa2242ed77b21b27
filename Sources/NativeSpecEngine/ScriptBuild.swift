// Compiling and linking the modules of one spec script.
//
// Every binary module the script names that the harness will run (its feature verdict is
// "supported") is validated with WasmParser, lowered and compiled by the real pipeline
// (`Compiler.compileObject`) with its own descriptor symbol `w2n_spec_module_<n>` and host imports
// allowed, on `compileJobs` threads. Objects are cached under `<cache>/native/objects`, keyed by
// the SHA-256 of the module bytes, the descriptor symbol, the optimisation level and the identity
// of the compiler (the running executable's size and modification time: the compiler is linked
// into it). All objects of the script are then linked into one shared object with
// `ld.lld -shared -Bsymbolic` (undefined `w2n_*` symbols stay for the dynamic loader) and loaded.

import Codegen
import Foundation
import Lowering
import SpecHarness
import WasmParser

/// The compiled modules of one script, loaded.
final class ScriptBuild {
    /// What became of one module.
    enum ModuleStatus {
        /// Compiled and loaded: its descriptor.
        case ready(descriptor: UnsafeRawPointer, symbol: String)
        /// WasmParser rejects it (the message is WasmParser's).
        case invalid(String)
        /// The compiler refused it or failed; `feature` is set for "unsupported feature" refusals.
        case compileFailed(String, feature: String?)
        /// Compiled, but the script's shared object could not be built or loaded, or lacks the symbol.
        case unavailable(String)
    }

    /// Status per module file name (`address.3.wasm`).
    private(set) var modules: [String: ModuleStatus] = [:]
    /// The loaded shared object (kept alive as long as instances of it may run).
    private(set) var library: SharedLibrary?

    /// Counters for the run's statistics line.
    struct Statistics {
        var compiled = 0
        var cached = 0
        var failed = 0
        var compileSeconds = 0.0
        var linkSeconds = 0.0
    }

    private(set) var statistics = Statistics()

    /// The status of a module file, or nil when the script's build did not include it.
    func status(of module: URL) -> ModuleStatus? {
        modules[module.lastPathComponent]
    }

    /// Compiles, links and loads the modules of `script` that `wanted` accepts.
    init(file: SpecFile, script: SpecScript, configuration: NativeEngine.Configuration, wanted: (SpecCommand) -> Bool) {
        var jobs: [Job] = []
        var seen: Set<String> = []
        for command in script.commands {
            switch command.kind {
            case .module, .moduleDefinition, .assertUnlinkable, .assertUninstantiable: break
            default: continue
            }
            guard let url = SpecSuite.binaryModule(of: command, in: file), wanted(command),
                seen.insert(url.lastPathComponent).inserted
            else { continue }
            jobs.append(Job(url: url, symbol: "w2n_spec_module_\(jobs.count)"))
        }
        guard !jobs.isEmpty else { return }

        CrashGuard.setLabel("compiling the modules of \(file.relativePath)")
        let start = MonotonicClock.now()
        let results = ParallelWork.map(jobs, workers: configuration.compileJobs) { job in
            Self.compile(job, configuration: configuration)
        }
        statistics.compileSeconds = MonotonicClock.seconds(since: start)

        var objects: [String] = []
        for (job, result) in zip(jobs, results) {
            switch result {
            case .object(let path, let cached):
                objects.append(path)
                if cached { statistics.cached += 1 } else { statistics.compiled += 1 }
                modules[job.url.lastPathComponent] = .unavailable("not linked")
            case .invalid(let message):
                modules[job.url.lastPathComponent] = .invalid(message)
            case .failed(let message, let feature):
                statistics.failed += 1
                modules[job.url.lastPathComponent] = .compileFailed(message, feature: feature)
            }
        }
        guard !objects.isEmpty else { return }

        CrashGuard.setLabel("linking the modules of \(file.relativePath)")
        let linkStart = MonotonicClock.now()
        defer { statistics.linkSeconds = MonotonicClock.seconds(since: linkStart) }
        let libraryPath = configuration.libraryDirectory.appendingPathComponent(
            file.relativePath.replacingOccurrences(of: "/", with: "__") + ".so"
        ).path
        do {
            try Self.link(objects: objects, output: libraryPath, linker: configuration.linker)
            let library = try SharedLibrary(path: libraryPath)
            self.library = library
            for job in jobs {
                guard case .unavailable = modules[job.url.lastPathComponent] else { continue }
                if let descriptor = library.symbol(job.symbol) {
                    modules[job.url.lastPathComponent] = .ready(descriptor: UnsafeRawPointer(descriptor), symbol: job.symbol)
                } else {
                    modules[job.url.lastPathComponent] = .unavailable("no symbol \(job.symbol) in \(libraryPath)")
                }
            }
        } catch {
            for job in jobs {
                guard case .unavailable = modules[job.url.lastPathComponent] else { continue }
                modules[job.url.lastPathComponent] = .unavailable(error.description)
            }
        }
    }

    // MARK: - Compiling

    struct Job: Sendable {
        var url: URL
        var symbol: String
    }

    enum JobResult: Sendable {
        case object(path: String, cached: Bool)
        case invalid(String)
        case failed(String, feature: String?)
    }

    /// This machine's CPU, for the cache keys of `--cpu native` code (asked of LLVM once).
    private static let hostCPU = HostCPU.current().description

    private static func compile(_ job: Job, configuration: NativeEngine.Configuration) -> JobResult {
        guard let data = FileManager.default.contents(atPath: job.url.path) else {
            return .failed("cannot read \(job.url.path)", feature: nil)
        }
        let bytes = [UInt8](data)
        var keyInput = bytes
        let cpu = configuration.cpu == "native" ? "native " + Self.hostCPU : configuration.cpu
        keyInput.append(contentsOf: Array(
            "\0\(job.symbol)\0O\(configuration.optimizationLevel)\0\(cpu)\0\(configuration.compilerIdentity)".utf8))
        let objectPath = configuration.objectDirectory.appendingPathComponent(SHA256.hexDigest(keyInput) + ".o").path
        if FileManager.default.fileExists(atPath: objectPath) { return .object(path: objectPath, cached: true) }

        let module: Module
        do {
            module = try validateModule(bytes, features: configuration.features)
        } catch {
            return .invalid(error.description)
        }
        var loweringOptions = LoweringOptions()
        loweringOptions.descriptorSymbol = job.symbol
        loweringOptions.allowHostImports = true
        var options = CompileOptions()
        options.optimizationLevel = configuration.optimizationLevel
        options.cpu = configuration.cpu
        let temporary = objectPath + ".\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        do {
            try Compiler.compileObject(module, loweringOptions: loweringOptions, options: options, objectPath: temporary)
        } catch let error as LoweringError {
            try? FileManager.default.removeItem(atPath: temporary)
            if case .unsupported(let feature, _) = error { return .failed(error.description, feature: feature) }
            return .failed(error.description, feature: nil)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            return .failed("\(error)", feature: nil)
        }
        if rename(temporary, objectPath) != 0 {
            try? FileManager.default.removeItem(atPath: temporary)
            return .failed("cannot move the object to \(objectPath)", feature: nil)
        }
        return .object(path: objectPath, cached: false)
    }

    // MARK: - Linking

    private static func link(objects: [String], output: String, linker: String) throws(NativeEngineError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: linker)
        process.arguments = ["-shared", "-Bsymbolic", "--no-undefined-version", "-o", output] + objects
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            throw .link("cannot run \(linker): \(error)")
        }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .link("ld.lld failed (status \(process.terminationStatus)): \(text.prefix(2000))")
        }
    }
}
