// The native side of a batch: modules compiled by the real pipeline (Lowering, Codegen) into
// objects with their own descriptor symbols, linked into one shared object and loaded into this
// process, whose RuntimeSupport the objects use (the executable exports its symbols), as the
// native spec engine does.

import Codegen
import Foundation
import Lowering
import SpecHarness
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
    init(modules: [Module], directory: URL, batch: Int, optimizationLevel: Int, cpu: String, jobs: Int, linker: String) {
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
        let results = ParallelWork.map(work, workers: jobs) { job -> String? in
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
