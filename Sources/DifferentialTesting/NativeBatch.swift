// The native side of a batch: modules compiled by the real pipeline (Lowering, Codegen) into
// objects with their own descriptor symbols, linked into one shared object and loaded into this
// process, whose RuntimeSupport the objects use (the executable exports its symbols), as the
// native spec engine does.

import Codegen
import Foundation
import Lowering
import SpecHarness
import Synchronization
import WasmParser

#if canImport(Glibc)
    import Glibc
#endif

/// Compiled modules of one batch, loaded.
final class NativeBatch {
    /// Descriptors by module position in the batch; nil where compiling failed (see `failures`).
    private(set) var descriptors: [UnsafeRawPointer?]
    /// Why a module has no descriptor.
    private(set) var failures: [Int: String] = [:]
    private var handle: UnsafeMutableRawPointer?
    private let libraryPath: String

    /// Compiles `modules` at `optimizationLevel` for `cpu` on `jobs` threads, links and loads them.
    /// A module whose compilation takes longer than `compileTimeout` seconds is passed to `onHang`
    /// (`CompileWatch`).
    init(
        modules: [Module], directory: URL, batch: Int, optimizationLevel: Int, cpu: String, jobs: Int, linker: String,
        compileTimeout: Double, onHang: @escaping @Sendable (Int) -> Void
    ) {
        descriptors = Array(repeating: nil, count: modules.count)
        libraryPath = directory.appendingPathComponent("batch-\(batch).so").path
        struct Job: Sendable {
            var index: Int
            var module: Module
            var object: String
        }
        let work = modules.enumerated().map { index, module in
            Job(index: index, module: module, object: directory.appendingPathComponent("batch-\(batch)-\(index).o").path)
        }
        let watch = CompileWatch(timeout: compileTimeout, onHang: onHang)
        defer { watch.stop() }
        let results = ParallelWork.map(work, workers: jobs) { job -> String? in
            watch.begin(job.index)
            defer { watch.end(job.index) }
            var lowering = LoweringOptions()
            lowering.descriptorSymbol = Self.symbol(job.index)
            lowering.allowHostImports = true
            var options = CompileOptions()
            options.optimizationLevel = optimizationLevel
            options.cpu = cpu
            do {
                try Compiler.compileObject(job.module, loweringOptions: lowering, options: options, objectPath: job.object)
                return nil
            } catch {
                return "\(error)"
            }
        }
        var objects: [String] = []
        for (job, failure) in zip(work, results) {
            if let failure { failures[job.index] = "compile: \(failure)" } else { objects.append(job.object) }
        }
        defer { for object in objects { unlink(object) } }
        guard !objects.isEmpty else { return }
        do {
            let result = try ProcessRunner.run(
                linker, ["-shared", "-Bsymbolic", "--no-undefined-version", "-o", libraryPath] + objects)
            guard result.status == 0 else { throw DifferentialError("ld.lld: \(result.output.prefix(1000))") }
            guard let handle = dlopen(libraryPath, RTLD_NOW | RTLD_LOCAL) else {
                throw DifferentialError("dlopen: \(dlerror().map { String(cString: $0) } ?? "unknown error")")
            }
            self.handle = handle
            for index in modules.indices where failures[index] == nil {
                if let symbol = dlsym(handle, Self.symbol(index)) {
                    descriptors[index] = UnsafeRawPointer(symbol)
                } else {
                    failures[index] = "no symbol \(Self.symbol(index))"
                }
            }
        } catch {
            for index in modules.indices where failures[index] == nil { failures[index] = "\(error)" }
        }
    }

    deinit {
        if let handle { dlclose(handle) }
        unlink(libraryPath)
    }

    static func symbol(_ index: Int) -> String { "w2n_diff_module_\(index)" }

    /// ld.lld: `$W2N_LLD`, Debian's /usr/lib/llvm-19/bin/ld.lld, or `ld.lld` on PATH.
    static func findLinker() -> String? {
        let environment = ProcessInfo.processInfo.environment
        var candidates = [environment["W2N_LLD"], "/usr/lib/llvm-19/bin/ld.lld"].compactMap { $0 }
        for directory in (environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(directory)/ld.lld") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// Watches the compilations of a batch from a thread of its own and reports one that runs longer
/// than the timeout, once. A compilation cannot be interrupted on its thread, and LLVM has hung on
/// generated modules (seed 1012953 at -O0 looped in instruction selection, memory growing); without
/// this a campaign would stall without a word. The report's handler decides what happens next
/// (`DifferentialConfiguration.onCompileHang`: say so and end the process).
final class CompileWatch: Sendable {
    private let timeout: Duration
    private let onHang: @Sendable (Int) -> Void
    /// When each running compilation began, by module index; whether one was reported; whether
    /// the batch is over.
    private let state = Mutex<(started: [Int: ContinuousClock.Instant], reported: Bool, stopped: Bool)>(([:], false, false))

    init(timeout: Double, onHang: @escaping @Sendable (Int) -> Void) {
        self.timeout = .milliseconds(Int64(max(0, timeout) * 1000))
        self.onHang = onHang
        let thread = Thread { [self] in watch() }
        thread.start()
    }

    func begin(_ index: Int) { state.withLock { $0.started[index] = .now } }

    /// Ends the watch of a compilation; one that took longer than the timeout is reported too
    /// (it finished between two looks of the watching thread).
    func end(_ index: Int) {
        let late = state.withLock { state in
            let start = state.started.removeValue(forKey: index)
            return start.map { ContinuousClock.now - $0 > timeout } == true && report(&state)
        }
        if late { onHang(index) }
    }

    func stop() { state.withLock { $0.stopped = true } }

    /// Whether this is the first report (each watch reports once).
    private func report(_ state: inout (started: [Int: ContinuousClock.Instant], reported: Bool, stopped: Bool)) -> Bool {
        defer { state.reported = true }
        return !state.reported
    }

    private func watch() {
        while true {
            Thread.sleep(forTimeInterval: 0.1)
            let (hung, stopped) = state.withLock { state -> (Int?, Bool) in
                let hung = state.started.first { ContinuousClock.now - $0.value > timeout }?.key
                return (hung.flatMap { report(&state) ? $0 : nil }, state.stopped)
            }
            if let hung { onHang(hung) }
            if stopped || hung != nil { return }
        }
    }
}
